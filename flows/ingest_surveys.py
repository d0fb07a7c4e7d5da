"""Flow `ingest-surveys`: field exports → validated, pseudonymised, scored rows → warehouse.

Thin wiring: every task calls one plain function from `sentiment`. Tasks are per file
(never per row); each file loads in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from sqlalchemy.exc import DBAPIError, OperationalError

from sentiment import pipeline, progress
from sentiment.config import db_url as resolve_db_url
from sentiment.forms.readers import read_export
from sentiment.nlp import score_texts
from sentiment.privacy.protect import protect_frame
from sentiment.privacy.pseudonym import key_fingerprint, load_key
from sentiment.validate import validate_batch
from sentiment.warehouse import db
from sentiment.warehouse.load import LoadBatch, load_batch


def _transient_db_error(task, task_run, state) -> bool:
    """Retry a load only when the database dropped the connection, not on bad data."""
    try:
        state.result()
    except (OperationalError, DBAPIError) as exc:
        return isinstance(exc, OperationalError) or exc.connection_invalidated
    except Exception:
        return False
    return False


@task(name="prepare-warehouse", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def prepare_warehouse(url: str, fingerprint: str) -> None:
    db.prepare(url, fingerprint)


@task(name="read-export", cache_policy=NO_CACHE)
def read(path: Path):
    return read_export(path)


@task(name="validate", cache_policy=NO_CACHE)
def validate(batch):
    return validate_batch(batch)


@task(name="protect", cache_policy=NO_CACHE)
def protect(batch, result):
    protected = protect_frame(result.valid, batch.form, load_key())
    return protected, pipeline.quarantine_rows(result, batch, load_key())


@task(name="score-texts", cache_policy=NO_CACHE)
def score(protected, form, scorer: str):
    texts = pipeline.text_rows(protected, form)
    return texts.join(score_texts(texts["text_redacted"].tolist(), scorer=scorer))


@task(name="load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 15],
      retry_condition_fn=_transient_db_error)
def load(url: str, batch, result, protected, quarantine, texts, fingerprint: str):
    return load_batch(db.get_engine(url), LoadBatch(
        source_file=batch.source_file, sha256=batch.sha256, source_format=batch.source_format,
        form=batch.form, flow_run_id=str(flow_run.get_id() or ""), key_fingerprint=fingerprint,
        responses=protected, texts=texts, quarantine=quarantine,
        rows_read=batch.rows, rows_duplicate=result.duplicates,
    ))


@flow(name="ingest-surveys")
def ingest_surveys(source: str = "examples/exports", db_url: str | None = None,
                   scorer: str = "lexicon") -> list[dict]:
    """Ingest every export under `source` into the warehouse, one transaction per file.

    `db_url` defaults to $SENTIMENT_DB_URL; pass credentials through that variable, not
    here (flow parameters are stored by Prefect).
    """
    logger = get_run_logger()
    url = resolve_db_url(db_url)
    fingerprint = key_fingerprint(load_key())  # no key → stop before anything is loaded
    prepare_warehouse(url, fingerprint)
    files = pipeline.discover_exports(source)
    progress.start("ingest", total=len(files))
    summaries = []
    for path in files:
        if db.is_loaded(url, pipeline.file_sha256(path)):
            logger.info("Skipping %s: a file with the same SHA-256 is already loaded", path.name)
            summaries.append(pipeline.skipped_row(path))
        else:
            batch = read(path)
            result = validate(batch)
            protected, quarantine = protect(batch, result)
            texts = score(protected, batch.form, scorer)
            loaded = load(url, batch, result, protected, quarantine, texts, fingerprint)
            summaries.append(pipeline.summary_row(batch, result, loaded))
            logger.info("%s: %s", path.name, pipeline.summary_line(summaries[-1]))
        progress.advance("ingest")
    create_table_artifact(key="ingest-summary", table=summaries,
                          description="Rows read, valid, quarantined and duplicate per file")
    create_markdown_artifact(key="ingest-totals", markdown=pipeline.totals_markdown(summaries))
    return summaries
