"""Quarantined rows validated again after the programme folder is fixed (a wave window, a
choice), loaded exactly once through the one stage sequence, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from programmes import programme_with_form
from sample_paths import TEST_KEY

from sentiment.flows import steps
from sentiment.settings import Settings

FORM = """\
form_id: warga
version: v1
title: Survei Warga (fiktif)
respondent_group: warga
identity_fields: [nik]
roles: {interview_date: tgl}
fields:
  - {name: tgl, type: date, required: true, label: Tanggal}
  - {name: nik, type: text, pii: true, required: true, label: NIK}
  - {name: kegiatan, type: select_one, choices: kegiatan_warga, required: true, label: Kegiatan}
  - {name: rasa_aman, type: likert, choices: likert5, required: true, scale: kohesi,
     label: Saya merasa aman pada malam hari}
  - {name: cerita, type: free_text, label: Ceritakan lingkungan Anda}
"""
CHOICES = """
kegiatan_warga:
  - {value: ronda, label: Ronda malam}
  - {value: kerja_bakti, label: Kerja bakti}
"""
SENAM = "  - {value: senam, label: Senam pagi}\n"
MARCH = '  - {wave_id: "2026-03", label: Gelombang Maret, start: 2026-03-01, end: 2026-03-31}\n'
APRIL = '  - {wave_id: "2026-04", label: Gelombang April, start: 2026-04-01, end: 2026-04-30}\n'

HEADER = ["tgl", "nik", "kegiatan", "rasa_aman", "cerita"]
ROWS = [  # CSV rows 2..7
    ["2026-03-05", "3171010101010001", "ronda", "4", "lingkungan makin aman"],
    ["2026-03-09", "3171010101010002", "kerja_bakti", "2", "biasa saja"],
    ["2026-04-02", "3171010101010003", "ronda", "5", "anak-anak main bola bareng"],  # no wave
    ["2026-04-03", "3171010101010004", "kerja_bakti", "3", "warga rukun"],  # no wave
    ["2026-04-06", "3171010101010005", "senam", "1", "masih takut lewat"],  # no wave, no choice
    ["2026-03-10", "3171010101010006", "ronda", "9", "sepi"],  # likert out of range: stays
]


def _programme(folder: Path, waves: list[str], extra_choice: str = "") -> Path:
    programme_with_form(folder, "warga", FORM)
    with (folder / "forms" / "_choices.yaml").open("a", encoding="utf-8") as handle:
        handle.write(CHOICES + extra_choice)
    (folder / "waves.yaml").write_text("timezone: Asia/Jakarta\nwaves:\n" + "".join(waves),
                                       encoding="utf-8")
    index = (folder / "index.yaml").read_text(encoding="utf-8")
    (folder / "index.yaml").write_text(index.replace("aman_malam", "rasa_aman")
                                       .replace("khawatir_konflik", "rasa_aman"), encoding="utf-8")
    return folder


def _export(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        out.writerows(rows)
    return path


def _state(url: str) -> dict[str, object]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        def one(sql: str) -> object:
            return conn.execute(sa.text(sql)).scalar()

        state = {
            "responses": one("SELECT count(*) FROM fact_response"),
            "respondents_long": one("SELECT count(DISTINCT respondent_key) FROM v_responses_long"),
            "texts": one("SELECT count(*) FROM v_text_scores"),
            "batches": one("SELECT count(*) FROM ingest_batch"),
            "quarantine": sorted(tuple(r) for r in conn.execute(sa.text(
                "SELECT source_file, source_row, field, rule, reason FROM quarantine"))),
            "waves": sorted(tuple(r) for r in conn.execute(sa.text(
                "SELECT wave_id, count(*) FROM fact_response GROUP BY wave_id"))),
        }
    engine.dispose()
    return state


def _keys(url: str, sql: str) -> dict[int, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        keys = {int(r): str(k) for r, k in conn.execute(sa.text(sql))}
    engine.dispose()
    return keys


def test_fixed_schema_retry_loads_once_and_keeps_the_rest(tmp_path: Path, db_url: str) -> None:
    first = _programme(tmp_path / "programme", [MARCH])
    export = _export(tmp_path / "exports" / "warga_2026.csv", ROWS)
    rows = steps.ingest(export, Settings.resolve(db_url, first, key=TEST_KEY))
    assert [(r["read"], r["valid"], r["quarantined"], r["loaded"]) for r in rows] == [(6, 2, 4, 2)]
    before = _state(db_url)
    assert [(row, field, rule) for _, row, field, rule, _ in before["quarantine"]] == [
        (4, "tgl", "wave"), (5, "tgl", "wave"), (6, "kegiatan", "in_set"), (6, "tgl", "wave"),
        (7, "rasa_aman", "in_set")]
    stored_keys = _keys(db_url, "SELECT DISTINCT source_row, respondent_key FROM quarantine")

    # The fix: a copy of the programme folder with the April window.
    fixed = tmp_path / "programme-fixed"
    shutil.copytree(first, fixed)
    with (fixed / "waves.yaml").open("a", encoding="utf-8") as handle:
        handle.write(APRIL)
    settings = Settings.resolve(db_url, fixed, key=TEST_KEY)

    dry = steps.retry_quarantine(settings, dry_run=True)[0]
    assert [(r["read"], r["valid"], r["loaded"], r["dry_run"]) for r in dry] == [(4, 2, 0, True)]
    assert _state(db_url) == before  # a dry run changes nothing

    done, _ = steps.retry_quarantine(settings)
    assert [(r["source_file"], r["read"], r["valid"], r["loaded"], r["quarantined"])
            for r in done] == [("warga_2026.csv", 4, 2, 2, 2)]
    after = _state(db_url)
    assert after["responses"] == 4 and after["respondents_long"] == 4
    assert after["texts"] == before["texts"] + 2
    assert after["waves"] == [("2026-03", 2), ("2026-04", 2)]
    assert after["batches"] == 2
    # Rows 4 and 5 left the quarantine; row 6 lost its wave failure, keeps its choice one;
    # row 7 is unchanged: each once, under the file it came from.
    assert [(f, row, field, rule) for f, row, field, rule, _ in after["quarantine"]] == [
        ("warga_2026.csv", 6, "kegiatan", "in_set"), ("warga_2026.csv", 7, "rasa_aman", "in_set")]
    assert [r for r in after["quarantine"] if r[1] == 7] == [r for r in before["quarantine"] if r[1] == 7]
    # The pseudonyms are the stored ones (the NIKs are not in the quarantine to compute them).
    loaded_keys = _keys(db_url, "SELECT source_row, respondent_key FROM fact_response "
                                "WHERE batch_id <> (SELECT min(batch_id) FROM ingest_batch)")
    assert loaded_keys == {4: stored_keys[4], 5: stored_keys[5]}
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        retry_batch = conn.execute(sa.text(
            "SELECT source_file, rows_read, rows_loaded, rows_quarantined, file_sha256 "
            "FROM ingest_batch ORDER BY batch_id")).all()
    engine.dispose()
    # rows_quarantined counts failures (one per rule), as for any load
    assert [tuple(b[:4]) for b in retry_batch] == [("warga_2026.csv", 6, 2, 5),
                                                  ("retry of warga_2026.csv", 4, 2, 2)]
    assert retry_batch[0][4] != retry_batch[1][4]

    again, _ = steps.retry_quarantine(settings)  # exactly once: nothing more to load
    assert [(r["loaded"], r["duplicate"], r["quarantined"], r["unchanged"])
            for r in again] == [(0, 0, 2, True)]
    assert _state(db_url) == after  # no new batch either: nothing passed, no reason changed

    # A second fix (the missing choice), retried by rule: row 6 loads, row 7 stays.
    choice = tmp_path / "programme-choice"
    shutil.copytree(fixed, choice)
    with (choice / "forms" / "_choices.yaml").open("a", encoding="utf-8") as handle:
        handle.write(SENAM)
    settings = Settings.resolve(db_url, choice, key=TEST_KEY)
    by_rule, _ = steps.retry_quarantine(settings, rule="in_set")
    assert [(r["read"], r["loaded"], r["quarantined"]) for r in by_rule] == [(2, 1, 1)]
    final = _state(db_url)
    assert final["responses"] == 5
    assert [(row, field, rule) for _, row, field, rule, _ in final["quarantine"]] == [
        (7, "rasa_aman", "in_set")]
    assert steps.retry_quarantine(settings, rule="wave") == ([], 0)


def test_retried_row_already_loaded_is_a_duplicate(tmp_path: Path, sqlite_url: str) -> None:
    first = _programme(tmp_path / "programme", [MARCH])
    steps.ingest(_export(tmp_path / "a" / "warga_maret.csv", ROWS[:3]),
                 Settings.resolve(sqlite_url, first, key=TEST_KEY))
    fixed = _programme(tmp_path / "programme-fixed", [MARCH, APRIL])
    settings = Settings.resolve(sqlite_url, fixed, key=TEST_KEY)
    # The same row arrives again in a later export and loads there first.
    later = steps.ingest(_export(tmp_path / "b" / "warga_april.csv", ROWS[2:4]), settings)
    assert [(r["valid"], r["loaded"]) for r in later] == [(2, 2)]
    done, _ = steps.retry_quarantine(settings)
    assert [(r["read"], r["valid"], r["loaded"], r["duplicate"]) for r in done] == [(1, 1, 0, 1)]
    state = _state(sqlite_url)
    assert state["responses"] == 4 and state["quarantine"] == []


@pytest.mark.parametrize("batch", [1, 2])
def test_retry_by_batch_touches_only_that_file(tmp_path: Path, batch: int) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = _programme(tmp_path / "programme", [MARCH])
    settings = Settings.resolve(url, first, key=TEST_KEY)
    steps.ingest(_export(tmp_path / "a" / "satu.csv", ROWS[2:3]), settings)
    steps.ingest(_export(tmp_path / "b" / "dua.csv", ROWS[3:4]), settings)
    fixed = _programme(tmp_path / "programme-fixed", [MARCH, APRIL])
    done, _ = steps.retry_quarantine(Settings.resolve(url, fixed, key=TEST_KEY), batch=batch)
    assert [(r["batch_id"], r["loaded"]) for r in done] == [(batch, 1)]
    left = _state(url)["quarantine"]
    assert [f for f, *_ in left] == ["dua.csv" if batch == 1 else "satu.csv"]


def test_cli_list_and_retry(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sentiment.cli import app

    url = f"sqlite:///{tmp_path / 'w.db'}"
    first = _programme(tmp_path / "programme", [MARCH])
    steps.ingest(_export(tmp_path / "exports" / "warga_2026.csv", ROWS),
                 Settings.resolve(url, first, key=TEST_KEY))
    fixed = _programme(tmp_path / "programme-fixed", [MARCH, APRIL])
    runner = CliRunner()
    env = {"SENTIMENT_PSEUDONYM_KEY": TEST_KEY.decode(), "COLUMNS": "250"}

    def run(*args: str) -> str:
        result = runner.invoke(app, ["quarantine", *args, "--db", url], env=env)
        assert result.exit_code == 0, result.output
        return result.output

    counts = run("list")
    assert "5 failure(s)" in counts and "warga_2026.csv" in counts
    assert "outside" in counts or "wave" in counts
    listed = run("list", "--rows", "--rule", "wave")
    assert listed.count("warga_2026.csv") == 3 and "2026-04-06" in listed
    shown = counts + listed + run("list", "--rows")
    for row in ROWS:  # neither the identity numbers nor the stored texts are printed
        assert row[1] not in shown and row[4] not in shown
    assert "Quarantine: empty for this filter" in run("list", "--form", "lain")

    dry = run("retry", "--dry-run", "--schemas", str(fixed))
    assert "dry run" in dry and _state(url)["responses"] == 2
    done = run("retry", "--schemas", str(fixed))
    assert "warga_2026.csv" in done and _state(url)["responses"] == 4
    assert "sentiment tension" in done
    assert "3 failure(s)" not in run("list") and "2 failure(s)" in run("list")
    again = run("retry", "--rule", "wave", "--schemas", str(fixed))
    assert "Nothing to retry for this filter" in again

    both = runner.invoke(app, ["quarantine", "retry", "--batch", "1", "--rule", "wave",
                               "--db", url], env=env)
    assert both.exit_code == 1 and "not both" in both.output and "Traceback" not in both.output
    nowhere = runner.invoke(app, ["quarantine", "list", "--db", f"sqlite:///{tmp_path / 'x.db'}"],
                            env=env)
    assert nowhere.exit_code == 1 and "no warehouse there yet" in nowhere.output


def test_a_stale_retry_is_refused_and_loads_nothing(tmp_path: Path, db_url: str) -> None:
    """Two retries at once: the one that loads second finds its quarantine rows gone and is
    rolled back, so no row is loaded twice and no failure is stored twice."""
    from sentiment.errors import SentimentError
    from sentiment.forms import load_registry
    from sentiment.forms.batch import RawBatch
    from sentiment.warehouse.quarantine import to_retry

    first = _programme(tmp_path / "programme", [MARCH])
    steps.ingest(_export(tmp_path / "exports" / "warga.csv", ROWS),
                 Settings.resolve(db_url, first, key=TEST_KEY))
    fixed = _programme(tmp_path / "programme-fixed", [MARCH, APRIL])
    settings = Settings.resolve(db_url, fixed, key=TEST_KEY)
    warehouse = steps.prepare(settings)
    (stale,), _ = to_retry(warehouse.engine, load_registry())  # read before the other retry
    steps.retry_quarantine(settings)
    after = _state(db_url)
    batch = RawBatch(source_file=stale.source_file, sha256="f" * 64,
                     source_format=stale.source_format, form=stale.form, frame=stale.frame)
    retry = steps.Retry(batch_id=stale.batch_id, source_file="retry of warga.csv",
                        quarantine_ids=stale.quarantine_ids, keys=stale.keys)
    with pytest.raises(SentimentError, match="run the retry again"):
        steps.process(batch, settings, steps.Run(), warehouse, retry)
    assert _state(db_url) == after
    warehouse.engine.dispose()
