"""A small real warehouse for the report: real migrations and analysis over hand-written rows.

Fictional respondents are written straight into the fact tables (the loader is tested
elsewhere), then `compute_all` and `run_alerts` fill the published views. One current-wave
cell is small, and one free-text answer still carries personal data from the sample exports
(as if redaction had missed it): neither may reach the report.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa

from sentiment.analysis.compute import compute_all, run_alerts
from sentiment.analysis.config import load_index_config
from sentiment.warehouse import models as m
from sentiment.warehouse.db import prepare

WAVES = ["2025-02", "2025-05", "2025-08"]
CURRENT = WAVES[-1]
RW = {"barat": "02", "timur": "06"}
SMALL = (CURRENT, "timur", "orang_tua")
ACTIVITIES = ["patroli_bersama", "dialog", "olahraga", "seni", "pengajian", "parenting"]
SAMPLE_PII = Path(__file__).resolve().parents[1] / "fixtures" / "sample_pii.json"
ANSWERS = [  # (text, topic, sentiment): fictional answers in the field's register
    (
        "Semoga tidak ada lagi tawuran di jembatan, anak-anak jadi takut lewat kalau sore.",
        "tawuran_kekerasan",
        "negatif",
    ),
    (
        "Lampu jembatan sudah terang sekarang, pulang kerja malam rasanya lebih aman.",
        "keamanan_lingkungan",
        "positif",
    ),
    (
        "Turnamen futsal bareng anak seberang seru banget, pengen ada lagi tiap bulan.",
        "kegiatan_pemuda",
        "positif",
    ),
    (
        "Patroli malam minggu bikin tenang, semoga jadwalnya tetap jalan terus ya.",
        "patroli_polisi",
        "positif",
    ),
    (
        "Masih ada yang nongkrong malam di ujung gang, jadi agak waswas kalau pulang.",
        "keamanan_lingkungan",
        "negatif",
    ),
]


def sample_pii() -> dict[str, list[str]]:
    return json.loads(SAMPLE_PII.read_text(encoding="utf-8"))


def leaky_text(pii: dict[str, list[str]]) -> str:
    return (
        f"Tawuran lagi kemarin, kata {pii['names'][0]} hubungi {pii['phones'][0]} atau "
        f"{pii['emails'][0]}, NIK {pii['nik_digits'][0]} kalau mau lapor."
    )


def populate(engine: sa.Engine, small: bool = True) -> None:
    """Three waves × two sides × two groups; tension falls on barat, jumps on timur in 2025-05.

    small: the current wave's timur × orang_tua cell has 4 respondents (else 14 like the rest).
    """
    cfg = load_index_config()
    pii = sample_pii()
    rng = np.random.default_rng(20250801)
    now = datetime(2025, 9, 1, tzinfo=UTC)
    respondents, responses, answers, texts, scores = [], [], [], [], []
    rid = 0
    for w, wave in enumerate(WAVES):
        for side in ("barat", "timur"):
            for group in ("orang_tua", "remaja"):
                n = 4 if small and (wave, side, group) == SMALL else 14
                shift = (-0.4 * w if side == "barat" else 0.0) + (
                    1.4 if (wave, side) == ("2025-05", "timur") else 0.0
                )
                for i in range(n):
                    rid += 1
                    key = f"{rid:064x}"
                    respondents.append(dict(respondent_key=key, respondent_group=group))
                    responses.append(
                        dict(
                            response_id=rid,
                            form_id=group,
                            form_version="v1",
                            submission_id=f"s{rid}",
                            respondent_key=key,
                            wave_id=wave,
                            area=RW[side],
                            side=side,
                            respondent_group=group,
                            batch_id=1,
                            content_hash="x",
                            is_current=True,
                            interview_date=date(int(wave[:4]), int(wave[5:]), 5),
                        )
                    )
                    for item in cfg.items_of(group):
                        calm = 3 + rng.normal(0, 1) - shift
                        value = 6 - calm if item.reverse else calm
                        answers.append(
                            dict(
                                response_id=rid,
                                question_id=item.question_id,
                                option="",
                                value_num=float(np.clip(round(value), 1, 5)),
                            )
                        )
                    answers.append(
                        dict(
                            response_id=rid,
                            question_id=f"{group}.tawuran_disaksikan",
                            option="",
                            value_num=float(rng.poisson(1 + 3 * max(shift, 0))),
                        )
                    )
                    for activity in ACTIVITIES:
                        if rng.random() < 0.3:
                            answers.append(
                                dict(
                                    response_id=rid,
                                    question_id=f"{group}.kegiatan",
                                    option=activity,
                                    value_num=1.0,
                                    value_text=activity,
                                )
                            )
                    text, topic, sentiment = ANSWERS[i % len(ANSWERS)]
                    score = 1.0 + (i % 3)
                    if (wave, side, group, i) == (CURRENT, "barat", "remaja", 0):
                        text, topic, sentiment, score = (
                            leaky_text(pii),
                            "tawuran_kekerasan",
                            "negatif",
                            99.0,
                        )
                    elif small and (wave, side, group) == SMALL:
                        text, score = f"Cerita kelompok kecil nomor {i}: {text}", 50.0
                    texts.append(
                        dict(
                            text_id=rid,
                            response_id=rid,
                            question_id=f"{group}.harapan",
                            text_redacted=text,
                        )
                    )
                    scores.append(
                        dict(
                            text_id=rid,
                            scorer="lexicon",
                            model_version="t",
                            sentiment=sentiment,
                            sentiment_score=-0.5 if sentiment == "negatif" else 0.4,
                            topics=topic,
                            topic_scores=json.dumps({topic: score}),
                            scored_at=now,
                            is_current=True,
                        )
                    )
    with engine.begin() as conn:
        conn.execute(
            m.IngestBatch.__table__.insert(),
            [
                dict(
                    batch_id=1,
                    source_file="fiktif.csv",
                    file_sha256="0" * 64,
                    source_format="kobo_csv",
                    form_id="remaja",
                    form_version="v1",
                    started_at=now,
                    status="loaded",
                )
            ],
        )
        for table, rows in (
            (m.DimRespondent, respondents),
            (m.FactResponse, responses),
            (m.FactAnswer, answers),
            (m.FactText, texts),
            (m.FactTextScore, scores),
        ):
            conn.execute(table.__table__.insert(), rows)


def build_warehouse(url: str, small: bool = True) -> str:
    """Migrate, populate, analyse; returns the URL."""
    engine = prepare(url)
    populate(engine, small)
    compute_all(engine)
    run_alerts(engine)
    return url
