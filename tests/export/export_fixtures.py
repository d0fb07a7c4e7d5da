"""Three fictional respondents, loaded into a real warehouse (migrations, views) or into a
hand-made stand-in that only has the analyst views' columns."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# Fictional respondents. Keys are fake HMAC-like hex strings.
R1, R2, R3 = "a1" * 32, "b2" * 32, "c3" * 32
RESPONSE = {  # respondent → (wave, side, group, gender, age_band, rw, form, version)
    R1: ("2025-08", "barat", "remaja", "L", "15-17", "02", "remaja", "v2"),
    R2: ("2024-11", "timur", "remaja", "P", "12-14", "06", "remaja", "v1"),
    R3: ("2024-11", "timur", "orang_tua", "P", "30-39", "05", "orang_tua", "v1"),
}
HYPERLINK = '=HYPERLINK("http://contoh.invalid/x","klik")'
ANSWERS = [  # respondent, question_id, option, value_num, value_text, value_label
    (R1, "remaja.aman_siang", None, 5, None, "Sangat setuju"),
    (R1, "remaja.khawatir_tawuran", None, 2, None, "Tidak setuju"),
    (R1, "remaja.medsos_provokasi", None, 4, None, "Setuju"),
    (R1, "remaja.persetujuan_ortu", None, None, "ya", "Ya"),
    (R1, "remaja.kegiatan", "dialog", None, "dialog", "Dialog warga dua sisi"),
    (R1, "remaja.kegiatan", "seni", None, "seni", "Kegiatan seni"),
    (R2, "remaja.aman_siang", None, 1, None, "Sangat tidak setuju"),
    (R2, "remaja.khawatir_tawuran", None, 5, None, "Sangat setuju"),
    (R2, "remaja.persetujuan_ortu", None, None, "tidak", "Tidak"),
    (R2, "remaja.kegiatan", "olahraga", None, "olahraga", "Olahraga bersama"),
    (R3, "orang_tua.aman_siang", None, 4, None, "Setuju"),
    (R3, "orang_tua.tawuran_disaksikan", None, 3, None, None),
]
# An earlier, superseded submission of R1 (same wave): must never reach a view or export.
SUPERSEDED_R1 = [("remaja.aman_siang", 1)]
TEXTS = [  # respondent, question_id, redacted text, sentiment, topics
    (R1, "remaja.harapan", HYPERLINK, "netral", "media_sosial_provokasi"),
    (R2, "remaja.kekhawatiran", "Takut ada tawuran lagi dekat jembatan", "negatif",
     "tawuran_kekerasan"),
]
# wave, side, group, index, ci_low, ci_high, n
TENSION = [("2024-11", "timur", "remaja", 61.5, 50.0, 70.0, 12),
           ("2025-08", "barat", "remaja", 40.0, 31.0, 49.0, 15)]
# A small cell the analysis marked suppressed: the views hide it.
TENSION_SUPPRESSED = ("2025-02", "barat", "orang_tua", 55.0, 40.0, 70.0, 4)


# ---------------------------------------------------------------------------------------------
# The real warehouse


def _filler(column: sa.Column) -> Any:
    """A value for a NOT NULL column this fixture does not care about."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.DateTime):
        return dt.datetime(2025, 8, 31, tzinfo=dt.UTC)
    if isinstance(kind, sa.Date):
        return dt.date(2025, 8, 31)
    if isinstance(kind, (sa.Integer, sa.Float, sa.Numeric)):
        return 0
    return "x"


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict]) -> None:
    single_key = len(table.primary_key.columns) == 1
    required = [c for c in table.columns
                if not c.nullable and c.server_default is None
                and not (c.primary_key and single_key and isinstance(c.type, sa.Integer))]
    full = [{**{c.name: _filler(c) for c in required if c.name not in row}, **row} for row in rows]
    conn.execute(table.insert(), full)


def _answer_row(response_id: int, qid: str, option: str | None, num: Any, text: Any) -> dict:
    if option:  # select_multiple: one row per chosen option, as the loader writes it
        return dict(response_id=response_id, question_id=qid, option=option, value_num=1.0,
                    value_text=option)
    if num is not None:
        return dict(response_id=response_id, question_id=qid, option="", value_num=float(num),
                    value_text=str(num))
    return dict(response_id=response_id, question_id=qid, option="", value_num=None,
                value_text=text)


def build_warehouse(url: str) -> str:
    """Migrate a real warehouse at `url` and load the fictional rows into its core tables."""
    from sentiment.warehouse import db

    engine = db.prepare(url)
    meta = sa.MetaData()
    meta.reflect(engine)
    t = meta.tables
    ids = {key: i for i, key in enumerate(RESPONSE, start=1)}
    with engine.begin() as conn:
        _insert(conn, t["dim_respondent"], [
            dict(respondent_key=k, respondent_group=v[2], gender=v[3], age_band=v[4],
                 first_wave=v[0]) for k, v in RESPONSE.items()])
        _insert(conn, t["ingest_batch"], [
            dict(batch_id=1, source_file="fiktif.csv", file_sha256="0" * 64,
                 source_format="kobo_csv", form_id="remaja", form_version="v1",
                 status="loaded")])
        responses = [
            dict(response_id=ids[k], form_id=v[6], form_version=v[7], submission_id=f"sub-{k[:4]}",
                 respondent_key=k, wave_id=v[0], area=v[5], side=v[1], respondent_group=v[2],
                 gender=v[3], age_band=v[4], batch_id=1, content_hash=f"h{ids[k]}",
                 is_current=True)
            for k, v in RESPONSE.items()
        ]
        old = len(RESPONSE) + 1
        v = RESPONSE[R1]
        responses.append(dict(response_id=old, form_id=v[6], form_version=v[7],
                              submission_id="sub-old", respondent_key=R1, wave_id=v[0], area=v[5],
                              side=v[1], respondent_group=v[2], gender=v[3], age_band=v[4],
                              batch_id=1, content_hash="h-old", is_current=False,
                              superseded_by=ids[R1]))
        _insert(conn, t["fact_response"], responses)
        answers = [_answer_row(ids[k], q, o, n, x) for k, q, o, n, x, _ in ANSWERS]
        answers += [_answer_row(old, q, None, n, None) for q, n in SUPERSEDED_R1]
        _insert(conn, t["fact_answer"], answers)
        _insert(conn, t["fact_text"], [
            dict(text_id=i, response_id=ids[k], question_id=q, text_redacted=text)
            for i, (k, q, text, _s, _t) in enumerate(TEXTS, start=1)])
        _insert(conn, t["fact_text_score"], [
            dict(text_id=i, scorer="lexicon", model_version="fiktif-1", sentiment=s,
                 sentiment_score=0.0, topics=topics, is_current=True)
            for i, (_k, _q, _x, s, topics) in enumerate(TEXTS, start=1)])
        _insert(conn, t["tension_index"], [
            dict(wave_id=w, side=s, respondent_group=g, tension_index=x, ci_low=lo, ci_high=hi,
                 n=n, suppressed=False, method_version="1.0")
            for w, s, g, x, lo, hi, n in TENSION
        ] + [dict(zip(("wave_id", "side", "respondent_group", "tension_index", "ci_low",
                       "ci_high", "n"), TENSION_SUPPRESSED, strict=True),
                  suppressed=True, method_version="1.0")])
    return url


# ---------------------------------------------------------------------------------------------
# A stand-in with only the views' columns (to feed the exporter rows a real view never has)


def build_contract_db(path: Path, extra_answers: list[tuple] = ()) -> str:
    """SQLite file with raw stand-in tables and `v_responses_long` over them."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE fx_response (respondent_key TEXT, wave_id TEXT, side TEXT,
            respondent_group TEXT, gender TEXT, age_band TEXT, area TEXT, form_id TEXT,
            form_version TEXT);
        CREATE TABLE fx_answer (respondent_key TEXT, question_id TEXT, option TEXT,
            value_num REAL, value_text TEXT, value_label TEXT);
        CREATE VIEW v_responses_long AS
            SELECT r.wave_id, r.side, r.respondent_group, r.respondent_key, r.gender,
                   r.age_band, r.area, r.form_id, r.form_version, a.question_id,
                   a.question_id AS question_label, a.option, a.value_num, a.value_text,
                   a.value_label
            FROM fx_answer a JOIN fx_response r USING (respondent_key);
        """
    )
    con.executemany("INSERT INTO fx_response VALUES (?,?,?,?,?,?,?,?,?)",
                    [(k, *v) for k, v in RESPONSE.items()])
    con.executemany("INSERT INTO fx_answer VALUES (?,?,?,?,?,?)", [*ANSWERS, *extra_answers])
    con.commit()
    con.close()
    return f"sqlite:///{path}"
