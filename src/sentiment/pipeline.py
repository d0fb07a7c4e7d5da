"""The ingest path for one export file: read → validate → protect → score → load.

Plain functions; `flows/ingest_surveys.py` wraps each stage in a Prefect task.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sentiment.forms.batch import RawBatch
from sentiment.forms.model import Form

EXPORT_SUFFIXES = (".csv", ".xlsx", ".json")


def discover_exports(source: str | Path) -> list[Path]:
    """Export files under a folder (or matching a glob), in a stable order.

    Order matters: an edited submission must load after the one it replaces, so files sort
    by name, which the field teams prefix with the wave (`2025-02_…`).
    """
    source_path = Path(source)
    if source_path.is_dir():
        candidates: Iterable[Path] = source_path.iterdir()
    elif source_path.is_file():
        candidates = [source_path]
    else:
        candidates = Path().glob(str(source))
    return sorted(
        p for p in candidates
        if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES and not p.name.startswith(".")
    )


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def text_rows(protected: pd.DataFrame, form: Form) -> pd.DataFrame:
    """Long table of non-empty redacted free-text answers: one row per response × question."""
    fields = [f.name for f in form.free_text_fields if f.name in protected.columns]
    if not fields or protected.empty:
        return pd.DataFrame(columns=["_submission_id", "question_id", "text_redacted"])
    long = protected[["_submission_id", *fields]].melt(
        id_vars="_submission_id", var_name="question_id", value_name="text_redacted"
    )
    text = long["text_redacted"].astype("string").str.strip()
    long = long.assign(text_redacted=text)
    long = long[text.notna() & (text != "") & (text != "-")]
    return long.reset_index(drop=True)


@dataclass
class StageCounts:
    """What happened to one file, for the batch summary."""

    source_file: str
    form: str
    read: int
    valid: int
    quarantined: int
    duplicate: int
    loaded: int = 0
    skipped: bool = False
    conflicts: int = 0
    superseded: int = 0

    def as_row(self) -> dict[str, object]:
        return dict(self.__dict__)


def quarantine_rows(result, batch: RawBatch, key: bytes) -> pd.DataFrame:
    """Quarantine rows with each rejected record attached (PII removed, free text redacted)
    and its respondent pseudonym, so that erasure reaches quarantine too."""
    from sentiment.privacy.protect import protect_record_json
    from sentiment.privacy.pseudonym import respondent_keys

    quarantine = result.quarantine.copy()
    if quarantine.empty:
        return quarantine.assign(record_json=pd.Series(dtype="str"),
                                 respondent_key=pd.Series(dtype="str"))
    rejected = result.rejected.drop_duplicates("_source_row").set_index("_source_row", drop=False)
    keys = respondent_keys(rejected, batch.form, key)
    records = {row: protect_record_json(rejected.loc[row], batch.form) for row in rejected.index}
    quarantine["record_json"] = quarantine["source_row"].map(records)
    quarantine["respondent_key"] = quarantine["source_row"].map(keys)
    return quarantine


def summary_row(batch: RawBatch, result, loaded) -> dict[str, object]:
    """One line of the batch summary (read / valid / quarantined / duplicate / loaded)."""
    return StageCounts(
        source_file=batch.source_file,
        form=batch.form.key,
        read=batch.rows,
        valid=len(result.valid),
        quarantined=len(result.rejected) + int(getattr(loaded, "conflicts", 0)),
        duplicate=int(result.duplicates) + int(getattr(loaded, "duplicates", 0)),
        loaded=int(getattr(loaded, "responses_inserted", 0)),
        skipped=bool(getattr(loaded, "skipped", False)),
        conflicts=int(getattr(loaded, "conflicts", 0)),
        superseded=int(getattr(loaded, "superseded", 0)),
    ).as_row()


def skipped_row(path: Path) -> dict[str, object]:
    return StageCounts(source_file=path.name, form="", read=0, valid=0, quarantined=0,
                       duplicate=0, skipped=True).as_row()


def summary_line(row: dict[str, object]) -> str:
    return ", ".join(f"{k} {row[k]}" for k in ("read", "valid", "quarantined", "duplicate", "loaded"))


def totals_markdown(rows: list[dict[str, object]]) -> str:
    """Headline figures of an ingest run, for the Prefect artifact (counts only, no values)."""
    keys = ("read", "valid", "quarantined", "duplicate", "loaded")
    totals = {k: sum(int(r[k]) for r in rows) for k in keys}
    skipped = sum(1 for r in rows if r["skipped"])
    lines = [
        "# Ingest summary",
        "",
        f"Files: {len(rows)} ({skipped} already loaded, skipped)",
        "",
        "| " + " | ".join(keys) + " |",
        "|" + "---|" * len(keys),
        "| " + " | ".join(str(totals[k]) for k in keys) + " |",
    ]
    return "\n".join(lines)


def preflight(url: str) -> None:
    """Fail fast with a one-line error, before any flow starts: the key is set and is the
    one this warehouse was built with, and the warehouse schema is current."""
    from sentiment.privacy.pseudonym import key_fingerprint, load_key
    from sentiment.warehouse import db

    db.prepare(url, key_fingerprint(load_key()))


def ingest_files(paths: Iterable[Path], url: str, key: bytes, scorer: str = "lexicon") -> list[dict]:
    """The ingest path without Prefect (tests, benchmarks, notebooks); the flow runs the same
    stages as tasks."""
    from sentiment.forms.readers import read_export
    from sentiment.nlp import score_texts
    from sentiment.privacy.protect import protect_frame
    from sentiment.privacy.pseudonym import key_fingerprint
    from sentiment.validate import validate_batch
    from sentiment.warehouse import db
    from sentiment.warehouse.load import LoadBatch, load_batch

    fingerprint = key_fingerprint(key)
    engine = db.prepare(url, fingerprint)
    rows = []
    for path in paths:
        batch = read_export(path)
        result = validate_batch(batch)
        protected = protect_frame(result.valid, batch.form, key)
        texts = text_rows(protected, batch.form)
        texts = texts.join(score_texts(texts["text_redacted"].tolist(), scorer=scorer))
        loaded = load_batch(engine, LoadBatch(
            source_file=batch.source_file, sha256=batch.sha256, source_format=batch.source_format,
            form=batch.form, flow_run_id=None, key_fingerprint=fingerprint, responses=protected,
            texts=texts, quarantine=quarantine_rows(result, batch, key), rows_read=batch.rows,
            rows_duplicate=result.duplicates,
        ))
        rows.append(summary_row(batch, result, loaded))
    return rows
