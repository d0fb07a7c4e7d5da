"""Flow `ingest-surveys`: field exports → validated, pseudonymised, scored rows → warehouse."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.runtime import flow_run
from sqlalchemy.exc import OperationalError

from sentiment import pipeline
from sentiment.config import db_url as resolve_db_url
from sentiment.forms.readers import read_export
from sentiment.nlp import score_texts
from sentiment.privacy.protect import protect_frame
from sentiment.privacy.pseudonym import key_fingerprint, load_key
from sentiment.validate import validate_batch
from sentiment.warehouse import db
from sentiment.warehouse.load import LoadBatch, load_batch


@task(name="prepare-warehouse", retries=2, retry_delay_seconds=2, retry_condition_fn=None)
def prepare_warehouse(url: str, fingerprint: str) -> None:
    db.prepare(url, fingerprint)


@task(name="read-export")
def read(path: Path):
    return read_export(path)


@task(name="validate")
def validate(batch):
    return validate_batch(batch)


@task(name="protect")
def protect(batch, result, key: bytes):
    protected = protect_frame(result.valid, batch.form, key)
    return protected, pipeline.quarantine_rows(result, batch)


@task(name="score-texts")
def score(protected, form, scorer: str):
    texts = pipeline.text_rows(protected, form)
    scores = score_texts(texts["text_redacted"].tolist(), scorer=scorer)
    return texts.join(scores)


@task(name="load", retries=3, retry_delay_seconds=[1, 5, 15],
      retry_condition_fn=lambda task, run, state: _is_transient(state))
def load(url: str, batch, result, protected, quarantine, texts, fingerprint: str):
    return load_batch(db.get_engine(url), LoadBatch(
        source_file=batch.source_file, sha256=batch.sha256, source_format=batch.source_format,
        form=batch.form, flow_run_id=str(flow_run.get_id() or ""), key_fingerprint=fingerprint,
        responses=protected, texts=texts, quarantine=quarantine,
        rows_read=batch.rows, rows_duplicate=result.duplicates,
    ))


def _is_transient(state) -> bool:
    try:
        state.result()
    except OperationalError:
        return True
    except Exception:
        return False
    return False


@flow(name="ingest-surveys", log_prints=False)
def ingest_surveys(source: str = "examples/exports", db_url: str | None = None,
                   scorer: str = "lexicon") -> list[dict]:
    """Ingest every export under `source` into the warehouse at `db_url`, one file per batch."""
    logger = get_run_logger()
    url = resolve_db_url(db_url)
    key = load_key()  # no key → stop before anything is loaded
    fingerprint = key_fingerprint(key)
    prepare_warehouse(url, fingerprint)
    summaries = []
    for path in pipeline.discover_exports(source):
        if db.is_loaded(url, pipeline.file_sha256(path)):
            logger.info("Skipping %s: this file (same SHA-256) is already loaded", path.name)
            summaries.append(pipeline.skipped_row(path))
            continue
        batch = read(path)
        result = validate(batch)
        protected, quarantine = protect(batch, result, key)
        texts = score(protected, batch.form, scorer)
        loaded = load(url, batch, result, protected, quarantine, texts, fingerprint)
        summaries.append(pipeline.summary_row(batch, result, loaded))
    create_table_artifact(key="ingest-summary", table=summaries,
                          description="Rows read, valid, quarantined and duplicate per file")
    create_markdown_artifact(key="ingest-totals", markdown=pipeline.totals_markdown(summaries))
    return summaries
