"""`sentiment ingest` on a folder of broken files: a clear message per file, exit code 1, no
traceback, nothing of the broken files loaded, and the good file next to them still loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from devkit.audit import broken_files

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "exports"
GOOD = "2024-11_remaja_susulan_1904.xlsx"
BROKEN = ("empty.csv", "ragged_row.csv", "cell_1mb.csv", "duplicated_question_header.csv",
          "zip_bomb.xlsx", "not_a_zip.xlsx", "nested_20_levels.json", "results_not_list.json")
KEY = "kali-pasir-pulse-DEMO-KEY-not-for-real-data"


@pytest.mark.slow
def test_broken_files_fail_alone_with_a_clear_message(tmp_path: Path, run_cli) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cases = {c.name: c for c in broken_files(SAMPLES)}
    for name in BROKEN:
        (inbox / f"2024-11_{name}").write_bytes(cases[name].data)
    shutil.copy(SAMPLES / GOOD, inbox / GOOD)
    url = f"sqlite:///{tmp_path / 'w.db'}"

    run = run_cli(["ingest", str(inbox), "--db", url], KEY)
    output = run.stdout + run.stderr

    assert run.returncode == 1
    assert "Traceback" not in output
    for name in BROKEN:
        assert f"not loaded: 2024-11_{name}" in run.stderr
    assert f"{len(BROKEN)} of {len(BROKEN) + 1} file(s) not loaded" in run.stderr
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT source_file, rows_loaded FROM ingest_batch")).all()
        files = {f for (f,) in conn.execute(sa.text(
            "SELECT source_file FROM fact_response JOIN ingest_batch USING (batch_id) "
            "UNION SELECT source_file FROM quarantine"))}
    engine.dispose()
    assert [f for f, _ in loaded] == [GOOD] and loaded[0][1] > 0
    assert files == {GOOD}  # not one row of a broken file
