"""Report test fixtures: the stand-in views warehouse (report_views.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from report_views import build_views_db


@pytest.fixture
def views_url(tmp_path: Path) -> str:
    return build_views_db(tmp_path / "views.db")


@pytest.fixture
def views_engine(views_url: str):
    engine = sa.create_engine(views_url)
    yield engine
    engine.dispose()
