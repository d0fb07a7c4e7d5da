"""The blind set (devkit/blind/) is well formed: the measure of how the scorers generalise
reads it, so a broken label or an unknown topic would silently skew the figure."""

from __future__ import annotations

import pandas as pd

from devkit.measure import BLIND
from sentiment.config import load_yaml
from sentiment.nlp.model import LABELS


def test_blind_set_labels_and_topics_are_known():
    gold = pd.read_csv(BLIND, dtype=str, keep_default_na=False)
    assert len(gold) >= 300 and gold["id"].is_unique and gold["text"].is_unique
    assert set(gold["sentiment"]) <= set(LABELS)
    assert set(gold["topic"]) <= set(load_yaml("topics.yaml")["codes"])
    assert set(gold["language"]) >= {"id", "en"}
    recode = pd.read_csv(BLIND.with_name("blind_coding.csv"), dtype=str)
    assert set(recode["id"]) <= set(gold["id"]) and set(recode["sentiment"]) <= set(LABELS)
