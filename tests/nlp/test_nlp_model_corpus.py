"""The shipped labelled corpus: size, valid labels and topics, coverage of groups."""

from __future__ import annotations

import pandas as pd

from devkit.corpus import TOPICS, build_rows, dedupe_key
from sentiment.nlp.train import CORPUS_PATH, load_corpus, load_general

LABELS = {"positif", "netral", "negatif"}


def test_corpus_is_large_with_valid_labels_and_groups():
    corpus = load_corpus()
    assert list(corpus.columns[:4]) == ["text", "label", "topics", "group"]
    assert len(corpus) >= 1500
    assert set(corpus["label"]) == LABELS
    assert set(corpus["group"]) == {"orang_tua", "remaja"}
    assert corpus["text"].str.strip().ne("").all()


def test_corpus_is_roughly_balanced_and_deduplicated():
    corpus = load_corpus()
    shares = corpus["label"].value_counts(normalize=True)
    assert shares.min() >= 0.2 and shares.max() <= 0.5
    keys = corpus["text"].map(dedupe_key)
    assert keys[keys != ""].is_unique  # punctuation-only answers ("-", "..") are kept apart


def test_every_topic_appears_in_both_groups_and_codes_are_known():
    corpus = load_corpus()
    exploded = corpus.assign(topic=corpus["topics"].str.split("|")).explode("topic")
    exploded = exploded[exploded["topic"] != ""]
    assert set(exploded["topic"]) <= set(TOPICS.values())
    per_group = exploded.groupby("group")["topic"].agg(set)
    for group in ("orang_tua", "remaja"):
        assert per_group[group] == set(TOPICS.values()), group
    counts = corpus["topics"].str.split("|").map(lambda t: len([c for c in t if c]))
    assert counts.between(0, 3).all()


def test_corpus_file_is_what_the_builder_makes():
    rows = build_rows()
    shipped = pd.read_csv(CORPUS_PATH, dtype=str, keep_default_na=False)
    assert [r.text for r in rows] == shipped["text"].tolist()
    assert [r.label for r in rows] == shipped["label"].tolist()


def test_hard_cases_are_coded_as_the_guide_says():
    corpus = load_corpus().set_index("text")["label"]
    # seeds from seeds.txt, kept verbatim by the builder
    assert corpus["Semoga tidak ada korban lagi."] == "negatif"  # a worry (blind GUIDE S7)
    assert corpus["mantap banget, tiap malam ada konser petasan sama lempar batu."] == "negatif"
    assert corpus["tawuran biasanya karena saling ejek di ig."] == "netral"


def test_general_sentences_have_valid_labels():
    general = load_general()
    assert len(general) >= 100
    assert set(general["label"]) == LABELS
