"""Fixtures shared by the NLP tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def private_stem_cache(tmp_path, monkeypatch):
    """A stem cache of this test's own: learned stems never leak into another test."""
    from sentiment.nlp.stem import reset_default_cache

    monkeypatch.setenv("SENTIMENT_CACHE_DIR", str(tmp_path / "cache"))
    reset_default_cache()
    yield
    reset_default_cache()
