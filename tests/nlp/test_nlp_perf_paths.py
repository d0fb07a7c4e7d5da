"""Fast paths give the same answers as the plain ones: dedupe, shared model pass, categorical stems."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sentiment.nlp import score_texts

pytestmark = pytest.mark.usefixtures("private_stem_cache")


TEXTS = [
    "gw gak ngerasa aman klo lewat jembatan malem2",
    "semoga gak ada tawuran lagi, anak2 bisa main bola dgn tenang",
    "mantap bgt, tiap malem ada konser petasan",
    "lampu jalan di jembatan mati, gelap banget",
    "aman",
]


def test_repeated_answers_score_like_single_answers():
    texts = [TEXTS[0], None, TEXTS[4], "", TEXTS[0], 7, "  ", TEXTS[4], "7"]
    together = score_texts(texts, workers=1)
    alone = pd.concat([score_texts([t], workers=1) for t in texts], ignore_index=True)
    pd.testing.assert_frame_equal(together, alone)
    assert together.loc[1, "sentiment"] is None and together.loc[6, "topics"] == ""


def test_model_scorer_reuses_the_rule_pass_with_the_same_predictions():
    from sentiment.nlp.model import load_model

    texts = TEXTS + [None, TEXTS[2]]
    frame = score_texts(texts, scorer="model", workers=1)
    direct = load_model().predict_frame(texts)
    filled = [t is not None for t in texts]
    assert frame["sentiment"][filled].tolist() == direct["sentiment"][filled].tolist()
    np.testing.assert_allclose(frame["sentiment_score"][filled], direct["sentiment_score"][filled])
    assert frame.loc[5, "sentiment"] is None


def test_predict_prepared_matches_the_pipeline_in_small_batches():
    from sentiment.nlp import lexicon_features
    from sentiment.nlp.model import load_model, normalise_many

    model = load_model()
    labels, scores = model.predict_prepared(normalise_many(TEXTS), lexicon_features(TEXTS),
                                            batch=2)
    direct = model.predict_frame(TEXTS)
    assert list(labels) == direct["sentiment"].tolist()
    np.testing.assert_allclose(scores, direct["sentiment_score"])


def test_categorical_stems_equal_stem_many():
    from sentiment.nlp.stem import default_cache

    words = ["permainan", "kegiatan", "aman", "permainan", "berlari", "aman"]
    cache = default_cache()
    column = pd.Series(words + [None], dtype="category")
    stems = cache.stem_categorical(column)
    assert list(stems[:-1]) == cache.stem_many(words)
    assert pd.isna(stems[-1])
