"""Language of answers: Jakarta slang and short answers stay Indonesian; others get no sentiment."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sentiment.nlp import score_texts
from sentiment.nlp.language import detect_language, detect_languages, is_scored

CASES = pd.read_csv(Path(__file__).parent / "fixtures" / "languages.csv", comment="#")


pytestmark = pytest.mark.usefixtures("private_stem_cache")


@pytest.mark.parametrize(("text", "language"), list(CASES.itertuples(index=False)))
def test_detected_language(text, language):
    assert detect_language(text) == language


def test_fixture_covers_every_language():
    assert set(CASES["language"]) == {"id", "en", "es", "jv", "su"}


@pytest.mark.parametrize("text", ["gue sih udah biasa aja", "anjir parah bgt", "ok", "mantap"])
def test_short_slang_defaults_to_indonesian(text):
    assert detect_language(text) == "id"


def test_blank_has_no_language():
    assert detect_languages([None, "", "  ", "aman"]) == [None, None, None, "id"]


def test_foreign_answers_get_no_indonesian_sentiment():
    texts = CASES["text"].tolist()
    frame = score_texts(texts)
    assert frame["language"].tolist() == CASES["language"].tolist()
    foreign = frame["language"] != "id"
    assert frame.loc[foreign, "sentiment"].isna().all()
    assert frame.loc[foreign, "sentiment_score"].isna().all()
    assert (frame.loc[foreign, "topics"] == "").all()
    assert frame.loc[~foreign, "sentiment"].notna().all()


def test_model_scorer_also_skips_foreign_answers():
    frame = score_texts(["aman banget sekarang", "I feel safe walking home at night now"],
                        scorer="model")
    assert frame["sentiment"].tolist()[0] is not None
    assert frame["sentiment"].isna().tolist() == [False, True]


def test_declared_none_is_not_scored():
    assert not is_scored("id", "none") and is_scored("id", "id") and not is_scored("en")
    frame = score_texts(["aman banget", "aman banget"], language=["id", "none"])
    assert frame["sentiment"].tolist() == ["positif", None]
    assert frame["language"].tolist() == ["id", "id"]
    assert score_texts(["aman banget"], language="none")["sentiment"].isna().all()


def test_declared_language_from_field_form_or_programme():
    from sentiment.flows.steps import declared_languages
    from sentiment.forms.model import Field, Form

    form = Form(form_id="f", version="1", title="t", respondent_group="g", identity_fields=(),
                language="en",
                fields=(Field(name="a", type="free_text", label="a"),
                        Field(name="b", type="free_text", label="b", language="none")))
    assert declared_languages(form) == {"a": "en", "b": "none"}
    plain = form.model_copy(update={"language": None})
    assert declared_languages(plain)["a"] == "id"  # the bundled programme.yaml says id
