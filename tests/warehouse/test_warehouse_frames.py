"""Pure parts of the load: content hash (compatible with stored hashes) and the answer melt."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pandas as pd
from warehouse_frames import FORM, responses

from sentiment.warehouse import load as L


def _reference_hash(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """The per-cell formula the first loads stored; new hashes must stay equal to it."""
    def digest(values) -> str:
        payload = json.dumps([None if L._clean(v) is None else str(v) for v in values],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    return [digest(row) for row in frame[columns].itertuples(index=False, name=None)]


def test_content_hash_equals_the_stored_formula_for_every_dtype():
    frame = pd.DataFrame({
        "ints": pd.array([1, None, 30], dtype="Int64"),
        "floats": [2.5, np.nan, 4.0],
        "dates": [dt.date(2025, 8, 5), None, dt.date(2024, 11, 1)],
        "text": pd.array(['kata "kutip" \\ 😭\nbaris', None, "é"], dtype="str"),
        "objects": ["02", np.nan, 7],
        "missing": [pd.NA, None, "x"],
        "stamps": pd.to_datetime(["2025-08-05 03:00:00", None, "2025-08-05 04:00:01"], utc=True),
        "flags": [True, False, True],
    })
    columns = list(frame.columns)
    assert L.content_hash(frame, columns).tolist() == _reference_hash(frame, columns)


def test_content_hash_tells_changed_answers_apart():
    frame = pd.concat([responses(1), responses(1), responses(1, aman_siang=1)], ignore_index=True)
    hashes = L.content_hash(frame, ["_respondent_key", "aman_siang", "harapan"])
    assert hashes[0] == hashes[1] != hashes[2]


def test_decimals_equal_to_12_significant_digits_hash_alike():
    """One answer read from an XLSX (binary float) and from a CSV (its printed digits)."""
    xlsx = pd.DataFrame({"jarak": pd.array([0.1 + 0.2, 106.82715], dtype="Float64")})
    csv = pd.DataFrame({"jarak": pd.array([0.3, 106.827150000000003], dtype="Float64")})
    moved = pd.DataFrame({"jarak": pd.array([0.3000001, 106.82716], dtype="Float64")})
    assert L.content_hash(xlsx, ["jarak"]).tolist() == L.content_hash(csv, ["jarak"]).tolist()
    assert not set(L.content_hash(moved, ["jarak"])) & set(L.content_hash(csv, ["jarak"]))


def test_answer_frame_melts_one_row_per_answer_and_option():
    frame = responses(2, kegiatan="seni dialog seni").assign(_response_id=[7, 8])
    frame.loc[1, "aman_siang"] = pd.NA
    answers = L.answer_frame(frame, FORM)
    first = answers[answers["response_id"] == 7].set_index(["question_id", "option"])
    assert sorted(first.loc["remaja.kegiatan"].index) == ["dialog", "seni"]
    assert first.loc[("remaja.aman_siang", ""), "value_text"] == "4"
    assert first.loc[("remaja.rw", ""), "value_text"] == "02"
    assert pd.isna(first.loc[("remaja.rw", ""), "value_num"])
    assert "remaja.umur" not in first.index.get_level_values(0)
    second = answers[answers["response_id"] == 8]
    assert "remaja.aman_siang" not in set(second["question_id"])
    assert not answers.duplicated(["response_id", "question_id", "option"]).any()


def test_number_text_keeps_decimals_and_drops_trailing_zero():
    assert L._number_text(np.array([4.0, 2.5, -1.0, 1e-05])).tolist() == ["4", "2.5", "-1", "1e-05"]


def test_number_text_shares_one_string_per_value_and_never_overflows():
    texts = L._number_text(np.array([3.0, 5.0, 3.0, 1e20, 3.0]))
    assert texts.tolist() == ["3", "5", "3", "1e+20", "3"]
    assert texts[0] is texts[2] is texts[4]  # a million scale answers hold five strings
