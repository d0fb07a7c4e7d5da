"""A load killed with SIGKILL inside its transaction leaves nothing behind; the next run loads
the batch exactly once."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from faults_support import counts, sample_load_batch

from sentiment.warehouse import db
from sentiment.warehouse.load import load_batch

# The child loads the batch and, just before the batch's final status update (all rows
# written, nothing committed), says IN_TXN and waits to be killed.
CHILD = """
import pickle, sys, time
from sqlalchemy import event
from sentiment.warehouse import db
from sentiment.warehouse.load import load_batch

url, path = sys.argv[1], sys.argv[2]
batch = pickle.load(open(path, "rb"))
engine = db.get_engine(url)

@event.listens_for(engine, "before_cursor_execute")
def pause(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("UPDATE INGEST_BATCH"):
        print("IN_TXN", flush=True)
        time.sleep(600)

load_batch(engine, batch)
print("COMMITTED", flush=True)
"""


@pytest.fixture(scope="module")
def big_batch_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    batch = sample_load_batch(copies=8)
    path = tmp_path_factory.mktemp("batch") / "batch.pkl"
    path.write_bytes(pickle.dumps(batch))
    return path, batch


def _wait_for(process: subprocess.Popen, marker: str, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"child ended before {marker}: {process.stderr.read() if process.stderr else ''}")
        if line.strip() == marker:
            return
    raise AssertionError(f"no {marker} within {timeout} s")


@pytest.mark.slow
def test_sigkill_inside_the_load_transaction_leaves_nothing(db_url: str, tmp_path: Path,
                                                            big_batch_file) -> None:
    path, batch = big_batch_file
    db.prepare(db_url, batch.key_fingerprint)
    before = counts(db_url)
    child = subprocess.Popen([sys.executable, "-c", CHILD, db_url, str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        _wait_for(child, "IN_TXN")
        assert counts(db_url) == before  # rows written but not visible: still in the transaction
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    db.get_engine(db_url).dispose()

    assert counts(db_url) == before  # zero rows of the killed batch

    summary = load_batch(db.get_engine(db_url), batch)  # the next run
    after = counts(db_url)
    assert summary.responses_inserted == len(batch.responses) > 1000
    assert after["fact_response"] - before["fact_response"] == len(batch.responses)
    assert after["ingest_batch"] - before["ingest_batch"] == 1
    assert load_batch(db.get_engine(db_url), batch).skipped  # and only once
    assert counts(db_url) == after
