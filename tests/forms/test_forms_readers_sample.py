"""read_export on every bundled sample export: each format, read back to what was generated."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from devkit.synthetic import SAMPLE_FILES, build_sample, wave_windows
from sentiment.forms.readers import read_export

EXPORTS = Path(__file__).resolve().parents[2] / "examples" / "exports"
FORMAT_OF = {spec.name: spec.fmt for spec in SAMPLE_FILES}


@pytest.fixture(scope="module")
def generated():
    return build_sample().frames


@pytest.fixture(scope="module")
def batches(registry):
    return {spec.name: read_export(EXPORTS / spec.name, registry) for spec in SAMPLE_FILES}


def _values(series: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in series.astype(object)]


@pytest.mark.parametrize("name", [spec.name for spec in SAMPLE_FILES])
def test_sample_file_reads_back_to_the_generated_answers(name, generated, batches):
    batch, source = batches[name], generated[name]
    assert batch.source_format == FORMAT_OF[name]
    assert batch.rows == len(source)
    assert batch.frame["_source_file"].eq(name).all()
    for f in batch.form.fields:
        expected, got = _values(source[f.name]), _values(batch.frame[f.name])
        if name == "2025-05_remaja_kobo.csv" and f.type == "free_text":
            # cp1252 has no emoji: the re-saved file holds "?" where the phone typed one
            expected = [v.encode("cp1252", "replace").decode("cp1252") if v else v for v in expected]
        assert got == expected, f"{name}: column {f.name}"


@pytest.mark.parametrize("name", [spec.name for spec in SAMPLE_FILES])
def test_meta_columns_follow_the_contract(name, generated, batches):
    frame, source = batches[name].frame, generated[name]
    assert str(frame["_submitted_at"].dt.tz) == "UTC"
    # all tools store whole seconds; Google Forms shows Jakarta time, Kobo/ODK UTC
    expected_times = source["_submitted_at"].dt.floor("s").reset_index(drop=True)
    assert (frame["_submitted_at"] == expected_times).all()
    assert _values(frame["_supersedes"]) == _values(source["_supersedes"])
    first_row = 1 if name.endswith(".json") else 2
    assert frame["_source_row"].tolist() == list(range(first_row, first_row + len(frame)))
    assert frame["_form_id"].eq(batches[name].form.form_id).all()
    if FORMAT_OF[name] != "gforms_csv":
        assert frame["_submission_id"].tolist() == source["_submission_id"].tolist()


def test_form_versions_are_detected(batches):
    keys = {name: b.form.key for name, b in batches.items()}
    assert keys["2025-08_remaja_kobo_api.json"] == "remaja.v2"
    assert keys["2025-05_remaja_kobo.csv"] == "remaja.v1"
    assert keys["2025-05_orang_tua_odk.csv"] == "orang_tua.v1"
    assert keys["2024-11_remaja_susulan_1904.xlsx"] == "remaja.v1"


def test_google_forms_labels_become_values(batches, registry):
    batch = batches["2025-02_remaja_gforms.csv"]
    raw = pd.read_csv(EXPORTS / "2025-02_remaja_gforms.csv", dtype=str, keep_default_na=False)
    assert "Sangat setuju" in set(raw.iloc[:, 12])  # the file really holds labels
    frame = batch.frame
    assert set(frame["aman_malam"].dropna()) <= {"1", "2", "3", "4", "5"}
    assert set(frame["jenis_kelamin"].dropna()) <= {"L", "P"}
    assert set(frame["persetujuan_ortu"].dropna()) <= {"ya", "tidak"}
    options = set(registry.get("remaja", "v1").field("kegiatan").choice_values)
    chosen = {v for cell in frame["kegiatan"].dropna() for v in cell.split()}
    assert chosen and chosen <= options
    assert any(" " in cell for cell in frame["kegiatan"].dropna())  # several options kept
    assert frame["rw"].str.fullmatch(r"\d\d").all()  # "RW 05" → "05"


def test_google_forms_ids_are_stable_and_timestamps_jakarta(batches, registry):
    path = EXPORTS / "2025-02_remaja_gforms.csv"
    frame = batches[path.name].frame
    again = read_export(path, registry).frame
    assert frame["_submission_id"].str.startswith("gf-").all()
    assert frame["_submission_id"].tolist() == again["_submission_id"].tolist()
    assert frame["_submission_id"].is_unique
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    local = pd.to_datetime(raw["Timestamp"].iloc[0], format="%d/%m/%Y %H:%M:%S")
    assert frame["_submitted_at"].iloc[0] == local.tz_localize("Asia/Jakarta").tz_convert("UTC")
    assert frame["_submitted_at"].iloc[0].hour == (local.hour - 7) % 24


def test_kobo_naive_submission_time_is_utc(batches):
    path = EXPORTS / "2024-11_orang_tua_kobo.csv"
    raw = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    first = batches[path.name].frame["_submitted_at"].iloc[0]
    assert first == pd.Timestamp(raw["_submission_time"].iloc[0], tz="UTC")


def test_excel_dates_land_in_the_wave_in_both_date_systems(batches):
    start, end = wave_windows()["2024-11"]
    for name in ("2024-11_remaja_kobo.xlsx", "2024-11_remaja_susulan_1904.xlsx"):
        dates = pd.to_datetime(batches[name].frame["tanggal_wawancara"]).dt.date
        inside = dates.between(start, end)
        # one row per file may carry the deliberate "date outside any wave" error
        assert inside.sum() >= len(dates) - 1, name


def test_encodings_bom_and_cp1252(batches):
    assert (EXPORTS / "2025-05_orang_tua_odk.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    odk = batches["2025-05_orang_tua_odk.csv"]
    assert odk.warnings == []
    assert odk.frame["tanggal_wawancara"].notna().all()  # first column mapped despite the BOM
    cp = batches["2025-05_remaja_kobo.csv"]
    assert any("cp1252" in w for w in cp.warnings)
    assert cp.frame["harapan"].dropna().str.contains("…").any()


def test_edits_and_resubmissions_visible(batches):
    kobo = batches["2024-11_orang_tua_kobo.csv"].frame
    replaced = kobo["_supersedes"].dropna()
    assert len(replaced) == 1
    assert replaced.iloc[0] in set(kobo["_submission_id"])  # "uuid:" prefix dropped on both sides
    api = batches["2025-02_orang_tua_kobo_api.json"].frame
    assert api["_submission_id"].duplicated().sum() == 4  # 2 exact repeats + 2 conflicts
