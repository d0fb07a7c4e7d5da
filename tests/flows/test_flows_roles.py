"""A programme whose form has other field names and no area, side, age, gender or identity
question loads end to end through the one stage sequence; the views say `unknown`."""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa
from programmes import programme_with_form
from sample_paths import TEST_KEY

from sentiment.flows import steps
from sentiment.settings import Settings

FORM = """\
form_id: tetangga
version: v1
title: Survei Tetangga (fiktif)
respondent_group: warga
roles: {interview_date: tgl, consent: setuju}
fields:
  - {name: tgl, type: date, required: true, label: Tanggal}
  - {name: setuju, type: select_one, choices: ya_tidak, required: true, label: "Setuju ikut?"}
  - {name: rasa_aman, type: likert, choices: likert5, required: true, scale: kohesi,
     label: Saya merasa aman pada malam hari}
  - {name: cerita, type: free_text, label: Ceritakan lingkungan Anda}
"""


def _programme(tmp_path: Path) -> Path:
    folder = programme_with_form(tmp_path / "tetangga", "tetangga", FORM)
    index = (folder / "index.yaml").read_text(encoding="utf-8")
    (folder / "index.yaml").write_text(index.replace("aman_malam", "rasa_aman")
                                       .replace("khawatir_konflik", "rasa_aman"), encoding="utf-8")
    return folder


def _export(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["tgl", "setuju", "rasa_aman", "cerita"])
        for i in range(rows):
            out.writerow([f"2026-03-{1 + i % 28:02d}", "ya", 1 + i % 5,
                          "lingkungan makin aman, anak-anak main bola bareng" if i % 2 else "biasa saja"])


def test_form_without_area_side_age_gender_or_identity_loads(tmp_path: Path) -> None:
    folder = _programme(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    _export(exports / "tetangga_maret.csv", 14)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    rows = steps.ingest(exports, Settings.resolve(url, folder, key=TEST_KEY))
    assert [(r["read"], r["valid"], r["loaded"]) for r in rows] == [(14, 14, 14)], rows
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text(
            "SELECT count(*), count(area), count(side), count(DISTINCT respondent_key) "
            "FROM fact_response")).one()
        shown = conn.execute(sa.text(
            "SELECT DISTINCT side, area, gender, age_band, wave_id FROM v_responses_long")).all()
        texts = conn.execute(sa.text("SELECT count(*) FROM v_text_scores WHERE side = 'unknown'")).scalar()
    engine.dispose()
    # no area or side stored; one respondent per submission (no identity question)
    assert tuple(stored) == (14, 0, 0, 14)
    assert shown == [("unknown", "unknown", "unknown", "unknown", "2026-03")]  # period wave
    assert texts == 14
