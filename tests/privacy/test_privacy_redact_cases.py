"""Redaction against the labelled cases in redaction_cases.csv: recall per tag, clean texts.

The bar (privacy issue): every NIK, phone number and e-mail redacted, at least 90 % of
names and addresses, and no text without personal data changed.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from sentiment.privacy.redact import TAGS, redact_series, redact_text

CASES_FILE = Path(__file__).with_name("redaction_cases.csv")
MUST_BE_COMPLETE = ("NIK", "TELEPON", "EMAIL")
AT_LEAST_90 = ("NAMA", "ALAMAT", "AKUN", "PLAT")


def load_cases() -> list[dict[str, str]]:
    with CASES_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def score(cases: list[dict[str, str]], outputs: list[str]) -> dict[str, object]:
    """Recall per tag (tags found / tags expected, per case), clean-text unchanged rate."""
    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    clean = unchanged = exact = 0
    for case, out in zip(cases, outputs, strict=True):
        exact += out == case["expected"]
        if case["kind"] == "clean":
            clean += 1
            unchanged += out == case["text"]
        for tag in TAGS:
            want, got = case["expected"].count(f"[{tag}]"), out.count(f"[{tag}]")
            expected[tag] += want
            found[tag] += min(want, got)
            extra[tag] += max(0, got - want)
    recall = {tag: found[tag] / expected[tag] for tag in TAGS if expected[tag]}
    return {
        "recall": recall,
        "expected": dict(expected),
        "extra": dict(extra),
        "unchanged": unchanged / clean,
        "clean": clean,
        "exact": exact / len(cases),
    }


@pytest.fixture(scope="module")
def cases() -> list[dict[str, str]]:
    return load_cases()


def test_case_file_is_large_and_labelled_consistently(cases):
    assert len(cases) >= 150
    assert {c["kind"] for c in cases} == {"pii", "clean"}
    assert len({c["case_id"] for c in cases}) == len(cases)
    for case in cases:
        if case["kind"] == "clean":
            assert case["expected"] == case["text"], case["case_id"]
        else:
            assert any(f"[{t}]" in case["expected"] for t in TAGS), case["case_id"]
    # every tag is exercised
    assert all(any(f"[{t}]" in c["expected"] for c in cases) for t in TAGS)


def test_redaction_meets_the_bar_on_the_labelled_cases(cases):
    outputs = [redact_text(c["text"]) for c in cases]
    figures = score(cases, outputs)
    recall = figures["recall"]
    print()
    for tag in TAGS:
        print(
            f"  {tag:8} recall {recall.get(tag, float('nan')):.3f} "
            f"({figures['expected'].get(tag, 0)} expected, {figures['extra'].get(tag, 0)} extra)"
        )
    print(f"  clean texts unchanged: {figures['unchanged']:.3f} of {figures['clean']}")
    print(f"  exact output match:    {figures['exact']:.3f} of {len(cases)}")
    misses = [
        (c["case_id"], c["text"], out)
        for c, out in zip(cases, outputs, strict=True)
        if out != c["expected"]
    ]
    for miss in misses:
        print("  differs:", miss)
    for tag in MUST_BE_COMPLETE:
        assert recall[tag] == 1.0, tag
    for tag in AT_LEAST_90:
        assert recall[tag] >= 0.9, tag
    assert figures["unchanged"] == 1.0


def test_series_redaction_matches_text_redaction(cases):
    texts = [c["text"] for c in cases]
    assert redact_series(texts).tolist() == [redact_text(t) for t in texts]
