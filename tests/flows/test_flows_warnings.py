"""The reader's own warnings (not UTF-8, a column the form does not declare, a question
missing from the file) reach the person: the run summary, the CLI's stderr, the Prefect
flow log and artifact, and the batch record."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from prefect_store import api_records
from sample_paths import EXPORTS, TEST_KEY

from sentiment.flows import steps
from sentiment.settings import Settings

HOPE = "Apa harapanmu untuk lingkungan sekitar jembatan?"  # the `harapan` question


def _export(folder: Path) -> Path:
    """Three rows of the bundled Google Forms export saved as cp1252 ('é' is one byte, not
    UTF-8), without its `harapan` column and with a column the form does not declare."""
    with (EXPORTS / "2025-02_remaja_gforms.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))[:4]
    drop = header.index(HOPE)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([h for i, h in enumerate(header) if i != drop] + ["pertanyaan_baru"])
    for row in rows:
        writer.writerow([v for i, v in enumerate(row) if i != drop] + ["caf\u00e9 baru"])
    folder.mkdir()
    path = folder / "2025-02_remaja_cp1252.csv"
    path.write_bytes(out.getvalue().encode("cp1252", errors="replace"))
    return path


def _expected(texts: list[str]) -> None:
    joined = "\n".join(texts)
    assert "read as Windows-1252 (cp1252)" in joined, joined
    assert "'pertanyaan_baru'" in joined and "kept as extra answers" in joined, joined
    assert "missing from the file:" in joined and "harapan" in joined, joined


def test_reader_warnings_are_on_the_summary_and_the_batch_record(tmp_path: Path) -> None:
    _export(tmp_path / "in")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    [row] = steps.ingest(tmp_path / "in", Settings.resolve(url, key=TEST_KEY))
    _expected(row["warnings"])
    assert "Warnings" in steps.totals_markdown([row])
    _expected(steps.totals_markdown([row]).splitlines())
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = json.loads(conn.execute(sa.text("SELECT warnings FROM ingest_batch")).scalar_one())
    engine.dispose()
    _expected(stored)


@pytest.mark.slow
def test_reader_warnings_reach_stderr_and_the_prefect_flow_log(tmp_path: Path, run_cli,
                                                               prefect_api: str) -> None:
    path = _export(tmp_path / "in")
    result = run_cli(["ingest", str(path.parent), "--prefect", "--quiet",
                      "--db", f"sqlite:///{tmp_path / 'w.db'}"], TEST_KEY.decode())
    assert result.returncode == 0, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert all(path.name in line for line in lines)
    _expected(lines)
    logged = [r["message"] for r in api_records(prefect_api)["logs"] if path.name in r["message"]]
    _expected(logged)
    assert "café" not in "\n".join(logged) + result.stderr  # columns named, values never
