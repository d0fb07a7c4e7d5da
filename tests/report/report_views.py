"""A tiny stand-in warehouse with the published views' contract (all fictional)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sentiment.warehouse.views import VIEWS

WAVE, PREV = "2025-08", "2025-05"
# Personal data planted in answers: none of it may reach the report.
PII = {
    "phone": "0812-0000-4321",
    "phone_digits": "081200004321",
    "nik": "3171000000000001",
    "email": "ardhanu.fiktif@contohmail.id",
    "name": "Ardhanu Hadikalis",
}
SMALL_CELL_TEXT = (
    "Cerita dari kelompok kecil yang tidak boleh dikutip tentang tawuran di jembatan malam itu."
)

# (wave, side, group) → (index, ci_low, ci_high, n); timur × orang_tua of the current wave is
# a small cell the analysis withheld (absent from the view).
TENSION = {
    ("2024-11", "barat", "semua"): (55.0, 50.1, 59.9, 40),
    ("2024-11", "timur", "semua"): (52.0, 47.2, 56.8, 38),
    ("2025-02", "barat", "semua"): (51.3, 46.8, 55.9, 41),
    ("2025-02", "timur", "semua"): (53.4, 48.6, 58.1, 39),
    ("2025-05", "barat", "semua"): (47.2, 43.0, 51.5, 42),
    ("2025-05", "timur", "semua"): (61.8, 57.3, 66.2, 37),
    ("2025-08", "barat", "semua"): (41.04, 36.66, 45.55, 24),
    ("2025-08", "timur", "semua"): (58.25, 53.1, 63.37, 15),
    ("2025-08", "barat", "orang_tua"): (42.3, 36.0, 48.7, 12),
    ("2025-08", "barat", "remaja"): (39.8, 33.2, 46.1, 12),
    ("2025-08", "timur", "remaja"): (59.9, 52.4, 66.8, 11),
    ("2025-08", "semua", "semua"): (48.12, 44.9, 51.35, 39),
    ("2025-08", "semua", "remaja"): (49.6, 44.0, 55.1, 23),
}
# Change since the previous wave (v_tension_change): barat fell clearly, timur unclear.
CHANGES = [
    (WAVE, PREV, "barat", "semua", 47.2, 41.04, -6.16, -10.9, -1.4, 0.02, 42, 24),
    (WAVE, PREV, "timur", "semua", 61.8, 58.25, -3.55, -9.8, 2.6, 0.3, 37, 15),
]
# Cells of v_responses_long for the current wave: (side, group, respondents).
CELLS = [
    ("barat", "orang_tua", 12),
    ("barat", "remaja", 12),
    ("timur", "remaja", 11),
    ("timur", "orang_tua", 4),
]
TOPICS = ["tawuran_kekerasan", "keamanan_lingkungan", "kegiatan_pemuda", "patroli_polisi"]


def _respondents() -> list[tuple]:
    """Rows of v_responses_long: aman_malam and kegiatan options per respondent."""
    rows = []
    for side, group, count in CELLS:
        for i in range(count):
            key = f"{side}-{group}-{i:02d}"
            rw = "02" if side == "barat" else "06"
            base = (WAVE, side, group, key, "L" if i % 2 else "P", "15-17", rw, group, "v1")
            rows.append((*base, f"{group}.aman_malam", "Aman malam", None, 1 + (i % 5), None, None))
            # Even respondents join patrols; every third joins sports.
            if i % 2 == 0:
                rows.append(
                    (
                        *base,
                        f"{group}.kegiatan",
                        "Kegiatan",
                        "patroli_bersama",
                        None,
                        "patroli_bersama",
                        "Ronda / patroli bersama",
                    )
                )
            if i % 3 == 0:
                rows.append(
                    (
                        *base,
                        f"{group}.kegiatan",
                        "Kegiatan",
                        "olahraga",
                        None,
                        "olahraga",
                        "Olahraga bersama",
                    )
                )
    return rows


def _texts() -> list[tuple]:
    """Rows of v_text_scores: wave, side, group, question, text, sentiment, topics, scores."""

    def row(side, group, text, sentiment, topics, scores):
        return (
            WAVE,
            side,
            group,
            f"{group}.harapan",
            text,
            sentiment,
            topics,
            json.dumps(scores),
            "lexicon",
        )

    pii = (
        f"Tawuran di jembatan bikin takut, hubungi {PII['name']} di {PII['phone']} atau "
        f"{PII['email']}, NIK {PII['nik']} kalau ada ribut lagi malam minggu."
    )
    return [
        # The most typical tawuran answer carries personal data: it must be dropped or cleaned.
        row("barat", "remaja", pii, "negatif", "tawuran_kekerasan", {"tawuran_kekerasan": 9.0}),
        row(
            "timur",
            "orang_tua",
            SMALL_CELL_TEXT,
            "negatif",
            "tawuran_kekerasan",
            {"tawuran_kekerasan": 20.0},
        ),
        row(
            "barat",
            "orang_tua",
            "Semoga tidak ada lagi tawuran antar kampung, anak-anak jadi "
            "takut lewat jembatan kalau sore menjelang malam.",
            "negatif",
            "tawuran_kekerasan",
            {"tawuran_kekerasan": 3.0},
        ),
        row(
            "timur",
            "remaja",
            "Tawuran sudah jarang sekarang, kami lebih sering main bola bareng anak seberang.",
            "positif",
            "tawuran_kekerasan|kegiatan_pemuda",
            {"tawuran_kekerasan": 2.0, "kegiatan_pemuda": 1.0},
        ),
        row(
            "barat",
            "orang_tua",
            "Lampu jembatan sudah terang, rasanya lebih aman kalau pulang "
            "kerja malam hari lewat sana.",
            "positif",
            "keamanan_lingkungan",
            {"keamanan_lingkungan": 3.0},
        ),
        row(
            "timur",
            "remaja",
            "Masih sering ada yang nongkrong malam di ujung gang, jadi agak "
            "waswas kalau pulang sendirian.",
            "negatif",
            "keamanan_lingkungan",
            {"keamanan_lingkungan": 2.5},
        ),
        row(
            "barat",
            "remaja",
            "Turnamen futsal kemarin seru, pengen ada lagi kegiatan pemuda "
            "yang bisa ikut dari dua sisi.",
            "positif",
            "kegiatan_pemuda",
            {"kegiatan_pemuda": 4.0},
        ),
        row(
            "timur",
            "remaja",
            "Patroli polisi malam minggu bikin tenang, semoga jadwalnya tetap jalan terus.",
            "positif",
            "patroli_polisi",
            {"patroli_polisi": 3.0},
        ),
    ]


def _topic_shares() -> list[tuple]:
    rows = []
    for wave, bump in ((WAVE, 0.0), (PREV, 0.05)):
        for group, n in (("orang_tua", 20), ("remaja", 30), ("semua", 50)):
            for k, topic in enumerate(TOPICS):
                share = 0.5 - 0.1 * k + (bump if k == 0 else 0.0)
                rows.append((wave, "semua", group, topic, share, share - 0.1, share + 0.1, n, 0.4))
    return rows


# Columns each fixture fills, in the order of its tuples; the others stay NULL.
_FILLED = {
    "v_tension_by_wave": "wave_id side respondent_group tension_index ci_low ci_high n",
    "v_tension_change": "wave_id prev_wave_id side respondent_group previous value diff ci_low "
                        "ci_high p_value n_prev n",
    "v_topic_share_by_wave": "wave_id side respondent_group topic share ci_low ci_high n "
                             "negative_share",
    "v_responses_long": "wave_id side respondent_group respondent_key gender age_band area form_id "
                        "form_version question_id question_label option value_num value_text "
                        "value_label",
    "v_text_scores": "wave_id side respondent_group question_id text_redacted sentiment topics "
                     "topic_scores scorer",
    "v_scale_reliability": "wave_id respondent_group alpha n",
    "v_alerts": "rule_id wave_id side respondent_group value threshold message",
}


def _insert(con: sqlite3.Connection, view: str, rows: list[tuple]) -> None:
    columns = _FILLED[view].split()
    marks = ", ".join("?" for _ in columns)
    con.executemany(f"INSERT INTO fx_{view} ({', '.join(columns)}) VALUES ({marks})", rows)


def build_views_db(path: Path) -> str:
    """SQLite file with the published views (every column of the contract in
    sentiment.warehouse.views) over stand-in tables, and dim_wave."""
    con = sqlite3.connect(path)
    for name, view in VIEWS.items():
        con.execute(f"CREATE TABLE fx_{name} ({', '.join(view.columns)})")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM fx_{name}")
    con.execute("CREATE TABLE dim_wave (wave_id TEXT, label TEXT, fieldwork_start TEXT, "
                "fieldwork_end TEXT)")
    _insert(con, "v_tension_by_wave", [(*k, *v) for k, v in TENSION.items()])
    _insert(con, "v_tension_change", CHANGES)
    _insert(con, "v_topic_share_by_wave", _topic_shares())
    _insert(con, "v_responses_long", _respondents())
    _insert(con, "v_text_scores", _texts())
    _insert(con, "v_scale_reliability", [(WAVE, "orang_tua", 0.78, 12), (WAVE, "remaja", 0.71, 23)])
    _insert(con, "v_alerts", [(
        "indeks_naik", WAVE, "timur", "remaja", 59.9, 5.0,
        "Indeks ketegangan remaja di sisi timur naik +6,0 poin (contoh peringatan).",
    )])
    con.executemany(
        "INSERT INTO dim_wave VALUES (?,?,?,?)",
        [
            ("2024-11", "Gelombang 1 (November 2024)", "2024-11-01", "2024-11-30"),
            ("2025-02", "Gelombang 2 (Februari 2025)", "2025-02-01", "2025-02-28"),
            ("2025-05", "Gelombang 3 (Mei 2025)", "2025-05-01", "2025-05-31"),
            ("2025-08", "Gelombang 4 (Agustus 2025)", "2025-08-01", "2025-08-31"),
        ],
    )
    con.commit()
    con.close()
    return f"sqlite:///{path}"
