"""No database password reaches Prefect: flow-run parameters, logs and artifacts are read
back from a real Prefect server after `sentiment ingest --prefect` with a password in
`SENTIMENT_DB_URL` (PostgreSQL trust auth accepts and ignores it) and with one in `--db`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from prefect_store import api_records, api_text
from sample_paths import EXPORTS, TEST_KEY

PASSWORD = "Sup3r-s3cret-pw-7731"
pytestmark = pytest.mark.slow


def _with_password(url: str) -> str:
    return url.replace("postgresql+psycopg://postgres@", f"postgresql+psycopg://postgres:{PASSWORD}@")


@pytest.mark.parametrize("how", ["environment", "option"])
def test_no_password_in_flow_parameters_logs_or_artifacts(how, pg_url, run_cli, prefect_api,
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXPORTS / "2025-02_remaja_gforms.csv", folder)
    secret_url = _with_password(pg_url)
    assert PASSWORD in secret_url
    args = ["ingest", str(folder), "--prefect"]
    env = {"PREFECT_LOGGING_LEVEL": "DEBUG"}  # the suite's default (WARNING) would log nothing
    if how == "environment":
        env["SENTIMENT_DB_URL"] = secret_url
    if how == "option":
        args += ["--db", secret_url]
    result = run_cli(args, TEST_KEY.decode(), extra_env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert PASSWORD not in result.stdout + result.stderr
    records = api_records(prefect_api)
    assert records["flow_runs"] and records["logs"] and records["artifacts"], \
        "the flows did not report (runs, logs, artifacts) to the Prefect server"
    stored = api_text(prefect_api)
    assert "ingest" in stored and "db_url" in stored  # the parameters were read back
    assert PASSWORD not in stored
