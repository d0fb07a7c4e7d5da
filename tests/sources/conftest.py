"""Fixtures the source tests share."""

from __future__ import annotations

from pathlib import Path

import pytest
from programmes import empty_programme


@pytest.fixture
def programme(tmp_path: Path) -> Path:
    """A new programme with no form yet: the first pull imports the server's."""
    return empty_programme(tmp_path / "warga")
