"""Cell conversions: dates in every shape field tools produce, numbers, choice labels."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel

from sentiment.forms.cells import WINDOWS_EPOCH, cell_text, converter, date_text, parse_times

DAY = dt.date(2025, 5, 17)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-05-17", "2025-05-17"),
    ("2025-05-17T10:00:00+07:00", "2025-05-17"),
    ("17/05/2025", "2025-05-17"),
    ("17-05-2025", "2025-05-17"),
    ("17/5/25", "2025-05-17"),
    ("2025/05/17", "2025-05-17"),
    (dt.datetime(2025, 5, 17, 9, 30), "2025-05-17"),
    (DAY, "2025-05-17"),
    (str(to_excel(DAY, epoch=WINDOWS_EPOCH)), "2025-05-17"),
    ("31/02/2025", "31/02/2025"),  # impossible: left for validation to quarantine
    ("kemarin", "kemarin"),
    ("  ", None),
    (None, None),
])
def test_date_text(value, expected):
    assert date_text(value) == expected


def test_serial_numbers_follow_the_workbook_date_system():
    serial_1904 = to_excel(DAY, epoch=CALENDAR_MAC_1904)
    assert date_text(serial_1904, CALENDAR_MAC_1904) == "2025-05-17"
    assert date_text(float(serial_1904), WINDOWS_EPOCH) != "2025-05-17"  # 4 years apart


@pytest.mark.parametrize(("value", "expected"), [
    (3.0, "3"), (3.5, "3.5"), (17, "17"), (True, "true"), (" ok ", "ok"), ("", None),
    (float("nan"), None), (dt.datetime(2025, 5, 17), "2025-05-17"), (["a", "b"], "a b"),
])
def test_cell_text(value, expected):
    assert cell_text(value) == expected


def test_choice_labels_values_and_dropped_zeros(registry):
    form = registry.get("orang_tua", "v1")
    rw = converter(form.field("rw"), WINDOWS_EPOCH)
    assert [rw(v) for v in ("05", "RW 05", "rw  05", 5, "5.0", "09")] == ["05", "05", "05", "05", "05", "09"]
    likert = converter(form.field("aman_malam"), WINDOWS_EPOCH)
    assert [likert(v) for v in ("Sangat setuju", "sangat SETUJU", 4.0, "7", "")] == ["5", "5", "4", "7", None]
    many = converter(form.field("kegiatan"), WINDOWS_EPOCH)
    assert many("Dialog warga dua sisi; Kegiatan seni") == "dialog seni"
    assert many("dialog  seni") == "dialog seni"
    assert many("Ronda / patroli bersama") == "patroli_bersama"


def test_kobo_label_export_joins_whole_labels_with_spaces(registry):
    """Kobo's label export writes "Kerja bakti Pengajian remaja" for two options."""
    from sentiment.forms.model import Choice, Field

    field = Field(name="kegiatan", type="select_multiple", label="Kegiatan", choices=(
        Choice(value="kerja_bakti", label="Kerja bakti"),
        Choice(value="pengajian", label="Pengajian remaja"),
        Choice(value="remaja", label="Remaja"),
    ))
    many = converter(field, WINDOWS_EPOCH)
    assert many("Kerja bakti Pengajian remaja") == "kerja_bakti pengajian"
    assert many("Pengajian remaja Remaja") == "pengajian remaja"
    assert many("kerja_bakti pengajian") == "kerja_bakti pengajian"  # names, as usual
    assert many("Kerja bakti Lainnya") == "Kerja bakti Lainnya"  # unknown: left for validation
    sample = converter(registry.get("orang_tua", "v1").field("kegiatan"), WINDOWS_EPOCH)
    assert sample("Olahraga bersama Kelas parenting Ronda / patroli bersama") == \
        "olahraga parenting patroli_bersama"


def test_parse_times_local_and_utc():
    local = parse_times(pd.Series(["15/11/2024 19:02:11", "2024-11-15 19:02:11", None]), "Asia/Jakarta")
    assert local.iloc[0] == local.iloc[1] == pd.Timestamp("2024-11-15 12:02:11", tz="UTC")
    assert pd.isna(local.iloc[2])
    utc = parse_times(pd.Series(["2024-11-15T12:02:11", "2024-11-15T19:02:11+07:00", "rusak"]), None)
    assert utc.iloc[0] == utc.iloc[1] == pd.Timestamp("2024-11-15 12:02:11", tz="UTC")
    assert pd.isna(utc.iloc[2])


def test_unparseable_times_alone_are_utc_nat():
    # a damaged export where the only timestamp is junk (found by test_hostile_props)
    out = parse_times(pd.Series(["2024-01-\x0105 10:00"]), None)
    assert str(out.dtype) == "datetime64[us, UTC]" and out.isna().all()
