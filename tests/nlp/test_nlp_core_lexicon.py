"""The lexicon scorer's rules: negation, contrast, hope frames, "tidak ada X lagi", irony."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sentiment.nlp import LEXICON_FEATURE_NAMES, lexicon_features, score_texts

pytestmark = pytest.mark.usefixtures("private_stem_cache")


def label(text: str) -> str:
    return score_texts([text])["sentiment"].iloc[0]


def score(text: str) -> float:
    return float(score_texts([text])["sentiment_score"].iloc[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lingkungan sekarang aman dan rukun", "positif"),
        ("saya takut lewat jembatan kalau malam", "negatif"),
        ("gw gak ngerasa aman klo lewat jembatan malem2", "negatif"),  # negation
        ("tidak buruk kok kegiatannya", "positif"),
        ("taman baru bagus, tapi lampu jembatan mati", "negatif"),  # contrast
        ("awalnya takut tp skrg udah rukun", "positif"),
        ("dulu sering ribut, sekarang sudah damai", "positif"),  # before/now
        ("semoga tidak ada korban lagi", "negatif"),  # a harm in a hope: worry (GUIDE S7)
        ("semoga gak ada tawuran lagi", "negatif"),
        ("semoga aman terus", "positif"),  # the present goes on (S7)
        ("sudah tidak ada tawuran lagi di kampung kami", "positif"),  # tidak ada X lagi
        ("tawuran sudah jauh berkurang", "positif"),
        ("mantap bgt, tiap malem ada konser petasan", "negatif"),  # irony
        ("keren ya kampung kita, terkenal gara2 tawuran", "negatif"),
        ("tawuran terjadi karena saling ejek di medsos", "netral"),  # explanation
        ("patroli lewat jam 10an biasanya", "netral"),
        ("kapan ada lomba futsal lagi?", "netral"),
        ("tawuran makin sering, semoga cepat aman", "negatif"),  # complaint + generic wish
    ],
)
def test_rule_cases(text, expected):
    assert label(text) == expected


def test_intensifier_and_softener_move_the_score():
    assert score("aman banget") > score("aman") > score("agak aman") > 0


def test_reasons_name_the_terms_and_effects():
    row = score_texts(["gw gak ngerasa aman"]).iloc[0]
    reasons = json.loads(row["reasons"])
    assert any(r["effects"] == ["negated"] and r["value"] < 0 for r in reasons)
    assert -1.0 <= row["sentiment_score"] <= 1.0


def test_lexicon_features_shape_and_meaning():
    texts = ["semoga aman terus", "tidak aman", "", "biasa"]
    features = lexicon_features(texts)
    assert features.shape == (4, len(LEXICON_FEATURE_NAMES))
    assert features.dtype == np.float64
    col = {name: i for i, name in enumerate(LEXICON_FEATURE_NAMES)}
    assert features[0, col["hope_frame"]] == 1.0
    assert features[1, col["n_negated"]] == 1.0
    assert not features[2].any()
    assert features[0, col["lex_score"]] > 0 > features[1, col["lex_score"]]
