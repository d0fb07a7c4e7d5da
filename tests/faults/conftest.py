"""Fault tests: a Prefect API that subprocess CLIs share, and a runner for the `sentiment` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("sentiment")


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One temporary Prefect server per worker; flows in this process and CLI subprocesses
    report to it (so no command starts its own)."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())


@pytest.fixture
def run_cli(prefect_api: str) -> Callable[..., subprocess.CompletedProcess]:
    def run(args: list[str], key: str, extra_env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess:
        env = {**os.environ, "SENTIMENT_PSEUDONYM_KEY": key, "PREFECT_API_URL": prefect_api,
               "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
               "GX_ANALYTICS_ENABLED": "false", "COLUMNS": "200", **(extra_env or {})}
        return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=env,
                              timeout=timeout, cwd=ROOT)
    return run
