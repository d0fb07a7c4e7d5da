"""Fixtures for the export tests: a real warehouse holding three fictional respondents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from export_fixtures import build_warehouse


@pytest.fixture(scope="session")
def _warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate and fill one SQLite warehouse per session (migrations take a while)."""
    from sentiment.warehouse.db import get_engine

    path = tmp_path_factory.mktemp("warehouse") / "warehouse.db"
    url = build_warehouse(f"sqlite:///{path}")
    get_engine(url).dispose()  # last connection closed: the WAL is checkpointed into the file
    return path


@pytest.fixture
def views_db(_warehouse_file: Path, tmp_path: Path) -> str:
    """A private copy of the filled warehouse (built by the real migrations) for one test."""
    path = tmp_path / "warehouse.db"
    shutil.copyfile(_warehouse_file, path)
    return f"sqlite:///{path}"


@pytest.fixture
def any_views_db(db_url: str) -> str:
    """A filled warehouse on SQLite and on PostgreSQL (skipped without SENTIMENT_TEST_PG_URL)."""
    return build_warehouse(db_url)
