"""Flow `ingest-surveys`: field exports → validated, pseudonymised, scored rows → warehouse.

Thin wiring: every task calls one plain function from `sentiment`. Tasks are per file
(never per row); each file loads in one transaction.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cloudpickle
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from sqlalchemy.exc import DBAPIError, OperationalError

from sentiment import inbox as inbox_folder
from sentiment import pipeline, progress, runners
from sentiment.config import flows_dir
from sentiment.connections import resolve_db_url
from sentiment.errors import InputError
from sentiment.forms.readers import read_export
from sentiment.privacy.protect import protect_frame
from sentiment.privacy.pseudonym import key_fingerprint, load_key
from sentiment.validate import validate_batch
from sentiment.warehouse import db
from sentiment.warehouse.load import LoadBatch, load_batch

# Prefect loads this file by path, so Dask workers cannot import it: ship its code by value.
if __name__ in sys.modules:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _transient_db_error(task, task_run, state) -> bool:
    """Retry a load only when the database dropped the connection, not on bad data."""
    try:
        state.result()
    except (OperationalError, DBAPIError) as exc:
        return isinstance(exc, OperationalError) or exc.connection_invalidated
    except Exception:
        return False
    return False


def _failed_row(path: Path, message: str) -> dict[str, object]:
    """Summary row of a file that could not be used at all (counts 0, status says why)."""
    return {**pipeline.skipped_row(path), "skipped": False, "status": f"failed: {message}"}


@task(name="prepare-warehouse", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def prepare_warehouse(url: str, fingerprint: str) -> None:
    db.prepare(url, fingerprint)


@task(name="read-export", cache_policy=NO_CACHE)
def read(path: Path):
    """The file's RawBatch, or the InputError saying why it cannot be used: returned, not
    raised, because one unusable file is an outcome of the run, not a crash of it."""
    try:
        return read_export(path)
    except InputError as exc:
        return exc


@task(name="validate", cache_policy=NO_CACHE)
def validate(batch):
    return validate_batch(batch)


@task(name="protect", cache_policy=NO_CACHE)
def protect(batch, result):
    protected = protect_frame(result.valid, batch.form, load_key())
    return protected, pipeline.quarantine_rows(result, batch, load_key())


def score(protected, form, scorer: str, batch_size: int | None = None):
    """Free-text answers with their scores: one `score-chunk` task per batch of texts, on the
    flow's task runner (threads, or Dask when $SENTIMENT_DASK_ADDRESS is set)."""
    return runners.score_in_chunks(pipeline.text_rows(protected, form), scorer, batch_size)


def _chain_tension_index(db_url: str | None) -> None:
    """Recompute the tension index as a subflow. The URL is passed only when the caller gave
    one: a resolved URL may hold credentials, and flow parameters are stored by Prefect."""
    from prefect.flows import load_flow_from_entrypoint

    index_flow = load_flow_from_entrypoint(f"{flows_dir() / 'tension_index.py'}:tension_index")
    index_flow(db_url=db_url)


@task(name="load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[1, 5, 15],
      retry_condition_fn=_transient_db_error)
def load(url: str, batch, result, protected, quarantine, texts, fingerprint: str):
    return load_batch(db.get_engine(url), LoadBatch(
        source_file=batch.source_file, sha256=batch.sha256, source_format=batch.source_format,
        form=batch.form, flow_run_id=str(flow_run.get_id() or ""), key_fingerprint=fingerprint,
        responses=protected, texts=texts, quarantine=quarantine,
        rows_read=batch.rows, rows_duplicate=result.duplicates,
    ))


@flow(name="ingest-surveys", task_runner=runners.task_runner())
def ingest_surveys(source: str = "examples/exports", db_url: str | None = None,
                   scorer: str = "lexicon", inbox: bool = False, run_index: bool = False,
                   score_batch: int | None = None) -> list[dict]:
    """Ingest every export under `source` into the warehouse, one transaction per file.

    `db_url` defaults to $SENTIMENT_DB_URL; pass credentials through that variable, not
    here (flow parameters are stored by Prefect). `inbox`: `source` is an inbox folder, and
    each file is moved to `archive/` or `rejected/` once dealt with (sentiment.inbox).
    `run_index`: recompute the tension index afterwards when anything new was loaded.
    `score_batch`: texts per scoring task (default $SENTIMENT_SCORE_BATCH or 20,000).
    """
    logger = get_run_logger()
    url = resolve_db_url(db_url)
    fingerprint = key_fingerprint(load_key())  # no key → stop before anything is loaded
    prepare_warehouse(url, fingerprint)
    files = pipeline.discover_exports(source)
    progress.start("ingest", total=len(files))
    summaries = []
    for path in files:
        sha256 = pipeline.file_sha256(path)
        if db.is_loaded(url, sha256):
            logger.info("Skipping %s: a file with the same SHA-256 is already loaded", path.name)
            summaries.append(pipeline.skipped_row(path))
        elif isinstance(batch := read(path), InputError):
            # nothing of this file is loaded; the other files still are
            logger.warning("%s: not loaded: %s", path.name, batch)
            summaries.append(_failed_row(path, str(batch)))
        else:
            result = validate(batch)
            protected, quarantine = protect(batch, result)
            texts = score(protected, batch.form, scorer, score_batch)
            loaded = load(url, batch, result, protected, quarantine, texts, fingerprint)
            summaries.append(pipeline.summary_row(batch, result, loaded))
            logger.info("%s: %s", path.name, pipeline.summary_line(summaries[-1]))
        if inbox:
            moved = inbox_folder.settle(path, summaries[-1], sha256)
            logger.info("%s moved to %s/", path.name, moved.parent.name)
        progress.advance("ingest")
    create_table_artifact(key="ingest-summary", table=summaries,
                          description="Rows read, valid, quarantined and duplicate per file")
    create_markdown_artifact(key="ingest-totals", markdown=pipeline.totals_markdown(summaries))
    if run_index and any(int(row["loaded"]) for row in summaries):
        _chain_tension_index(db_url)
    return summaries
