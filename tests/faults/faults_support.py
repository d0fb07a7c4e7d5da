"""A protected, scored batch ready for `load_batch`, built once and shared by fault tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "exports"
KEY = b"kali-pasir-pulse-FAULTS-key-0123456789"


def sample_load_batch(name: str = "2025-05_remaja_kobo.csv", copies: int = 1):
    """The sample file through read → validate → protect → score, as a LoadBatch; `copies` > 1
    repeats its rows under new submission ids and pseudonyms to make a bigger batch."""
    from sentiment.flows import steps
    from sentiment.forms.readers import read_export
    from sentiment.nlp import score_texts
    from sentiment.privacy.protect import protect_frame
    from sentiment.privacy.pseudonym import key_fingerprint
    from sentiment.validate import validate_batch
    from sentiment.warehouse.load import LoadBatch

    batch = read_export(SAMPLES / name)
    result = validate_batch(batch)
    protected = protect_frame(result.valid, batch.form, KEY)
    texts = steps.text_rows(protected, batch.form)
    texts = texts.join(score_texts(texts["text_redacted"].tolist()))
    quarantine = steps.quarantine_rows(result, batch, KEY)
    if copies > 1:
        protected = pd.concat([_copy(protected, i) for i in range(copies)], ignore_index=True)
        texts = pd.concat([_copy(texts, i) for i in range(copies)], ignore_index=True)
    return LoadBatch(
        source_file=batch.source_file, sha256=batch.sha256, source_format=batch.source_format,
        form=batch.form, flow_run_id=None, key_fingerprint=key_fingerprint(KEY),
        responses=protected, texts=texts, quarantine=quarantine, rows_read=batch.rows * copies,
        rows_duplicate=result.duplicates,
    )


def _copy(frame: pd.DataFrame, i: int) -> pd.DataFrame:
    if i == 0:
        return frame
    out = frame.copy()
    out["_submission_id"] = out["_submission_id"].astype(str) + f"-copy{i}"
    if "_respondent_key" in out.columns:
        out["_respondent_key"] = out["_respondent_key"].str[:-4] + f"{i:04x}"
    if "_supersedes" in out.columns:
        out["_supersedes"] = None
    return out


def counts(url: str) -> dict[str, int]:
    """Rows per table, read through a plain engine: the warehouse engine starts every SQLite
    transaction with BEGIN IMMEDIATE, which would wait for a running load."""
    import sqlalchemy as sa

    from sentiment.warehouse import db

    engine = sa.create_engine(url)
    try:
        return db.table_counts(engine)
    finally:
        engine.dispose()
