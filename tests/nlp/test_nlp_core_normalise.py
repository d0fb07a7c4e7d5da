"""Normalisation, slang dictionary, tokenising and stop words."""

from __future__ import annotations

import pytest

from sentiment.errors import SentimentError
from sentiment.nlp.normalise import (
    SLANG_EXTRA_ENV,
    get_normaliser,
    load_slang,
    normalise_text,
    normalise_tokens,
    read_slang_file,
)
from sentiment.nlp.tokenise import (
    NEGATIONS,
    bigram_keys,
    collocations,
    ngrams,
    nltk_tokens,
    raw_tokens,
    remove_stop_words,
    stop_words,
)


@pytest.fixture(autouse=True)
def _private_stem_cache(tmp_path, monkeypatch):
    from sentiment.nlp.stem import reset_default_cache

    monkeypatch.setenv("SENTIMENT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(SLANG_EXTRA_ENV, raising=False)
    reset_default_cache()
    yield
    reset_default_cache()


def test_issue_example_is_normalised():
    out = normalise_text("gw gak ngerasa aman klo lewat jembatan malem2")
    assert "saya tidak merasa aman kalau lewat jembatan malam-malam" in out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("bangettt", "banget"),
        ("saat", "saat"),
        ("maaf", "maaf"),
        ("saaaat", "saat"),
        ("anak2", "anak-anak"),
        ("malem2", "malam-malam"),
        ("anak2nya", "anak-anaknya"),
        ("udh", "sudah"),
        ("kagak", "tidak"),
        ("lu", "kamu"),
        ("wkwkwk", "wkwk"),
    ],
)
def test_token_normalisation(raw, expected):
    assert normalise_text(raw) == expected


def test_slang_dictionary_is_large_and_maps_issue_examples():
    slang = load_slang()
    assert len(slang) >= 500
    for informal in ("gak", "ga", "nggak", "enggak", "gk", "ngga", "kagak"):
        assert slang[informal] == "tidak"
    expected = {"udh": "sudah", "bgt": "banget", "yg": "yang", "gue": "saya", "elu": "kamu",
                "krn": "karena", "tp": "tapi", "kalo": "kalau", "emg": "memang",
                "skrg": "sekarang", "ngerasa": "merasa"}
    assert {k: slang[k] for k in expected} == expected


def test_extra_slang_from_argument_and_environment(tmp_path, monkeypatch):
    extra = tmp_path / "extra.tsv"
    extra.write_text("# ours\nciyus\tserius\n", encoding="utf-8")
    assert normalise_text("ciyus", extra_slang=extra) == "serius"
    assert normalise_text("ciyus", extra_slang={"ciyus": "sungguh"}) == "sungguh"
    monkeypatch.setenv(SLANG_EXTRA_ENV, str(extra))
    assert get_normaliser().slang["ciyus"] == "serius"


def test_bad_slang_file_names_the_line(tmp_path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("ok\tfine\njustoneword\n", encoding="utf-8")
    with pytest.raises(SentimentError, match="line 2"):
        read_slang_file(bad)


def test_typo_towards_known_word_but_not_affixed_words():
    assert normalise_tokens("semoa aman")[0] == "semoga"
    assert normalise_tokens("makannya enak")[0] == "makannya"


def test_fast_tokeniser_matches_nltk():
    texts = ["Gw gak ngerasa aman!! klo lewat jembatan malem2 :( [NAMA] 0812", "bo'ong, was-was..."]
    for text in texts:
        assert raw_tokens(text) == nltk_tokens(text)


def test_stop_words_keep_negations_and_contrasts():
    stops = stop_words()
    assert "yang" in stops and "dan" in stops
    assert not NEGATIONS & stops
    assert {"tapi", "namun", "padahal", "cuma", "hanya"}.isdisjoint(stops)
    kept = remove_stop_words(normalise_tokens("saya tidak merasa aman, tapi sudah lebih baik"))
    assert "tidak" in kept and "tapi" in kept and "," not in kept


def test_ngrams_and_collocations():
    tokens = ["lampu", "jalan", "mati"]
    assert ngrams(tokens, 2) == [("lampu", "jalan"), ("jalan", "mati")]
    assert bigram_keys(tokens) == ["lampu jalan", "jalan mati"]
    docs = [["lampu", "jalan", "mati", "lagi"]] * 3 + [["jalan", "kaki", "ke", "pasar"]]
    assert ("lampu", "jalan") in collocations(docs, top=5, min_freq=2)
