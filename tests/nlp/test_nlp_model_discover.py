"""Theme discovery (NMF) without a database."""

from __future__ import annotations

import pytest

from sentiment.errors import SentimentError
from sentiment.nlp.discover import discover_topics

TEXTS = (
    ["lampu jembatan mati gelap sekali", "lampu jalan gelap dekat jembatan",
     "jembatan gelap lampunya mati terus", "lampu gang mati dan gelap"]
    + ["lapangan futsal untuk remaja", "turnamen futsal remaja seru",
       "remaja butuh lapangan futsal", "futsal remaja tiap minggu"]
    + ["obat terlarang dijual di warung", "banyak yang mabuk ciu", "mabuk ciu di kolong",
       "warung jual obat terlarang"]
)


def test_discover_returns_k_themes_with_terms_and_examples():
    themes = discover_topics(TEXTS, k=3, seed=0)
    assert len(themes) == 3
    for theme in themes:
        assert len(theme.terms) >= 3
        assert 1 <= len(theme.examples) <= 2
        assert all(example in TEXTS for example in theme.examples)
    assert sum(t.size for t in themes) == len(TEXTS)
    # the three planted subjects land in different themes
    leading = {t.terms[0] for t in themes}
    assert len(leading) == 3


def test_discover_is_deterministic_for_a_seed():
    assert discover_topics(TEXTS, k=3, seed=1) == discover_topics(TEXTS, k=3, seed=1)


def test_too_few_answers_is_a_user_error():
    with pytest.raises(SentimentError, match="too few"):
        discover_topics(["aman", None, ""], k=3)
