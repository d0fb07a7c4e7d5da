"""Flow `ingest-surveys`: field exports → validated, pseudonymised, scored rows → warehouse.

Wiring only: `steps.ingest` runs the stages; here each step becomes a Prefect task, scoring
becomes one `score-chunk` task per chunk (on Dask when configured), and the summary becomes
artifacts. Tasks are per file or per chunk, never per row.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from sqlalchemy.exc import DBAPIError, OperationalError

from sentiment.flows import steps
from sentiment.settings import Settings, quiet_telemetry

quiet_telemetry()


def _transient_db_error(task, task_run, state) -> bool:
    """Retry a load only when the database dropped the connection, not on bad data."""
    try:
        state.result()
    except (OperationalError, DBAPIError) as exc:
        return isinstance(exc, OperationalError) or exc.connection_invalidated
    except Exception:
        return False
    return False


TASK_OPTIONS: dict[str, dict[str, Any]] = {
    "prepare-warehouse": {"retries": 2, "retry_delay_seconds": 2},
    "load": {"retries": 3, "retry_delay_seconds": [1, 5, 15],
             "retry_condition_fn": _transient_db_error},
    # idempotent (ids already recorded are left alone), so as safe to repeat as a load
    "withdraw-deleted": {"retries": 3, "retry_delay_seconds": [1, 5, 15],
                         "retry_condition_fn": _transient_db_error},
}


@task(name="score-chunk", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def score_chunk(texts: pd.Series, settings: Settings) -> pd.DataFrame:
    return steps.score_one_chunk(texts, settings)


class PrefectRun(steps.Run):
    """Steps as Prefect tasks, logs to the flow run, the summary as artifacts."""

    def __init__(self) -> None:
        self.logger = get_run_logger()
        self.flow_run_id = str(flow_run.get_id() or "") or None

    def step(self, name, fn, /, *args, **kwargs):
        return task(fn, name=name, cache_policy=NO_CACHE, **TASK_OPTIONS.get(name, {}))(
            *args, **kwargs)

    def score(self, texts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
        column = texts["text_redacted"]
        bounds = steps.chunk_bounds(len(column), settings.score_batch) or [(0, 0)]
        chunks = [column.iloc[a:b] for a, b in bounds]
        if len(chunks) == 1 or not _distributed():
            # one chunk after another in the flow's thread: the scorer forks its own workers
            return texts.join(pd.concat([score_chunk(chunk, settings) for chunk in chunks]))
        futures = score_chunk.map(chunks, unmapped(settings))
        return texts.join(pd.concat(futures.result()))

    def info(self, message, *args):
        self.logger.info(message, *args)

    def warning(self, message, *args):
        self.logger.warning(message, *args)

    def publish(self, summaries):
        create_table_artifact(key="ingest-summary", table=summaries,
                              description="Rows read, valid, quarantined and duplicate per file")
        create_markdown_artifact(key="ingest-totals", markdown=steps.totals_markdown(summaries))


def _distributed() -> bool:
    """True when the running flow's task runner sends tasks to other processes (Dask)."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return context is not None and not isinstance(context.task_runner, ThreadPoolTaskRunner)


def task_runner(address: str | None) -> TaskRunner:
    """`DaskTaskRunner` on the configured cluster, else the default thread pool."""
    if address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner()


def flow_settings(db_url: str | None, scorer: str | None, score_batch: int | None = None,
                  model_dir: str | None = None, schemas: str | None = None) -> Settings:
    """The run's settings, resolved in the flow's own process: parameters carry only what a
    person wrote (never a password); the environment and Secret blocks supply the rest."""
    return Settings.resolve(db_url, schemas, scorer=scorer, model_dir=model_dir,
                            score_batch=score_batch)


@flow(name="ingest-surveys", task_runner=task_runner(Settings.resolve().dask_address))
def ingest_surveys(source: str = "examples/exports", db_url: str | None = None,
                   scorer: str | None = None, inbox: bool = False, run_index: bool = False,
                   score_batch: int | None = None, model_dir: str | None = None,
                   schemas: str | None = None) -> list[dict]:
    """Ingest every export under `source` into the warehouse, one transaction per file.

    `db_url` defaults to $SENTIMENT_DB_URL or the Secret block `sentiment-db-url`; pass
    credentials there, not here (flow parameters are stored by Prefect). `inbox`: `source`
    is an inbox folder (files are archived or rejected once dealt with). `run_index`:
    recompute the tension index afterwards when anything new was loaded.
    """
    settings = flow_settings(db_url, scorer, score_batch, model_dir, schemas)
    summaries = steps.ingest(source, settings, PrefectRun(), inbox=inbox)
    if run_index and any(int(row["loaded"]) for row in summaries):
        from sentiment.flows.tension import tension_index

        tension_index(db_url=db_url, schemas=schemas)
    return summaries
