"""The `pull-surveys` flow on a real (temporary) Prefect server: it loads through the same
pull as the CLI, and the Kobo token reaches none of the runs, logs or artifacts it stored."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from kobo_server import TOKEN, UID, FakeKobo, submission
from prefect_store import api_records, api_text
from programmes import empty_programme
from sample_paths import TEST_KEY

pytestmark = pytest.mark.slow


def test_pull_flow_loads_and_stores_no_token(httpserver, tmp_path: Path, monkeypatch,
                                             caplog) -> None:
    from sentiment.flows.pull import pull_surveys

    folder = empty_programme(tmp_path / "warga")
    server = FakeKobo(records=[submission(i) for i in range(1500)])
    server.install(httpserver)
    monkeypatch.setenv("SENTIMENT_KOBO_TOKEN", TOKEN)
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", TEST_KEY.decode())
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    caplog.set_level(logging.DEBUG)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    source = {"kind": "kobo", "server": httpserver.url_for("/"), "asset": UID}
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    # A server of this test's own: what it stored is read back from the server the flows used.
    with prefect_test_harness(server_startup_timeout=180):
        api = str(PREFECT_API_URL.value())
        totals = pull_surveys(sources=[source], db_url=url, schemas=str(folder), run_index=False)
        again = pull_surveys(sources=[source], db_url=url, schemas=str(folder), run_index=False)
        records = api_records(api)
        stored = api_text(api)
    assert [(t["fetched"], t["pages"], t["loaded"]) for t in totals] == [(1500, 2, 1500)]
    assert again[0]["fetched"] == 0
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM fact_response")).scalar() == 1500
    engine.dispose()

    # Flow runs, logs and artifacts go through the API client; task runs arrive through
    # Prefect's events worker, which stays bound to the first server a test process used, so
    # they are not asserted here (tests/flows checks tasks in a process of their own).
    assert records["flow_runs"] and records["artifacts"]
    assert "pull-summary" in stored and UID in stored
    assert TOKEN not in stored and TOKEN not in caplog.text
