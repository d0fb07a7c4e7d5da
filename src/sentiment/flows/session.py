"""Running flows cleanly from the command line: one local Prefect server per command.

A plain script run of a Prefect 3 flow starts a temporary API server per process and stops
it while the log and event workers may still be sending, which prints ERROR tracebacks at
exit. Here one server serves every flow of a command, the workers are drained before it
stops, and a configured `PREFECT_API_URL` (a real server) is used as it is.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sentiment.settings import quiet_telemetry

quiet_telemetry()


def _drain_workers() -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        try:
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        except RuntimeError:
            pass  # the log worker never started
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


def _settle(api_url: str, quiet_for: float = 0.8, timeout: float = 15.0) -> None:
    """Wait until the server has recorded the task-run events we sent.

    The temporary server records task runs from events asynchronously; stopping it with
    events in flight makes its recorder log ERROR tracebacks. We poll the count of task runs
    in a terminal state until it stops changing.
    """
    import time

    import httpx

    body = {"task_runs": {"state": {"type": {"any_": ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]}}}}
    last, stable_since = -1, time.monotonic()
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=api_url, timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                count = client.post("/task_runs/count", json=body).json()
            except (httpx.HTTPError, ValueError):
                return
            now = time.monotonic()
            if count != last:
                last, stable_since = count, now
            elif now - stable_since >= quiet_for:
                return
            time.sleep(0.1)


@contextmanager
def prefect_session(startup_timeout: int = 120) -> Iterator[str]:
    """Yield the API URL flows in this block report to, starting a local server if none is set."""
    import prefect.settings as ps
    from prefect.settings import temporary_settings

    quiet = {ps.PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None} if hasattr(
        ps, "PREFECT_FLOWS_HEARTBEAT_FREQUENCY"
    ) else {}
    configured = os.environ.get("PREFECT_API_URL") or ps.PREFECT_API_URL.value()
    if configured:
        with temporary_settings(updates=quiet):
            try:
                yield configured
            finally:
                _drain_workers()
        return

    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=startup_timeout)
    try:
        with temporary_settings(updates={ps.PREFECT_API_URL: server.api_url, **quiet}):
            try:
                yield server.api_url
            finally:
                _drain_workers()
                _settle(server.api_url)
    finally:
        server.stop()
