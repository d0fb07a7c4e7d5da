"""Helpers for the analysis tests: a tiny hand-checkable configuration and long-format rows."""

from __future__ import annotations

from sentiment.analysis.config import IndexConfig, Item


def make_cfg(**overrides: object) -> IndexConfig:
    """Three items on a 1–5 scale: t.a and t.b calm-worded, t.c tension-worded (reverse)."""
    base = dict(
        method_version="test", likert_weight=0.5,
        items=(Item("t.a", "g", False), Item("t.b", "g", False), Item("t.c", "g", True)),
        scale_min=1.0, scale_max=5.0, min_items=2,
        brawls_weight=0.25, brawls_question="tawuran_disaksikan", brawls_cap=10.0,
        text_weight=0.25, text_topics=("tawuran_kekerasan", "hubungan_antarwarga"),
        negative_label="negatif", text_questions=(), scorer=None,
        total="semua", min_n=10, confidence=0.95, resamples=2000, seed=7, alpha_floor=0.7,
    )
    base.update(overrides)
    return IndexConfig(**base)  # type: ignore[arg-type]


def long_rows(wave: str, side: str, group: str, key: str, answers: dict[str, float]) -> list[dict]:
    return [{"wave_id": wave, "side": side, "respondent_group": group, "respondent_key": key,
             "question_id": q, "value_num": v} for q, v in answers.items()]


def insert_fact_rows(engine, now, respondents, responses, answers, texts, scores) -> None:
    """One loaded batch (form `remaja`) and these rows, in foreign-key order, in one transaction."""
    from sentiment.warehouse import models as m

    with engine.begin() as conn:
        conn.execute(m.IngestBatch.__table__.insert(), [dict(
            batch_id=1, source_file="fiktif.csv", file_sha256="0" * 64, source_format="kobo_csv",
            form_id="remaja", form_version="v1", started_at=now, status="loaded")])
        for table, rows in ((m.DimRespondent, respondents), (m.FactResponse, responses),
                            (m.FactAnswer, answers), (m.FactText, texts),
                            (m.FactTextScore, scores)):
            conn.execute(table.__table__.insert(), rows)
