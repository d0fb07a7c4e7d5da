"""Coding-loop helpers on plain DataFrames: sampling, validating a coder's file, agreement."""

from __future__ import annotations

import pandas as pd
import pytest

from sentiment.errors import InputError
from sentiment.nlp.coding import agreement_from_codes, clean_codes, stratified_sample


def _answers() -> pd.DataFrame:
    rows = []
    for i in range(60):
        rows.append({"text_id": i, "side": "barat" if i % 3 else "timur",
                     "group": "remaja" if i % 2 else "orang_tua",
                     "sentiment": ["positif", "netral", "negatif"][i % 5 % 3], "text": f"t{i}"})
    return pd.DataFrame(rows)


def test_stratified_sample_covers_every_stratum_with_n_rows():
    frame = _answers()
    sample = stratified_sample(frame, 20, seed=1)
    assert len(sample) == 20
    assert sample["text_id"].is_unique
    strata = frame.groupby(["side", "group", "sentiment"]).ngroups
    assert sample.groupby(["side", "group", "sentiment"]).ngroups == strata
    assert sample.equals(stratified_sample(frame, 20, seed=1))


def test_stratified_sample_returns_everything_when_n_is_large():
    frame = _answers()
    assert sorted(stratified_sample(frame, 500)["text_id"]) == list(range(60))


def test_clean_codes_accepts_labels_and_skips_blank_rows():
    coded = pd.DataFrame({"text_id": ["1", "2", "3", "'4"], "label": ["positif", "Negative", "", "netral"],
                          "topics": ["tawuran_kekerasan, patroli_polisi", "", "", None]})
    out = clean_codes(coded, {1, 2, 3, 4}, "c.csv")
    assert out["text_id"].tolist() == [1, 2, 4]
    assert out["label"].tolist() == ["positif", "negatif", "netral"]
    assert out.at[0, "topics"] == "tawuran_kekerasan|patroli_polisi"


def test_clean_codes_names_the_row_of_an_unknown_text_id_or_label():
    with pytest.raises(InputError, match=r"c.csv, row 3, field 'text_id'.*unknown text_id 99"):
        clean_codes(pd.DataFrame({"text_id": ["1", "99"], "label": ["positif", "netral"]}), {1}, "c.csv")
    with pytest.raises(InputError, match=r"row 2, field 'label'"):
        clean_codes(pd.DataFrame({"text_id": ["1"], "label": ["senang"]}), {1}, "c.csv")


def test_agreement_perfect_and_partial():
    labels = ["positif", "negatif", "netral", "negatif", "positif", "netral"]
    codes = pd.DataFrame({"text_id": list(range(6)) * 2, "coder": ["ani"] * 6 + ["budi"] * 6,
                          "label": labels + labels})
    perfect = agreement_from_codes(codes)
    assert perfect.pairs[0]["kappa"] == 1.0 and perfect.alpha == 1.0
    assert perfect.n_coders == 2 and perfect.n_units == 6
    other = labels[:3] + ["positif", "negatif", "negatif"]
    codes2 = pd.DataFrame({"text_id": list(range(6)) * 2, "coder": ["ani"] * 6 + ["budi"] * 6,
                           "label": labels + other})
    machine = pd.DataFrame({"text_id": range(6), "sentiment": labels})
    report = agreement_from_codes(codes2, machine)
    pair = report.frame().set_index(["a", "b"])
    assert 0 < pair.loc[("ani", "budi"), "kappa"] < 1
    assert pair.loc[("ani", "machine"), "kappa"] == 1.0
    assert pair.loc[("budi", "machine"), "kappa"] < 1
    assert report.alpha is not None and report.alpha < 1
