"""Coding loop against a tiny warehouse built by the project's migrations (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from sentiment.errors import InputError, SentimentError

db = pytest.importorskip("sentiment.warehouse.db")

TEXTS = [  # (side, group, text, machine sentiment)
    ("barat", "orang_tua", "Semoga tidak ada tawuran lagi.", "positif"),
    ("barat", "orang_tua", "Saya takut anak ikut tawuran.", "negatif"),
    ("barat", "remaja", "gw takut lewat jembatan malem2", "negatif"),
    ("barat", "remaja", "=HYPERLINK(\"http://x\") patroli jam 10", "netral"),
    ("timur", "orang_tua", "Patroli biasanya jam sepuluh.", "netral"),
    ("timur", "orang_tua", "Lampu jembatan mati, gelap.", "negatif"),
    ("timur", "remaja", "udah gak ada tawuran lagi", "positif"),
    ("timur", "remaja", "seru turnamen futsal kemarin", "positif"),
]


def _value(column: sa.Column, i: int):
    kind = column.type.python_type if hasattr(column.type, "python_type") else str
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is bool:
        return True
    if kind is int:
        return i
    if kind is float:
        return 0.0
    if kind is dt.datetime:
        return dt.datetime(2024, 11, 5, tzinfo=dt.UTC)
    if kind is dt.date:
        return dt.date(2024, 11, 5)
    return f"x{i}"


def _insert(conn, table: sa.Table, i: int = 1, **given) -> None:
    """Insert one row: given values, plus filler for every other required column."""
    row = dict(given)
    for column in table.columns:
        if column.name in row or column.nullable or column.autoincrement is True:
            continue
        if column.primary_key and isinstance(column.type, sa.Integer) and len(table.primary_key) == 1:
            continue
        if column.server_default is not None:
            continue
        row[column.name] = _value(column, i)
    conn.execute(table.insert().values(**row))


@pytest.fixture
def warehouse(db_url: str):
    engine = db.get_engine(db_url)
    db.upgrade(engine)
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    t = meta.tables
    with engine.begin() as conn:
        _insert(conn, t["dim_wave"], wave_id="2024-11")
        _insert(conn, t["dim_area"], code="01", side="barat")
        _insert(conn, t["dim_area"], code="07", side="timur")
        _insert(conn, t["dim_question"], question_id="orang_tua.harapan", form_id="orang_tua")
        _insert(conn, t["dim_respondent"], respondent_key="k" * 64, respondent_group="orang_tua")
        _insert(conn, t["ingest_batch"], batch_id=1, file_sha256="0" * 64)
        text_col = "text_redacted" if "text_redacted" in t["fact_text"].c else "text"
        for i, (side, group, text, sentiment) in enumerate(TEXTS, start=1):
            _insert(conn, t["fact_response"], i, response_id=i, submission_id=f"s{i}",
                    respondent_key="k" * 64, wave_id="2024-11", area="01" if side == "barat" else "07",
                    side=side, respondent_group=group, is_current=True, batch_id=1)
            _insert(conn, t["fact_text"], i, text_id=i, response_id=i,
                    question_id="orang_tua.harapan", **{text_col: text})
            _insert(conn, t["fact_text_score"], i, text_id=i, scorer="lexicon",
                    model_version="lexicon-test", sentiment=sentiment, sentiment_score=0.0,
                    is_current=True)
    yield engine
    engine.dispose()


def test_export_import_agreement_round_trip(warehouse, tmp_path: Path):
    from sentiment.nlp.coding import agreement, export_sample, import_codes, latest_codes

    out = tmp_path / "sample.csv"
    assert export_sample(warehouse, "2024-11", n=6, seed=0, out_path=out) == 6
    sample = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert {"text_id", "text", "label", "topics"} <= set(sample.columns)
    assert not sample["text"].str.startswith("=").any()  # formula injection neutralised
    assert sample["side"].nunique() == 2 and sample["group"].nunique() == 2

    machine = {str(i): s for i, (_, _, _, s) in enumerate(TEXTS, start=1)}
    first = sample.assign(label=sample["text_id"].map(machine))
    second = first.copy()
    second.loc[0, "label"] = "netral" if second.loc[0, "label"] != "netral" else "positif"
    first.to_csv(tmp_path / "ani.csv", index=False)
    second.to_excel(tmp_path / "budi.xlsx", index=False)
    assert import_codes(warehouse, tmp_path / "ani.csv", "ani") == 6
    assert import_codes(warehouse, tmp_path / "budi.xlsx", "budi") == 6
    assert len(latest_codes(warehouse)) == 12

    report = agreement(warehouse)
    pairs = report.frame().set_index(["a", "b"])
    assert pairs.loc[("ani", "machine"), "kappa"] == 1.0
    assert pairs.loc[("ani", "budi"), "kappa"] < 1.0
    assert report.alpha is not None and report.alpha < 1.0
    assert report.n_units == 6


def test_import_rejects_unknown_text_id_naming_the_row(warehouse, tmp_path: Path):
    from sentiment.nlp.coding import import_codes, latest_codes

    path = tmp_path / "bad.csv"
    pd.DataFrame({"text_id": ["1", "999"], "label": ["positif", "netral"]}).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"bad.csv, row 3.*999"):
        import_codes(warehouse, path, "ani")
    assert latest_codes(warehouse).empty  # nothing half-loaded


def test_agreement_without_codes_is_a_user_error(warehouse):
    from sentiment.nlp.coding import agreement

    with pytest.raises(SentimentError, match="no coded answers"):
        agreement(warehouse)


def test_rescore_appends_current_scores_and_keeps_old(warehouse):
    from sentiment.nlp.coding import rescore

    assert rescore(warehouse, scorer="model") == len(TEXTS)
    with warehouse.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT scorer, is_current, COUNT(*) FROM fact_text_score GROUP BY scorer, is_current"
        )).all()
    counts = {(scorer, bool(current)): n for scorer, current, n in rows}
    assert counts == {("lexicon", False): len(TEXTS), ("model", True): len(TEXTS)}


def test_consensus_labels_feed_training(warehouse, tmp_path: Path):
    from sentiment.nlp.coding import consensus_labels, import_codes

    url = warehouse.url.render_as_string(hide_password=False)
    codes = pd.DataFrame({"text_id": ["1", "2"], "label": ["positif", "negatif"]})
    codes.to_csv(tmp_path / "c.csv", index=False)
    import_codes(warehouse, tmp_path / "c.csv", "ani")
    frame = consensus_labels(url)
    assert sorted(frame["label"]) == ["negatif", "positif"]
    assert set(frame["text"]) == {TEXTS[0][2], TEXTS[1][2]}


def _cli():
    from typer import Typer

    from sentiment.cli.coding import register

    app = Typer()
    register(app)
    return app


def test_cli_coding_and_topics_commands(warehouse, tmp_path: Path):
    from typer.testing import CliRunner

    url = warehouse.url.render_as_string(hide_password=False)
    runner = CliRunner()
    out = tmp_path / "sample.xlsx"
    result = runner.invoke(_cli(), ["coding", "export", "--wave", "2024-11", "--out", str(out),
                                    "--n", "4", "--db", url])
    assert result.exit_code == 0, result.output
    sample = pd.read_excel(out, dtype=str)
    assert len(sample) == 4
    sample["label"] = "positif"
    sample.to_excel(out, index=False)
    result = runner.invoke(_cli(), ["coding", "import", "--input", str(out), "--coder", "ani",
                                    "--db", url])
    assert result.exit_code == 0 and "4 codes by ani" in result.output
    result = runner.invoke(_cli(), ["coding", "agreement", "--db", url])
    assert result.exit_code == 0 and "ani × machine" in result.output
    result = runner.invoke(_cli(), ["topics", "discover", "--wave", "2024-11", "--k", "2",
                                    "--db", url])
    assert result.exit_code == 0, result.output
    assert "Themes in wave 2024-11" in result.output
    missing = runner.invoke(_cli(), ["coding", "export", "--wave", "1999-01", "--out",
                                     str(tmp_path / "x.csv"), "--db", url])
    assert missing.exit_code == 1 and "no free-text answers" in missing.output
