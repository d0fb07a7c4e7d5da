"""Geopoints (Kobo's one string, Kobo's split columns, GeoJSON) are stored as latitude,
longitude, altitude and accuracy with range checks; attachment questions keep the file name
only; short-text questions are stored redacted. Nothing declared is stored nowhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlalchemy as sa
from programmes import programme_with_form
from sample_paths import TEST_KEY

from sentiment.flows import steps
from sentiment.settings import Settings

FORM = """\
form_id: lokasi
version: v1
title: Survei Lokasi (fiktif)
respondent_group: warga
roles: {interview_date: tgl}
fields:
  - {name: tgl, type: date, required: true, label: Tanggal}
  - {name: titik, type: geopoint, label: Lokasi wawancara}
  - {name: foto, type: image, label: Foto lingkungan}
  - {name: catatan, type: text, label: Catatan petugas}
  - {name: rasa_aman, type: likert, choices: likert5, label: Saya merasa aman}
"""
PHONE = "0812-0000-5566"


def test_geopoints_media_and_short_text_are_stored(tmp_path: Path) -> None:
    folder, exports = programme_with_form(tmp_path / "lokasi", "lokasi", FORM), tmp_path / "exports"
    exports.mkdir()
    with (exports / "lokasi.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["tgl", "titik", "foto", "catatan", "rasa_aman", "_uuid"])
        out.writerow(["2026-03-02", "-6.1754 106.8272 12.5 4.0", "https://kc.example.org/media/a/IMG_0001.jpg",
                      f"telp {PHONE}", "4", "u1"])
        out.writerow(["2026-03-03", "96.5 106.8 0 5", "", "", "3", "u2"])  # latitude out of range
    with (exports / "lokasi_split.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["tgl", "_titik_latitude", "_titik_longitude", "_titik_altitude",
                      "_titik_precision", "rasa_aman", "_uuid"])
        out.writerow(["2026-03-04", "-6.2", "106.81", "", "", "5", "u3"])
    (exports / "lokasi_odata.json").write_text(json.dumps({"results": [
        {"tgl": "2026-03-05", "titik": {"type": "Point", "coordinates": [106.9, -6.3, 7]},
         "rasa_aman": 2, "_uuid": "u4"}]}), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    rows = steps.ingest(exports, Settings.resolve(url, folder, key=TEST_KEY))
    assert sum(r["loaded"] for r in rows) == 3 and sum(r["quarantined"] for r in rows) == 1, rows
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        points = conn.execute(sa.text(
            "SELECT r.submission_id, a.option, a.value_num FROM fact_answer a "
            "JOIN fact_response r USING (response_id) WHERE a.question_id = 'lokasi.titik'")).all()
        extras = dict(conn.execute(sa.text("SELECT column_name, value_text FROM fact_extra")).all())
        rejected = conn.execute(sa.text("SELECT field, rule FROM quarantine")).all()
        everything = " ".join(str(v) for t in ("fact_extra", "fact_answer", "quarantine")
                              for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row)
    engine.dispose()
    got = {(s, o): v for s, o, v in points}
    assert got[("u1", "latitude")] == -6.1754 and got[("u1", "accuracy")] == 4.0
    assert got[("u3", "longitude")] == 106.81 and ("u3", "altitude") not in got
    assert (got[("u4", "latitude")], got[("u4", "longitude")], got[("u4", "altitude")]) == (-6.3, 106.9, 7)
    assert rejected == [("titik", "latitude")]
    assert extras["foto"] == "IMG_0001.jpg"  # the name, never the URL or the media
    assert "catatan" in extras and PHONE not in everything
