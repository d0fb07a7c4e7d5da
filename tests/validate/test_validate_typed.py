"""Valid rows come out typed, with wave and side, and GX prints nothing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from validate_batches import good_answers, make_batch

from sentiment.forms.batch import META_COLUMNS
from sentiment.validate import validate_batch


def test_valid_rows_are_typed(registry):
    form = registry.get("remaja", "v2")
    good = {
        **good_answers(form),
        "kegiatan": "  dialog   seni ",
        "umur": " 15 ",
        "alamat": None,
        "rw": "06",
        "tanggal_wawancara": "2025-08-04",
        "medsos_provokasi": None,
    }
    result = validate_batch(make_batch(form, [good]))
    row = result.valid.iloc[0]

    assert str(result.valid["umur"].dtype) == "Int64" and row["umur"] == 15
    for f in form.fields_of("likert", "integer"):
        assert str(result.valid[f.name].dtype) == "Int64"
    assert row["tanggal_wawancara"] == dt.date(2025, 8, 4)
    assert row["kegiatan"] == "dialog seni"
    assert row["alamat"] is None  # missing text is None, not NaN
    assert row["medsos_provokasi"] is pd.NA  # optional Likert left empty
    assert isinstance(row["jenis_kelamin"], str) and isinstance(row["harapan"], str)
    assert (row["_wave_id"], row["_side"]) == ("2025-08", "timur")
    assert set(META_COLUMNS) <= set(result.valid.columns)


def test_validation_prints_nothing(registry, capfd):
    form = registry.get("orang_tua", "v1")
    validate_batch(make_batch(form, [good_answers(form), {**good_answers(form), "umur": "5"}]))
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # no GX progress bars or log lines
