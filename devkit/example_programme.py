"""Write the second example programme, `examples/kebun-warga/`: a fictional community-garden
programme whose forms come as XLSForms (English and Indonesian labels, a group, a geopoint, a
photo, a select_multiple with multi-word labels, no area question, two form versions) and
whose submissions come as ODK Central's OData pages.

Everything here is invented: names, places, answers. Re-run to rebuild the files:

    .venv/bin/python -m devkit.example_programme
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1] / "examples" / "kebun-warga"
FORM_ID = "kebun_warga"
VERSIONS = ("2026010101", "2026040101")
LANGS = ["label::English (en)", "label::Indonesian (id)"]

_SURVEY = [
    ["start", "start", "", ""],
    ["today", "today", "", ""],
    ["begin_group", "interview", "Interview", "Wawancara"],
    ["date", "interview_date", "Interview date", "Tanggal wawancara", "", "yes"],
    ["select_one yes_no", "consent", "Do you agree to take part?", "Bersedia ikut survei?", "", "yes"],
    ["end_group", "", "", ""],
    ["begin_group", "respondent", "About you", "Tentang Anda"],
    ["text", "respondent_name", "Your name", "Nama Anda"],
    ["integer", "age", "Age (years)", "Usia (tahun)", ". >= 12 and . <= 99", "yes"],
    ["select_one gender", "gender", "Gender", "Jenis kelamin"],
    ["end_group", "", "", ""],
    ["select_one agree5", "feel_safe", "I feel safe in the garden after dark",
     "Saya merasa aman di kebun setelah gelap", "", "yes"],
    ["select_one agree5", "trust_neighbours", "I can count on my neighbours",
     "Saya bisa mengandalkan tetangga", "", "yes"],
    ["select_multiple activities", "activities", "Which activities did you join?",
     "Kegiatan apa yang Anda ikuti?"],
    ["geopoint", "location", "Location of the interview", "Lokasi wawancara"],
    ["image", "photo", "Photo of the plot (optional)", "Foto petak kebun (boleh dilewati)"],
    ["text", "hope", "What do you hope for the neighbourhood?",
     "Apa harapan Anda untuk lingkungan ini?"],
]
# Version 2 added a count question.
_ADDED = ["integer", "fights_seen", "How many fights did you see in the last 3 months?",
          "Berapa kali Anda melihat perkelahian dalam 3 bulan terakhir?", ". >= 0 and . <= 60"]

_CHOICES = [
    ["yes_no", "yes", "Yes", "Ya"], ["yes_no", "no", "No", "Tidak"],
    ["gender", "f", "Female", "Perempuan"], ["gender", "m", "Male", "Laki-laki"],
    *[["agree5", str(i), en, id_] for i, (en, id_) in enumerate([
        ("Strongly disagree", "Sangat tidak setuju"), ("Disagree", "Tidak setuju"),
        ("Neutral", "Ragu-ragu"), ("Agree", "Setuju"), ("Strongly agree", "Sangat setuju")], 1)],
    ["activities", "cleanup", "Community clean-up day", "Kerja bakti bersama"],
    ["activities", "football", "Youth football league", "Liga sepak bola remaja"],
    ["activities", "workshop", "Garden workshop for parents", "Lokakarya kebun orang tua"],
]

_HOPES = [
    "kebunnya makin rame, anak2 jadi punya kegiatan sore",
    "semoga lampu di jalan kebun dipasang, malam masih gelap dan rawan",
    "tetangga makin akur sejak ada kerja bakti",
    "masih suka ada yang nongkrong mabok di ujung gang, takut lewat",
    "liga bola remaja bikin anak2 gak tawuran lagi",
    "biasa aja sih",
    "I hope the garden stays open on weekends",
    "semoga pemuda dilibatkan jaga kebun bareng pak RT",
    "",
]
_FIRST = ["Sekar", "Bayu", "Wulan", "Raka", "Tiara", "Damar", "Laras", "Gilang"]
_MIDDLE = ["Ayu", "Putra", "Sari", "Jaya", "Dewi"]
_LAST = ["Contohwati", "Fiktifsyah", "Rekaan", "Samaran"]


def name(i: int) -> str:
    """A fictional name, different for every respondent."""
    return f"{_FIRST[i % 8]} {_MIDDLE[(i // 8) % 5]} {_LAST[(i // 40) % 4]}"


def xlsform(version: str) -> bytes:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", *LANGS, "constraint", "required"])
    rows = list(_SURVEY)
    if version != VERSIONS[0]:
        rows.insert(-3, _ADDED)
    for row in rows:
        survey.append(row)
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *LANGS])
    for row in _CHOICES:
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Survei kebun warga", FORM_ID, version, "Indonesian (id)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def submission(i: int, rng: random.Random) -> dict:
    """Submission `i` as ODK Central's OData returns it (groups nested, `__system`)."""
    v2 = i >= 60
    month = (1 + i % 3) if not v2 else (4 + i % 3)
    day = 1 + i % 27
    uuid = f"uuid:6b1e0000-0000-4000-a000-{i:012d}"
    lat, lon = -6.2 + rng.uniform(-0.01, 0.01), 106.8 + rng.uniform(-0.01, 0.01)
    if i in (17, 83):
        lat = 123.4  # a device error: quarantined, naming the field
    safe = rng.randint(2, 5) if v2 else rng.randint(1, 4)
    record: dict = {
        "__id": uuid,
        "start": f"2026-{month:02d}-{day:02d}T09:00:00.000+07:00",
        "today": f"2026-{month:02d}-{day:02d}",
        "interview": {"interview_date": f"2026-{month:02d}-{day:02d}", "consent": "yes"},
        "respondent": {"respondent_name": name(i),
                       "age": rng.randint(14, 70), "gender": rng.choice(["f", "m"])},
        "feel_safe": str(safe), "trust_neighbours": str(min(5, max(1, safe + rng.choice([-1, 0, 1])))),
        "activities": " ".join(sorted(rng.sample(["cleanup", "football", "workshop"], rng.randint(0, 2)))),
        "location": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6), 12.0],
                     "properties": {"accuracy": 4.5}},
        "photo": f"{1700000000000 + i}.jpg" if i % 4 == 0 else None,
        "hope": _HOPES[i % len(_HOPES)] or None,
        "meta": {"instanceID": uuid},
        "__system": {
            "submissionDate": f"2026-{month:02d}-{day:02d}T10:{i % 60:02d}:00.000Z",
            "updatedAt": None, "submitterId": "12", "submitterName": "enumerator-1",
            "attachmentsPresent": 1 if i % 4 == 0 else 0, "attachmentsExpected": 1 if i % 4 == 0 else 0,
            "status": None, "reviewState": None, "deviceId": None, "edits": 0,
            "formVersion": VERSIONS[1] if v2 else VERSIONS[0], "deletedAt": None,
        },
    }
    if v2:
        record["fights_seen"] = rng.randint(0, 3)
    return record


def submissions(n: int = 120, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [submission(i, rng) for i in range(n)]


def main() -> None:
    (ROOT / "forms").mkdir(parents=True, exist_ok=True)
    (ROOT / "central").mkdir(parents=True, exist_ok=True)
    for version, tag in zip(VERSIONS, ("v1", "v2"), strict=True):
        (ROOT / "forms" / f"{FORM_ID}_{tag}.xlsx").write_bytes(xlsform(version))
    document = {"value": sorted(submissions(), key=lambda r: r["__system"]["submissionDate"])}
    (ROOT / "central" / "submissions.json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {ROOT}")


if __name__ == "__main__":
    main()
