"""protect_frame and protect_record_json: what may be stored after stage 3."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sentiment.privacy import (
    RESPONDENT_KEY_COLUMN,
    protect_frame,
    protect_record_json,
    respondent_key,
)

KEY = b"test-key-not-secret-0123456789abcdef"


@pytest.fixture
def form(registry):
    return registry.get("orang_tua", "v1")


@pytest.fixture
def frame() -> pd.DataFrame:
    """Three fictional parents; free text mentions their own names and other PII."""
    return pd.DataFrame(
        {
            "tanggal_wawancara": ["2025-08-12", "2025-08-12", "2025-08-13"],
            "nama": ["Bpk. Darmaji Kusnadi", "Siti Rohmah", None],
            "telepon": ["0812-0000-0001", None, "+62 812 0000 0003"],
            "nik": [None, "3171 0000 0000 0002", None],
            "alamat": ["Jl. Kenari No. 1", "Gg. Sawo 2", None],
            "rw": ["03", "04", "03"],
            "umur": [41, 38, 52],
            "harapan": [
                "kata darmaji tetangga, jembatan harus terang",
                "hubungi saya 0812 0000 0002, Rohmah",
                "semoga damai",
            ],
            "kekhawatiran": [None, "anak saya si ucok ikut geng", "Pak RT sudah lapor"],
            "penyebab_tawuran": ["gengsi", "kurang kegiatan", "tantangan di ig @geng_barat"],
            "_submission_id": ["s1", "s2", "s3"],
        },
        index=[5, 6, 7],
    ).astype({"nama": "str", "harapan": "str", "kekhawatiran": "str"})


def test_pii_columns_are_dropped_and_key_added(form, frame):
    out = protect_frame(frame, form, KEY)
    assert not {f.name for f in form.pii_fields} & set(out.columns)
    assert out.columns[0] == RESPONDENT_KEY_COLUMN
    assert list(out.index) == [5, 6, 7]
    expected_keys = [respondent_key(r, form, KEY) for r in frame.to_dict("records")]
    assert out[RESPONDENT_KEY_COLUMN].tolist() == expected_keys
    # non-PII columns are passed through untouched
    pd.testing.assert_series_equal(out["umur"], frame["umur"])
    assert out["rw"].tolist() == ["03", "04", "03"]


def test_free_text_is_redacted_including_the_respondents_own_name(form, frame):
    out = protect_frame(frame, form, KEY)
    assert out.loc[5, "harapan"] == "kata [NAMA] tetangga, jembatan harus terang"
    assert out.loc[6, "harapan"] == "hubungi saya [TELEPON], [NAMA]"
    assert out.loc[6, "kekhawatiran"] == "anak saya si [NAMA] ikut geng"
    assert out.loc[7, "harapan"] == "semoga damai"  # untouched, byte for byte
    assert out.loc[7, "kekhawatiran"] == "Pak RT sudah lapor"
    assert out.loc[7, "penyebab_tawuran"] == "tantangan di ig [AKUN]"
    assert pd.isna(out.loc[5, "kekhawatiran"])


def test_no_raw_pii_value_survives_anywhere(form, frame):
    out = protect_frame(frame, form, KEY)
    cells = " ".join(str(v) for v in out.astype(str).to_numpy().ravel())
    for secret in ("Darmaji", "darmaji", "Rohmah", "0812", "3171", "Kenari", "Sawo", "@geng"):
        assert secret not in cells


def test_protect_keeps_the_input_frame_unchanged(form, frame):
    before = frame.copy()
    protect_frame(frame, form, KEY)
    pd.testing.assert_frame_equal(frame, before)


def test_empty_frame(form, frame):
    out = protect_frame(frame.iloc[0:0], form, KEY)
    assert len(out) == 0 and RESPONDENT_KEY_COLUMN in out.columns
    assert "nama" not in out.columns


def test_record_json_for_quarantine_has_no_pii(form, frame):
    row = frame.loc[6].copy()
    row["umur"] = "0812 0000 0009"  # a phone number typed into the wrong field
    row["_submitted_at"] = pd.Timestamp("2025-08-12 10:00", tz="UTC")
    row["extra_column"] = "Siti Rohmah"  # not a form field: dropped
    record = json.loads(protect_record_json(row, form))
    assert not {"nama", "telepon", "nik", "alamat", "extra_column"} & set(record)
    assert record["harapan"] == "hubungi saya [TELEPON], [NAMA]"
    assert record["umur"] == "[TELEPON]"
    assert record["_submitted_at"] == "2025-08-12T10:00:00+00:00"
    assert record["kekhawatiran"] == "anak saya si [NAMA] ikut geng"
    assert "Rohmah" not in json.dumps(record) and "3171" not in json.dumps(record)


def test_record_json_handles_missing_values(form, frame):
    record = json.loads(protect_record_json(frame.loc[5].to_dict(), form))
    assert record["kekhawatiran"] is None
    assert record["umur"] == 41
