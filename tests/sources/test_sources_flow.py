"""The `pull-surveys` flow on a real (temporary) Prefect server: it loads through the same
pull as the CLI, a deletion on ODK Central reaches its summary artifact, and neither the Kobo
token nor the ODK password reaches the runs, logs or artifacts it stored."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from kobo_server import TOKEN, UID, FakeKobo, submission
from odk_server import FORM, PASSWORD, PROJECT, USER, FakeCentral
from odk_server import submission as odk_submission
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
    central = FakeCentral(records=[odk_submission(i) for i in range(20)])
    central.install(httpserver)
    monkeypatch.setenv("SENTIMENT_ODK_USERNAME", USER)
    monkeypatch.setenv("SENTIMENT_ODK_PASSWORD", PASSWORD)
    monkeypatch.setenv("SENTIMENT_KOBO_TOKEN", TOKEN)
    monkeypatch.setenv("SENTIMENT_PSEUDONYM_KEY", TEST_KEY.decode())
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")
    caplog.set_level(logging.DEBUG)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    source = {"kind": "kobo", "server": httpserver.url_for("/"), "asset": UID}
    odk = {"kind": "odk", "server": httpserver.url_for("/"), "project": PROJECT, "form": FORM}
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    # A server of this test's own: what it stored is read back from the server the flows used.
    with prefect_test_harness(server_startup_timeout=180):
        api = str(PREFECT_API_URL.value())
        totals = pull_surveys(sources=[source, odk], db_url=url, schemas=str(folder),
                              run_index=False)
        central.delete(3, "2026-03-06T00:00:00.000Z")
        again = pull_surveys(sources=[source, odk], db_url=url, schemas=str(folder),
                             run_index=False)
        records = api_records(api)
        stored = api_text(api)
    assert [(t["fetched"], t["pages"], t["loaded"]) for t in totals] == [(1500, 2, 1500),
                                                                          (20, 1, 20)]
    assert again[0]["fetched"] == 0 and again[1]["fetched"] == 0
    assert (again[1]["deleted"], again[1]["left_views"]) == (1, 1)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM fact_response")).scalar() == 1520
        assert conn.execute(sa.text("SELECT count(*) FROM response_withdrawal")).scalar() == 1
    engine.dispose()

    # Flow runs, logs and artifacts go through the API client; task runs arrive through
    # Prefect's events worker, which stays bound to the first server a test process used, so
    # they are not asserted here (tests/flows checks tasks in a process of their own).
    assert records["flow_runs"] and records["artifacts"]
    assert "pull-summary" in stored and UID in stored
    summaries = [a["data"] for a in records["artifacts"] if a.get("key") == "pull-summary"]
    tables = [json.loads(d) if isinstance(d, str) else d for d in summaries]
    assert any(row.get("deleted") == 1 and row.get("left_views") == 1
               for table in tables for row in table), tables
    assert TOKEN not in stored and TOKEN not in caplog.text
    assert PASSWORD not in stored and PASSWORD not in caplog.text
