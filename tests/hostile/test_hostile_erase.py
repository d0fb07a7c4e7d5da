"""`sentiment erase` removes a person from every table in one transaction: zero rows left."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from typer.testing import CliRunner

from sentiment.cli.erase import register
from sentiment.erase import erase_respondents, residual_rows
from sentiment.flows import steps
from sentiment.forms.readers import read_export
from sentiment.privacy.pseudonym import respondent_key
from sentiment.settings import Settings
from sentiment.warehouse import db

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "exports" / "2024-11_remaja_susulan_1904.xlsx"
KEY = "kali-pasir-pulse-ERASE-test-key-0123"


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test app holding only `erase`."""

    register(app)
    return app


def _counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        return db.table_counts(engine)
    finally:
        engine.dispose()


@pytest.fixture
def warehouse(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", KEY)
    steps.ingest([SAMPLE], Settings.resolve(db_url, key=KEY.encode()))
    return db_url


def _person_with_text(url: str):
    """The raw record, pseudonym, response ids and text ids of a loaded youth with free text."""
    batch = read_export(SAMPLE)
    with db.get_engine(url).connect() as conn:
        sub, rkey = conn.execute(sa.text(
            "SELECT r.submission_id, r.respondent_key FROM fact_text t JOIN fact_response r "
            "USING (response_id) ORDER BY t.text_id LIMIT 1")).one()
        responses = [r for (r,) in conn.execute(sa.text(
            "SELECT response_id FROM fact_response WHERE respondent_key = :k"), {"k": rkey})]
        texts = [t for (t,) in conn.execute(sa.text(
            "SELECT text_id FROM fact_text JOIN fact_response USING (response_id) "
            "WHERE respondent_key = :k"), {"k": rkey})]
    record = batch.frame[batch.frame["_submission_id"] == sub].iloc[0].to_dict()
    return record, rkey, responses, texts, batch.form


def test_erase_by_identifiers_leaves_no_row(warehouse: str) -> None:
    record, rkey, responses, texts, form = _person_with_text(warehouse)
    assert respondent_key(record, form, KEY.encode()) == rkey
    with db.get_engine(warehouse).begin() as conn:  # a coder's label on their text
        conn.execute(sa.text("INSERT INTO coding (text_id, coder, label, coded_at) "
                             "VALUES (:t, 'uji', 'netral', :now)"), {"t": texts[0], "now": datetime.now(UTC)})
    before = _counts(warehouse)
    args = ["erase", "--form", "remaja", "--db", warehouse]
    for option, field in (("--nik", "nik"), ("--phone", "telepon"), ("--name", "nama")):
        if isinstance(record.get(field), str) and record[field].strip():
            args += [option, record[field]]

    result = CliRunner().invoke(_app(), args, env={"SENTIMENT_PSEUDONYM_KEY": KEY, "COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "sentiment tension" in result.output  # recompute the aggregates
    for field in ("nik", "telepon", "nama"):
        if isinstance(record.get(field), str) and record[field].strip():
            assert record[field] not in result.output
    assert set(residual_rows(db.get_engine(warehouse), [rkey], responses, texts).values()) == {0}
    after = _counts(warehouse)
    assert before["fact_response"] - after["fact_response"] == len(responses) > 0
    assert before["fact_text"] - after["fact_text"] == len(texts) > 0
    assert before["coding"] - after["coding"] == 1
    assert before["dim_respondent"] - after["dim_respondent"] == 1
    assert after["fact_response"] > 0  # everyone else stays


def test_erase_reaches_quarantine_and_dry_run_changes_nothing(warehouse: str) -> None:
    engine = db.get_engine(warehouse)
    with engine.connect() as conn:
        rkey, n = conn.execute(sa.text(
            "SELECT respondent_key, COUNT(*) FROM quarantine WHERE respondent_key IS NOT NULL "
            "GROUP BY respondent_key ORDER BY respondent_key LIMIT 1")).one()
    before = _counts(warehouse)
    planned = erase_respondents(engine, [rkey], dry_run=True)
    assert planned["quarantine"] == n and _counts(warehouse) == before

    result = CliRunner().invoke(_app(), ["erase", "--respondent", rkey, "--db", warehouse, "-q"])

    assert result.exit_code == 0, result.output
    assert residual_rows(engine, [rkey])["quarantine"] == 0
    assert before["quarantine"] - _counts(warehouse)["quarantine"] == n


def test_erase_unknown_person_or_bad_input_is_a_clear_message(sqlite_url: str) -> None:
    db.prepare(sqlite_url)
    runner = CliRunner()
    none_found = runner.invoke(_app(), ["erase", "--respondent", "ab" * 32, "--db", sqlite_url])
    assert none_found.exit_code == 0 and "No rows found" in none_found.output
    bad_nik = runner.invoke(_app(), ["erase", "--nik", "123", "--form", "remaja", "--db", sqlite_url],
                            env={"SENTIMENT_PSEUDONYM_KEY": KEY})
    assert bad_nik.exit_code == 1 and "not a usable nik" in bad_nik.output
    no_form = runner.invoke(_app(), ["erase", "--phone", "081200001234", "--db", sqlite_url],
                            env={"SENTIMENT_PSEUDONYM_KEY": KEY})
    assert no_form.exit_code == 1 and "--form" in no_form.output
    assert "Traceback" not in bad_nik.output + no_form.output
