"""Where tasks run: Prefect's thread pool on one machine, or a Dask cluster when configured.

Scoring is the stage that spreads: texts are cut into ordered chunks, each chunk is one task
(`score-chunk`), and the results are put back together in the original order.
"""

from __future__ import annotations

import os

import pandas as pd
from prefect import task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

DASK_ADDRESS_ENV = "SENTIMENT_DASK_ADDRESS"
SCORE_BATCH_ENV = "SENTIMENT_SCORE_BATCH"
# One chunk ≈ 5-10 s of lexicon scoring per worker core: large enough that task overhead
# (≈50 ms) disappears, small enough that 100k texts keep several Dask workers busy.
DEFAULT_SCORE_BATCH = 20_000


def dask_address(explicit: str | None = None) -> str | None:
    """The Dask scheduler address (`tcp://host:8786`): the argument, else `$SENTIMENT_DASK_ADDRESS`."""
    return explicit or os.environ.get(DASK_ADDRESS_ENV) or None


def score_batch_size(explicit: int | None = None) -> int:
    """Texts per scoring task: the argument, else `$SENTIMENT_SCORE_BATCH`, else 20,000."""
    size = explicit or int(os.environ.get(SCORE_BATCH_ENV) or DEFAULT_SCORE_BATCH)
    if size < 1:
        raise ValueError(f"score batch size must be positive, got {size}")
    return size


def task_runner(address: str | None = None) -> TaskRunner:
    """`DaskTaskRunner` on the configured cluster, else the default thread pool."""
    address = dask_address(address)
    if address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner()


def chunk_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """[start, stop) ranges covering 0..n in order, each at most `size` long."""
    return [(start, min(start + size, n)) for start in range(0, n, size)]


@task(name="score-chunk", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def score_chunk(texts: pd.Series, scorer: str) -> pd.DataFrame:
    """Scores of one chunk; the index is the chunk's own, so chunks concatenate back in order.

    Lives in the package (not in flows/) so that Dask workers can import it.
    """
    from sentiment.nlp import score_texts

    return score_texts(texts, scorer=scorer)


def score_in_chunks(texts: pd.DataFrame, scorer: str, batch_size: int | None = None) -> pd.DataFrame:
    """`texts` joined with their scores, scored as one task per chunk on the flow's runner."""
    column = texts["text_redacted"]
    bounds = chunk_bounds(len(column), score_batch_size(batch_size))
    if not bounds:
        from sentiment.nlp import score_texts

        return texts.join(score_texts(column, scorer=scorer))
    chunks = [column.iloc[a:b] for a, b in bounds]
    if len(chunks) == 1 or not _distributed():
        # in the flow's own thread, one chunk after another: the lexicon scorer then forks
        # one process per CPU itself, which it does only when no other thread runs
        return texts.join(pd.concat([score_chunk(chunk, scorer) for chunk in chunks]))
    futures = score_chunk.map(chunks, unmapped(scorer))
    return texts.join(pd.concat(futures.result()))


def _distributed() -> bool:
    """True when the running flow's task runner sends tasks to other processes (Dask)."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    return context is not None and not isinstance(context.task_runner, ThreadPoolTaskRunner)
