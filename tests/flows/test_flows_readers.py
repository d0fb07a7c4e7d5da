"""Reader fixes seen through the whole sequence: decimals that differ only in their last
float digits are one answer (duplicate, not conflict); geopoint parts out of range are
quarantined with a reason naming the field and the part."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from sample_paths import TEST_KEY

from sentiment.flows import steps
from sentiment.scaffold import init_programme
from sentiment.settings import Settings

FORM = """\
form_id: jarak
version: v1
title: Survei Jarak (fiktif)
respondent_group: warga
roles: {interview_date: tgl}
fields:
  - {name: tgl, type: date, required: true, label: Tanggal}
  - {name: jarak, type: decimal, label: Jarak ke sekolah (km)}
  - {name: titik, type: geopoint, label: Lokasi}
  - {name: rasa_aman, type: likert, choices: likert5, label: Saya merasa aman}
"""
HEADER = ["tgl", "jarak", "_titik_latitude", "_titik_longitude", "_titik_altitude",
          "_titik_precision", "rasa_aman", "_uuid", "_submission_time"]


def _programme(tmp_path: Path) -> Path:
    folder = tmp_path / "jarak"
    init_programme(folder)
    for example in (folder / "forms").glob("contoh*.yaml"):
        example.unlink()
    (folder / "forms" / "jarak.v1.yaml").write_text(FORM, encoding="utf-8")
    return folder


def _csv(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])


def test_xlsx_and_csv_of_one_submission_are_a_duplicate_not_a_conflict(tmp_path: Path) -> None:
    folder, exports = _programme(tmp_path), tmp_path / "exports"
    exports.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)  # Kobo's XLSX holds binary floats ...
    sheet.append(["2026-03-02", 0.1 + 0.2, -6.175400000000001, 106.82720000000001, 12.5, 4.0,
                  4, "u1", "2026-03-02T03:00:00"])
    book.save(exports / "a_kobo.xlsx")
    _csv(exports / "b_kobo.csv", [  # ... the CSV their printed digits, here twice
        ["2026-03-02", "0.3", "-6.1754", "106.8272", "12.5", "4", "4", "u1", "2026-03-02T03:00:00"],
        ["2026-03-02", "0.30000000000000004", "-6.1754", "106.8272", "12.5", "4", "4", "u1",
         "2026-03-02T03:00:00"],
    ])
    url = f"sqlite:///{tmp_path / 'w.db'}"
    first, second = steps.ingest(exports, Settings.resolve(url, folder, key=TEST_KEY))
    assert first["loaded"] == 1, first
    assert (second["loaded"], second["quarantined"], second["conflicts"], second["duplicate"]) == (
        0, 0, 0, 2), second


def test_geopoint_out_of_range_is_quarantined_naming_field_and_part(tmp_path: Path) -> None:
    folder, exports = _programme(tmp_path), tmp_path / "exports"
    exports.mkdir()
    _csv(exports / "titik.csv", [
        ["2026-03-02", "1", "-6.2", "106.8", "0", "5", "4", "ok", ""],
        ["2026-03-02", "1", "91", "106.8", "0", "5", "4", "lat", ""],
        ["2026-03-02", "1", "-6.2", "181", "0", "5", "4", "lon", ""],
        ["2026-03-02", "1", "-6.2", "106.8", "0", "-1", "4", "acc", ""],
    ])
    url = f"sqlite:///{tmp_path / 'w.db'}"
    [row] = steps.ingest(exports, Settings.resolve(url, folder, key=TEST_KEY))
    assert (row["loaded"], row["quarantined"]) == (1, 3), row
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rejected = {sub: (field, rule, reason) for sub, field, rule, reason in conn.execute(sa.text(
            "SELECT submission_id, field, rule, reason FROM quarantine"))}
        stored = dict(conn.execute(sa.text(
            "SELECT a.option, a.value_num FROM fact_answer a WHERE a.question_id = 'jarak.titik'")).all())
    engine.dispose()
    assert rejected["lat"] == ("titik", "latitude", "titik: latitude 91 outside -90–90")
    assert rejected["lon"] == ("titik", "longitude", "titik: longitude 181 outside -180–180")
    assert rejected["acc"] == ("titik", "accuracy", "titik: accuracy -1 below 0")
    assert stored == {"latitude": -6.2, "longitude": 106.8, "altitude": 0.0, "accuracy": 5.0}
