"""PostgreSQL: loaders of the same file at the same time load it once."""

from __future__ import annotations

import threading

from warehouse_frames import FINGERPRINT, batch, responses, rows

from sentiment.warehouse import db
from sentiment.warehouse import load as L


def test_two_threads_loading_one_file_load_it_once(pg_url):
    engine = db.prepare(pg_url, FINGERPRINT)
    frame = responses(20)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def load() -> None:
        try:
            barrier.wait()
            results.append(L.load_batch(engine, batch(frame, "e" * 64)))
        except Exception as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(repr(exc))

    threads = [threading.Thread(target=load) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert errors == []
    assert sorted(s.skipped for s in results) == [False, True]
    assert rows(engine, "SELECT COUNT(*) FROM fact_response") == [(20,)]
    assert rows(engine, "SELECT COUNT(*) FROM ingest_batch") == [(1,)]
