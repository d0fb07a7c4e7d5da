"""Fixtures for the analysis tests (helpers live in analysis_fixtures.py)."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_fixtures import long_rows, make_cfg

from sentiment.analysis.config import IndexConfig


@pytest.fixture
def cfg() -> IndexConfig:
    return make_cfg()


@pytest.fixture
def tiny() -> tuple[pd.DataFrame, pd.DataFrame]:
    """4 respondents × 3 items, brawls and free texts (all wave W1, side barat, group g)."""
    answers = {
        "r1": {"t.a": 5, "t.b": 4, "t.c": 1, "t.tawuran_disaksikan": 0},
        "r2": {"t.a": 3, "t.b": 3, "t.c": 3, "t.tawuran_disaksikan": 4},
        "r3": {"t.a": 1, "t.b": 2, "t.c": 5, "t.tawuran_disaksikan": 15},
        "r4": {"t.a": 4, "t.b": 5, "t.c": 2, "t.tawuran_disaksikan": 2},
    }
    rows = [r for key, a in answers.items() for r in long_rows("W1", "barat", "g", key, a)]
    texts = [
        ("r1", "negatif", "tawuran_kekerasan"),
        ("r1", "positif", "kegiatan_pemuda"),
        ("r2", "negatif", "hubungan_antarwarga|keamanan_lingkungan"),
        ("r4", "negatif", "keamanan_lingkungan"),
        ("r4", "netral", "tawuran_kekerasan"),
    ]
    text_frame = pd.DataFrame([
        {"wave_id": "W1", "side": "barat", "respondent_group": "g", "respondent_key": k,
         "question_id": "t.harapan", "sentiment": s, "topics": t, "scorer": "lexicon"}
        for k, s, t in texts])
    return pd.DataFrame(rows), text_frame
