"""score_texts: the stage-4 contract (columns, blanks, index, scorers)."""

from __future__ import annotations

import pandas as pd
import pytest

from sentiment.errors import SentimentError
from sentiment.nlp import score_texts

COLUMNS = ["sentiment", "sentiment_score", "topics", "topic_scores", "reasons", "scorer",
           "model_version", "language"]


pytestmark = pytest.mark.usefixtures("private_stem_cache")


def test_columns_blanks_and_index():
    texts = pd.Series(["aman banget", None, "", "takut"], index=[10, 11, 12, 13])
    frame = score_texts(texts)
    assert list(frame.columns) == COLUMNS
    assert list(frame.index) == [10, 11, 12, 13]
    assert frame.loc[10, "sentiment"] == "positif" and frame.loc[13, "sentiment"] == "negatif"
    assert frame.loc[11, "sentiment"] is None and pd.isna(frame.loc[12, "sentiment_score"])
    assert frame["scorer"].eq("lexicon").all()
    assert frame["model_version"].str.startswith("lexicon-").all()


def test_same_text_same_result_and_stems_persisted(tmp_path):
    first = score_texts(["keberadaan kelompok pengompor-ngompor di kampung"])
    second = score_texts(["keberadaan kelompok pengompor-ngompor di kampung"])
    pd.testing.assert_frame_equal(first, second)
    assert (tmp_path / "cache" / "stems.json").is_file()


def test_unknown_scorer_and_missing_model_are_user_errors(tmp_path):
    with pytest.raises(SentimentError, match="unknown scorer"):
        score_texts(["aman"], scorer="bert")
    with pytest.raises(SentimentError):
        score_texts(["aman"], scorer="model", model_path=tmp_path / "no-model")


@pytest.mark.slow
def test_parallel_workers_give_the_same_rows():
    base = ["gw gak ngerasa aman klo lewat jembatan malem2", "semoga gak ada tawuran lagi",
            "lampu jalan mati", None, "karang taruna seru", "tawuran karena saling ejek"]
    texts = [f"{t} {i}" if t else t for i, t in enumerate(base * 440)]
    from sentiment.nlp import _distinct, _worker_count

    assert _worker_count(2, len(_distinct(texts)[0])) == 2  # the answers do reach 2 workers
    for scorer in ("lexicon", "model"):  # the model predicts inside the workers too
        serial = score_texts(texts, scorer=scorer, workers=1)
        parallel = score_texts(texts, scorer=scorer, workers=2)
        pd.testing.assert_frame_equal(serial, parallel)
