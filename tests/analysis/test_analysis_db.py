"""compute_all / run_alerts on SQLite and PostgreSQL: views publish no small cell; re-runs are idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from analysis_fixtures import insert_fact_rows

from sentiment.analysis.compute import compute_all, read_inputs, run_alerts
from sentiment.analysis.config import load_alert_config, load_index_config
from sentiment.warehouse.db import prepare

WAVES = ["2024-11", "2025-02", "2025-05"]
RW = {"barat": "01", "timur": "05"}
# (wave, side, group) → respondents; 2024-11 timur/remaja is a small cell
SMALL = ("2024-11", "timur", "remaja")


def _populate(engine: sa.Engine) -> None:
    """Fictional respondents written straight into the fact tables (the loader is tested elsewhere).

    Tension rises on side timur in 2025-05 so that the index rule fires there.
    """
    cfg = load_index_config()
    rng = np.random.default_rng(11)
    now = datetime(2025, 1, 1, tzinfo=UTC)
    respondents, responses, answers, texts, scores = [], [], [], [], []
    rid = 0
    for wave in WAVES:
        for side in ("barat", "timur"):
            for group in ("orang_tua", "remaja"):
                n = 4 if (wave, side, group) == SMALL else 14
                shift = 1.5 if (wave, side) == ("2025-05", "timur") else 0.0
                for i in range(n):
                    rid += 1
                    key = f"{rid:064x}"
                    respondents.append(dict(respondent_key=key, respondent_group=group))
                    responses.append(dict(
                        response_id=rid, form_id=group, form_version="v1",
                        submission_id=f"s{rid}", respondent_key=key, wave_id=wave, area=RW[side],
                        side=side, respondent_group=group, batch_id=1, content_hash="x",
                        is_current=True, interview_date=date(int(wave[:4]), int(wave[5:]), 5)))
                    for item in cfg.items_of(group):
                        calm = 3 + rng.normal(0, 1) - shift
                        value = 6 - calm if item.reverse else calm
                        answers.append(dict(response_id=rid, question_id=item.question_id,
                                            option="", value_num=float(np.clip(round(value), 1, 5))))
                    answers.append(dict(response_id=rid, question_id=f"{group}.tawuran_disaksikan",
                                        option="", value_num=float(rng.poisson(1 + 4 * shift))))
                    texts.append(dict(text_id=rid, response_id=rid,
                                      question_id=f"{group}.kekhawatiran", text_redacted="contoh"))
                    negative = rng.random() < (0.8 if shift else 0.3)
                    scores.append(dict(text_id=rid, scorer="lexicon", model_version="t",
                                       sentiment="negatif" if negative else "netral",
                                       sentiment_score=-0.5 if negative else 0.0,
                                       topics="tawuran_kekerasan" if i % 2 else "kegiatan_pemuda",
                                       scored_at=now, is_current=True))
    insert_fact_rows(engine, now, respondents, responses, answers, texts, scores)


@pytest.fixture
def engine(db_url: str) -> sa.Engine:
    engine = prepare(db_url)
    _populate(engine)
    return engine


def _fast():
    # fewer resamples keep the test quick; the seeding and the rest of the method are unchanged
    return replace(load_index_config(), resamples=300)


def _view(engine: sa.Engine, name: str) -> pd.DataFrame:
    with engine.connect() as conn:
        frame = pd.read_sql_query(sa.text(f"SELECT * FROM {name}"), conn)
    keys = [c for c in ("wave_id", "side", "respondent_group", "topic") if c in frame]
    return frame.sort_values(keys).reset_index(drop=True)


def test_views_publish_no_small_cell(engine):
    from sentiment.analysis.pipeline import analyse
    from sentiment.analysis.topics import topic_codes

    summary = compute_all(engine, config=_fast())
    assert summary.waves == WAVES
    published = _view(engine, "v_tension_by_wave")
    assert list(published.columns) == [
        "wave_id", "side", "respondent_group", "tension_index", "ci_low", "ci_high", "n",
        "likert_component", "brawls_component", "text_component", "mean_brawls", "method_version"]
    assert published["n"].min() >= 10
    cells = set(map(tuple, published[["wave_id", "side", "respondent_group"]].to_numpy()))
    # 3 waves × 9 cells = 27; 2024-11 loses timur/remaja (4) and, by complementary
    # suppression, the three other side × group cells of that wave (2 × 2 table with margins)
    assert len(cells) == 27 - 4 and SMALL not in cells
    assert ("2024-11", "timur", "semua") in cells
    assert summary.cells == 27 and summary.cells_suppressed == 4
    topics = _view(engine, "v_topic_share_by_wave")
    assert list(topics.columns) == [
        "wave_id", "side", "respondent_group", "topic", "share", "ci_low", "ci_high", "n",
        "negative_share", "n_topic", "negative_ci_low", "negative_ci_high"]
    assert SMALL not in set(map(tuple, topics[["wave_id", "side", "respondent_group"]].to_numpy()))
    rel = _view(engine, "v_scale_reliability")
    assert list(rel.columns) == ["wave_id", "respondent_group", "alpha", "n", "omega", "n_items",
                                 "flag_low"]
    assert len(rel) == 6 and rel["alpha"].notna().all()
    changes = _view(engine, "v_tension_change")
    assert not ((changes["prev_wave_id"] == "2024-11") & (changes["side"] != "semua")
                & (changes["respondent_group"] != "semua")).any()
    # what the view shows is what the pure functions compute from the same view rows
    with engine.connect() as conn:
        responses, texts = read_inputs(conn)
    expected = analyse(responses, texts, _fast(), topic_codes()).cells
    expected = expected[~expected["suppressed"]].set_index(
        ["wave_id", "side", "respondent_group"])["tension_index"].sort_index()
    got = published.set_index(["wave_id", "side", "respondent_group"])["tension_index"].sort_index()
    assert np.allclose(got.to_numpy(), expected.to_numpy())


def test_compute_all_is_idempotent_and_per_wave(engine):
    compute_all(engine, config=_fast())
    first = _view(engine, "v_tension_by_wave")
    with engine.connect() as conn:
        before = dict(conn.execute(sa.text(
            "SELECT wave_id, MAX(computed_at) FROM tension_index GROUP BY wave_id")).all())
    summary = compute_all(engine, wave="2025-02", config=_fast())
    # recomputing gives identical published rows (seeded bootstrap), only 2025-02 rewritten
    pd.testing.assert_frame_equal(first, _view(engine, "v_tension_by_wave"))
    assert summary.waves == ["2025-02"] and summary.cells == 9
    with engine.connect() as conn:
        after = dict(conn.execute(sa.text(
            "SELECT wave_id, MAX(computed_at) FROM tension_index GROUP BY wave_id")).all())
        total = conn.execute(sa.text("SELECT COUNT(*) FROM tension_index")).scalar_one()
        changes = dict(conn.execute(sa.text(
            "SELECT wave_id, COUNT(*) FROM tension_change GROUP BY wave_id")).all())
    assert total == 27
    # changes into 2025-02 and out of it (2025-02 → 2025-05) are rewritten, none lost
    assert changes == {"2025-02": 9, "2025-05": 9} and summary.changes == 18
    assert after["2024-11"] == before["2024-11"] and after["2025-02"] != before["2025-02"]


def test_alerts_dry_run_then_stored_once(engine):
    compute_all(engine, config=_fast())
    dry = run_alerts(engine, dry_run=True)
    # the constructed rise on side timur in 2025-05 fires the index rule there
    fired = dry[dry["rule_id"] == "indeks_naik"]
    assert ("2025-05", "timur", "semua") in set(
        map(tuple, fired[["wave_id", "side", "respondent_group"]].to_numpy()))
    assert (fired["side"] != "barat").all()  # barat is flat: noise does not fire
    assert dry["new"].all()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM alerts")).scalar_one() == 0
    first = run_alerts(engine)
    assert load_alert_config().notify_block is None and not first["sent"].any()
    second = run_alerts(engine)
    assert not second["new"].any()
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT COUNT(*) FROM alerts")).scalar_one()
        message = conn.execute(sa.text("SELECT message FROM alerts WHERE rule_id = 'indeks_naik' "
                                       "AND side = 'timur' AND respondent_group = 'semua'")).scalar_one()
    assert stored == len(first)
    assert message.startswith("Indeks ketegangan semua responden di sisi timur naik +")


def test_unknown_wave_is_a_user_error(engine):
    from sentiment.errors import SentimentError

    with pytest.raises(SentimentError, match="2030-01"):
        compute_all(engine, wave="2030-01")



def test_cli_tension_and_alerts(sqlite_url):
    import typer
    from typer.testing import CliRunner

    from sentiment.cli.analysis import register

    _populate(prepare(sqlite_url))
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out = runner.invoke(app, ["tension", "--db", sqlite_url, "--wave", "2025-05"])
    assert out.exit_code == 0, out.output
    assert "2025-05" in out.output and "2024-11" not in out.output
    dry = runner.invoke(app, ["alerts", "--db", sqlite_url, "--dry-run"])
    assert dry.exit_code == 0 and "indeks_naik" in dry.output
    bad = runner.invoke(app, ["tension", "--db", sqlite_url, "--wave", "2030-01"])
    assert bad.exit_code == 1 and "unknown wave" in bad.output and "Traceback" not in bad.output


def test_method_doc_sql_gives_the_likert_component(engine):
    from sentiment.analysis.index import respondent_scores

    doc = (Path(__file__).resolve().parents[2] / "docs" / "method.md").read_text(encoding="utf-8")
    sql = doc.split("```sql", 1)[1].split("```", 1)[0]
    with engine.connect() as conn:
        by_sql = pd.read_sql_query(sa.text(sql), conn)
        responses, texts = read_inputs(conn)
    code = respondent_scores(responses, texts, load_index_config())
    merged = code.merge(by_sql, on=["wave_id", "respondent_key"], suffixes=("", "_sql"))
    assert len(merged) == len(code) > 0
    assert np.allclose(merged["likert"], merged["likert_sql"])
    assert (merged["n_items"] == merged["n_items_sql"]).all()


class _FakeBlock:
    """Stands in for a Prefect notification block (no server, no network)."""

    def __init__(self, fail: bool = False):
        self.fail, self.sent = fail, []

    def notify(self, body: str, subject: str | None = None) -> None:
        if self.fail:
            raise ConnectionError("webhook unreachable")
        self.sent.append((subject, body))


def test_alerts_are_sent_once_through_the_block(engine, monkeypatch):
    from prefect.blocks.core import Block

    compute_all(engine, config=_fast())
    rules = replace(load_alert_config(), notify_block="slack-webhook/kali-pasir-uji")
    broken, working = _FakeBlock(fail=True), _FakeBlock()
    monkeypatch.setattr(Block, "load", classmethod(lambda cls, name: broken))
    with pytest.raises(ConnectionError):
        run_alerts(engine, config=rules)
    with engine.connect() as conn:
        stored, sent = conn.execute(sa.text(
            "SELECT COUNT(*), SUM(CASE WHEN sent THEN 1 ELSE 0 END) FROM alerts")).one()
    assert stored > 0 and not sent  # stored, but a failed send leaves them unsent
    monkeypatch.setattr(Block, "load", classmethod(lambda cls, name: working))
    out = run_alerts(engine, config=rules)
    assert out["sent"].all() and len(working.sent) == 1
    subject, body = working.sent[0]
    assert "2025-05" in subject and "Indeks ketegangan" in body and "Tension index" in body
    run_alerts(engine, config=rules)
    assert len(working.sent) == 1  # nothing new, nothing unsent: no second message


def test_empty_warehouse(db_url):
    engine = prepare(db_url)
    summary = compute_all(engine)
    assert summary.waves == [] and summary.cells == 0
    assert run_alerts(engine).empty


def test_migration_0003_down_and_up(db_url):
    from sentiment.warehouse.db import current_revision, downgrade, upgrade

    engine = prepare(db_url)
    assert "v_tension_by_wave" in sa.inspect(engine).get_view_names()
    downgrade(engine, "0002")
    inspector = sa.inspect(engine)
    assert "tension_index" not in inspector.get_table_names()
    assert "v_tension_by_wave" not in inspector.get_view_names()
    upgrade(engine, "0003")
    assert current_revision(engine) == "0003"
    # the migration builds exactly the columns the ORM models declare
    from sentiment.analysis.models import ANALYSIS_TABLES

    inspector = sa.inspect(engine)
    for table in ANALYSIS_TABLES:
        assert [c["name"] for c in inspector.get_columns(table.name)] == [c.name for c in table.columns]
