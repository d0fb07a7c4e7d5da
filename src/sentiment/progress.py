"""Progress for long work: a rich progress bar in the CLI, silent everywhere else.

Flows report progress through `advance()`; only a CLI command that opened `cli_progress`
shows it, so flows stay free of terminal concerns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

# A module-level slot rather than a context variable: Prefect may run tasks in worker
# threads, which do not inherit the CLI thread's context.
_state: dict[str, Progress | None] = {"progress": None}
_tasks: dict[str, int] = {}


@contextmanager
def cli_progress(quiet: bool = False, console: Console | None = None) -> Iterator[None]:
    if quiet:
        yield
        return
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    )
    _state["progress"] = progress
    try:
        with progress:
            yield
    finally:
        _state["progress"] = None
        _tasks.clear()


def start(name: str, total: int) -> None:
    progress = _state["progress"]
    if progress is not None:
        _tasks[name] = progress.add_task(name, total=total)


def advance(name: str, step: int = 1) -> None:
    progress = _state["progress"]
    if progress is not None and name in _tasks:
        progress.advance(_tasks[name], step)
