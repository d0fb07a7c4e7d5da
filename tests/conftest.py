"""Shared test set-up: telemetry off, schemas, throwaway databases."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

for _name, _value in (
    ("PREFECT_SERVER_ANALYTICS_ENABLED", "false"),
    ("DO_NOT_TRACK", "1"),
    ("GX_ANALYTICS_ENABLED", "false"),
    ("PREFECT_LOGGING_LEVEL", "WARNING"),
):
    os.environ.setdefault(_name, _value)

# Each test process (and the CLIs and Dask workers it starts) keeps its own stem cache, never
# the user's ~/.cache: parallel workers must not read a cache another one is rewriting.
if "SENTIMENT_CACHE_DIR" not in os.environ:
    import tempfile

    os.environ["SENTIMENT_CACHE_DIR"] = tempfile.mkdtemp(prefix="sentiment-test-cache-")

from sample_paths import EXPORTS, ROOT, TEST_KEY  # noqa: E402,F401


@pytest.fixture(scope="session")
def registry():
    from sentiment.forms import load_registry

    return load_registry()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'warehouse.db'}"


def _pg_base_url() -> str | None:
    return os.environ.get("SENTIMENT_TEST_PG_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for one test; skipped without SENTIMENT_TEST_PG_URL.

    In CI (`CI` set) a missing URL fails instead: the PostgreSQL tests must run there.
    """
    base = _pg_base_url()
    if not base:
        if os.environ.get("CI"):
            pytest.fail("SENTIMENT_TEST_PG_URL is not set in CI; PostgreSQL tests must run")
        pytest.skip("PostgreSQL not configured: set SENTIMENT_TEST_PG_URL to run this test")
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'warehouse.db'}"
    return request.getfixturevalue("pg_url")


def build_sample_warehouse(url: str) -> str:
    """Ingest every bundled sample export and compute the analysis (no Prefect)."""
    from sentiment.analysis.compute import compute_all, run_alerts
    from sentiment.flows import steps
    from sentiment.settings import Settings
    from sentiment.warehouse import db

    steps.ingest(steps.discover_exports(EXPORTS), Settings.resolve(url, key=TEST_KEY))
    engine = db.get_engine(url)
    compute_all(engine)
    run_alerts(engine)
    return url


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite warehouse holding the whole sample, built once per test process.

    Read-only for tests: copy it (`sample_warehouse_copy`) before changing anything.
    """
    path = tmp_path_factory.mktemp("sample") / "warehouse.db"
    return build_sample_warehouse(f"sqlite:///{path}")


@pytest.fixture
def sample_warehouse_copy(sample_warehouse: str, tmp_path: Path) -> str:
    import shutil

    from sentiment.warehouse import db

    source = Path(sample_warehouse.removeprefix("sqlite:///"))
    db.get_engine(sample_warehouse).dispose()
    target = tmp_path / "warehouse.db"
    shutil.copy(source, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the test process (~11 s to start)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield


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


@pytest.fixture(autouse=True)
def _no_programme_folder_left_over() -> Iterator[None]:
    """`--schemas` is a process-wide choice; a test that passed one must not leak it."""
    yield
    from sentiment.settings import use_schemas

    use_schemas(None)

