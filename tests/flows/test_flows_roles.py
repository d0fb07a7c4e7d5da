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


HOUSEHOLD = """\
form_id: rumah
version: v1
title: Household survey (fictional)
respondent_group: warga
roles: {area: wilayah, sub_area: dusun, interview_date: hari, age: usia, gender: kelamin,
        identity: [kode_kk]}
language: en
fields:
  - {name: hari, type: date, required: true, label: Day}
  - {name: kode_kk, type: text, pii: true, label: Household card}
  - {name: wilayah, type: select_one, label: Zone,
     choices: [{value: N1, label: North 1}, {value: S1, label: South 1}]}
  - {name: dusun, type: text, label: Hamlet}
  - {name: usia, type: integer, constraints: {min: 12, max: 99}, label: Age}
  - {name: kelamin, type: select_one, label: Sex,
     choices: [{value: f, label: Female}, {value: m, label: Male}]}
  - {name: rasa_aman, type: likert, choices: likert5, required: true, scale: kohesi,
     label: I feel safe at night}
"""
AREAS = """\
sides: {north: {label: North bank}, south: {label: South bank}}
areas:
  - {code: N1, side: north, label: North 1}
  - {code: S1, side: south, label: South 1}
"""
# age, zone, hamlet, sex: 20 falls in the gap between the declared bands, 70 above them.
ROWS = [(15, "N1", "Kidul", "f"), (16, "N1", "Kidul", ""), (30, "S1", "", "m"),
        (20, "S1", "Lor", "m"), (70, "", "Lor", "f"), (45, "N1", "3", "")]


def test_roles_under_other_names_with_declared_bands_and_named_sub_areas(tmp_path: Path) -> None:
    folder = _programme(tmp_path)
    (folder / "forms" / "tetangga.v1.yaml").unlink()
    (folder / "forms" / "rumah.v1.yaml").write_text(HOUSEHOLD, encoding="utf-8")
    (folder / "areas.yaml").write_text(AREAS, encoding="utf-8")
    programme = (folder / "programme.yaml").read_text(encoding="utf-8")
    (folder / "programme.yaml").write_text(programme.replace(
        "age_bands: {}", 'age_bands: {warga: ["12-17", "25-59", "60-65"]}'), encoding="utf-8")
    exports = tmp_path / "exports"
    exports.mkdir()
    with (exports / "rumah.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["hari", "kode_kk", "wilayah", "dusun", "usia", "kelamin", "rasa_aman"])
        for i, (age, zone, hamlet, sex) in enumerate(ROWS):
            # the first two rows are one household (same card): one respondent
            out.writerow([f"2026-04-0{i + 1}", "KK-1" if i < 2 else f"KK-{i}", zone, hamlet, age,
                          sex, 1 + i % 5])
    url = f"sqlite:///{tmp_path / 'w.db'}"
    rows = steps.ingest(exports, Settings.resolve(url, folder, key=TEST_KEY))
    assert [(r["read"], r["valid"], r["loaded"]) for r in rows] == [(6, 6, 6)], rows
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text(
            "SELECT area, side, sub_area, age, age_band, gender FROM fact_response "
            "ORDER BY interview_date")).all()
        shown = conn.execute(sa.text(
            "SELECT DISTINCT respondent_key, area, side, age_band, gender FROM v_responses_long "
            "ORDER BY age_band, area")).all()
        published = set(conn.execute(sa.text("SELECT DISTINCT question_id FROM v_responses_long")).scalars())
    engine.dispose()
    assert [tuple(r) for r in stored] == [
        ("N1", "north", "Kidul", 15, "12-17", "f"), ("N1", "north", "Kidul", 16, "12-17", None),
        ("S1", "south", None, 30, "25-59", "m"), ("S1", "south", "Lor", 20, None, "m"),
        (None, None, "Lor", 70, None, "f"), ("N1", "north", "3", 45, "25-59", None)]
    assert len({r.respondent_key for r in shown}) == 5  # KK-1 answered twice
    assert {(r.area, r.side, r.age_band, r.gender) for r in shown} == {
        ("N1", "north", "12-17", "f"), ("N1", "north", "12-17", "unknown"),
        ("S1", "south", "25-59", "m"), ("S1", "south", "unknown", "m"),
        ("unknown", "unknown", "unknown", "f"), ("N1", "north", "25-59", "unknown")}
    # the response-only roles never become published answers
    assert published == {"rumah.wilayah", "rumah.kelamin", "rumah.rasa_aman"}
