"""ODK Central OData JSON ({"value": [...]}) is read: nested groups flattened to the form's
field names, `__system` meta, GeoJSON points with their accuracy; a file goes to the form
version its submissions name (`__system/formVersion`, Kobo's `__version__`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentiment.forms.model import load_registry
from sentiment.forms.readers import read_export

FORM = """\
form_id: survei
version: {version}
title: Survei fiktif
respondent_group: warga
versions_match: {{formVersion: "{submitted}", __version__: "vK{submitted}"}}
fields:
  - {{name: tgl, type: date, label: Tanggal, path: identitas/tgl}}
  - {{name: umur, type: integer, label: Umur, path: identitas/umur}}
  - {{name: titik, type: geopoint, label: Lokasi, path: lokasi/titik}}
  - {{name: foto, type: image, label: Foto}}
  - {{name: jarak, type: decimal, label: Jarak ke sekolah (km)}}
  - {{name: rasa_aman, type: likert, label: Saya merasa aman, choices: [
      {{value: "1", label: Tidak}}, {{value: "2", label: Ya}}]}}
{more}"""


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "survei.v1.yaml").write_text(
        FORM.format(version="v1", submitted="2025010101", more=""), encoding="utf-8")
    (folder / "survei.v2.yaml").write_text(FORM.format(
        version="v2", submitted="2025020101",
        more="  - {name: catatan, type: text, label: Catatan}\n"), encoding="utf-8")
    return folder


def odata(version: str, **extra) -> dict:
    return {
        "__id": "uuid:first-1",
        "__system": {"submissionDate": "2025-02-03T04:05:06.789Z", "formVersion": version,
                     "submitterID": "5", "reviewState": None},
        "meta": {"instanceID": "uuid:edit-2", "deprecatedID": "uuid:first-1"},
        "identitas": {"tgl": "2025-02-03", "umur": 41},
        "lokasi": {"titik": {"type": "Point", "coordinates": [106.8272, -6.1754, 12.5],
                             "properties": {"accuracy": 4.2}}},
        "foto": "1738555506789.jpg",
        "jarak": 0.1 + 0.2,
        "rasa_aman": "2",
        "anggota@odata.navigationLink": "Submissions('uuid:first-1')/anggota",
        **extra,
    }


def write(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps({"@odata.context": "https://central.example/v1/...",
                                "value": records}), encoding="utf-8")
    return path


def test_odata_json_is_read_with_groups_flattened_to_field_names(tmp_path, forms) -> None:
    batch = read_export(write(tmp_path / "odk.json", [odata("2025010101")]), load_registry(forms))
    row = batch.frame.iloc[0]
    assert (batch.source_format, batch.form.key) == ("odk_json", "survei.v1")
    assert (row["tgl"], row["umur"], row["rasa_aman"]) == ("2025-02-03", "41", "2")
    assert row["titik"] == "-6.1754 106.8272 12.5 4.2"  # lat lon alt accuracy
    assert row["foto"] == "1738555506789.jpg" and row["jarak"] == "0.3"
    assert (row["_submission_id"], row["_supersedes"], row["_root_id"]) == (
        "edit-2", "first-1", "first-1")
    assert row["_submitted_at"].isoformat() == "2025-02-03T04:05:06.789000+00:00"
    # __system and OData links are bookkeeping, not answers: no extra column for them ...
    assert not [c for c in batch.frame.columns if c.startswith("_extra:")]
    # ... but a repeat group left in another table is said, not silently missing
    assert any("'anggota'" in w and "not loaded" in w for w in batch.warnings), batch.warnings


def test_file_goes_to_the_version_its_submissions_name(tmp_path, forms) -> None:
    registry = load_registry(forms)
    # v2's own question is absent, so the columns alone would say v1
    second = read_export(write(tmp_path / "v2.json", [odata("2025020101")]), registry)
    assert second.form.key == "survei.v2"
    assert any("missing from the file: catatan" in w for w in second.warnings)
    assert not any("version" in w for w in second.warnings)
    first = read_export(write(tmp_path / "v1.json", [odata("2025010101")]), registry)
    assert first.form.key == "survei.v1"

    kobo = tmp_path / "kobo.csv"
    kobo.write_text("tgl,umur,rasa_aman,_uuid,__version__\n2025-02-03,41,Ya,u1,vK2025020101\n",
                    encoding="utf-8")
    assert read_export(kobo, registry).form.key == "survei.v2"


def test_unknown_and_mixed_versions_are_warned(tmp_path, forms) -> None:
    registry = load_registry(forms)
    unknown = read_export(write(tmp_path / "v9.json", [odata("2025090101")]), registry)
    assert unknown.form.key == "survei.v1"
    assert any("'2025090101' is not declared" in w for w in unknown.warnings), unknown.warnings
    mixed = read_export(write(tmp_path / "mixed.json", [
        odata("2025020101"), odata("2025020101", __id="uuid:b", meta={"instanceID": "uuid:b"}),
        odata("2025010101", __id="uuid:c", meta={"instanceID": "uuid:c"})]), registry)
    assert mixed.form.key == "survei.v2"  # the version most rows name
    assert any("2 form versions" in w and "'2025010101' (1 rows)" in w for w in mixed.warnings)


def test_odk_csv_geopoint_parts_keep_accuracy_and_decimals_are_12_digits(tmp_path, forms) -> None:
    """ODK Central's CSV splits a geopoint into `<name>-Latitude` … `<name>-Accuracy`; Kobo
    into `_<name>_latitude` … `_<name>_precision`. An empty altitude does not shift the
    accuracy into its place."""
    registry = load_registry(forms)
    odk = tmp_path / "odk.csv"
    odk.write_text("SubmissionDate,tgl,umur,titik-Latitude,titik-Longitude,titik-Altitude,"
                   "titik-Accuracy,jarak,rasa_aman,KEY,FormVersion\n"
                   "2025-02-03T04:05:06Z,2025-02-03,41,-6.175400000000001,106.8272,,4.2,"
                   "0.30000000000000004,2,uuid:k1,2025010101\n", encoding="utf-8")
    batch = read_export(odk, registry)
    row = batch.frame.iloc[0]
    assert row["titik"] == "-6.1754 106.8272" and row["jarak"] == "0.3"
    assert not [c for c in batch.frame.columns if c.startswith("_extra:")]
    assert not any("titik" in w for w in batch.warnings), batch.warnings
