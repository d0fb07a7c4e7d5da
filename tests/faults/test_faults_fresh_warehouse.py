"""Two runs starting at once on a warehouse that does not exist yet both get a ready
warehouse (the migrations run once)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

# Each child imports, says READY, waits for the go file, then prepares the warehouse.
CHILD = """
import pathlib, sys, time
from sentiment.warehouse import db
print("READY", flush=True)
go = pathlib.Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
db.prepare(sys.argv[1], "0123456789abcdef")
print("PREPARED", flush=True)
"""


def _prepare_twice_at_once(url: str, tmp_path: Path) -> list[subprocess.CompletedProcess]:
    go = tmp_path / "go"
    children = [subprocess.Popen([sys.executable, "-c", CHILD, url, str(go)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "READY"
    go.touch()
    results = []
    for child in children:
        out, err = child.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(child.args, child.returncode, out, err))
    return results


def _tables(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sqlite_fresh_warehouse_prepared_by_two_runs_at_once(sqlite_url: str, tmp_path: Path) -> None:
    results = _prepare_twice_at_once(sqlite_url, tmp_path)
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-1500:] for r in results]
    assert {"fact_response", "warehouse_meta"} <= _tables(sqlite_url)


@pytest.mark.slow
def test_postgres_fresh_warehouse_prepared_by_two_runs_at_once(pg_url: str, tmp_path: Path) -> None:
    results = _prepare_twice_at_once(pg_url, tmp_path)
    assert [r.returncode for r in results] == [0, 0], [r.stderr[-1500:] for r in results]
