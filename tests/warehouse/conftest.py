"""Fixtures for the warehouse tests (batch builders live in warehouse_frames.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from warehouse_frames import FINGERPRINT

from sentiment.warehouse import db


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """A migrated warehouse with dimensions and the test key's fingerprint (SQLite and PG)."""
    engine = db.prepare(db_url, FINGERPRINT)
    yield engine
    engine.dispose()
