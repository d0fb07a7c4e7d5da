"""Duplicates, conflicts and the count invariant: valid + rejected + duplicates == read."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from validate_batches import good_answers, make_batch

from sentiment.validate import validate_batch


def test_exact_resubmission_is_dropped_not_quarantined(registry):
    form = registry.get("remaja", "v1")
    good = {**good_answers(form), "_submission_id": "uuid-a"}
    later = {**good, "_submitted_at": pd.Timestamp("2024-11-12 01:00", tz="UTC")}
    result = validate_batch(make_batch(form, [good, later]))
    assert result.duplicates == 1
    assert result.valid["_source_row"].tolist() == [2]
    assert result.quarantine.empty and result.rejected.empty


def test_same_id_different_answers_quarantines_the_later_row(registry):
    form = registry.get("remaja", "v1")
    good = {**good_answers(form), "_submission_id": "uuid-a"}
    result = validate_batch(make_batch(form, [good, {**good, "umur": "15"}, good]))
    assert result.duplicates == 1  # the third row repeats the first exactly
    assert result.valid["_source_row"].tolist() == [2]
    q = result.quarantine
    assert (q["source_row"].tolist(), q["field"].tolist(), q["rule"].tolist()) == (
        [3],
        ["_submission_id"],
        ["conflict"],
    )
    assert "row 2" in q["reason"].iloc[0]


def test_rows_without_submission_id_are_never_duplicates(registry):
    form = registry.get("orang_tua", "v1")
    good = {**good_answers(form), "_submission_id": None}
    result = validate_batch(make_batch(form, [good, good]))
    assert (len(result.valid), result.duplicates) == (2, 0)


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_always_add_up(registry, seed):
    form = registry.get("remaja", "v2")
    rng = random.Random(seed)
    good = good_answers(form)
    mutations = [
        {},
        {"umur": "30"},
        {"rw": "11"},
        {"nama": None},
        {"aman_malam": "0"},
        {"umur": "16", "persetujuan_ortu": None, "rt": "x"},
    ]
    rows = []
    for _ in range(40):
        sid = f"uuid-{rng.randrange(25)}"  # collisions: exact repeats and conflicts
        rows.append({**good, **rng.choice(mutations), "_submission_id": sid})
    rows = [r if rng.random() > 0.2 else {**rows[0]} for r in rows]
    result = validate_batch(make_batch(form, rows))

    s = result.summary
    assert s["read"] == 40 == len(result.valid) + len(result.rejected) + result.duplicates
    assert (s["valid"], s["quarantined"], s["duplicates"], s["failures"]) == (
        len(result.valid),
        len(result.rejected),
        result.duplicates,
        len(result.quarantine),
    )
    rejected_rows = set(result.rejected["_source_row"])
    assert rejected_rows == set(result.quarantine["source_row"])
    assert not rejected_rows & set(result.valid["_source_row"])


def test_empty_batch(registry):
    form = registry.get("remaja", "v1")
    result = validate_batch(make_batch(form, []))
    assert result.summary["read"] == 0 and result.valid.empty and result.quarantine.empty
    assert list(result.quarantine.columns) == [
        "source_file",
        "source_row",
        "submission_id",
        "field",
        "rule",
        "value",
        "reason",
    ]
