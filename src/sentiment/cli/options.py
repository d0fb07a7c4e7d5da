"""What every command shares: the options `--db`, `--schemas`, `--quiet`, one console for
output, one for errors, and one error style (a single line, exit code 1, no traceback)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sentiment.errors import SentimentError
from sentiment.settings import SCHEMAS_DIR_ENV, use_schemas

# Piped output (make, CI logs, `| less`) gets a fixed width so tables are not cut at 80.
PIPED_WIDTH = 110
console = Console(width=None if sys.stdout.isatty() else PIPED_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else PIPED_WIDTH)


def _schemas_callback(value: Path | None) -> Path | None:
    use_schemas(value)
    return value


DbOption = Annotated[str | None, typer.Option(
    "--db", help="Warehouse URL (default: $SENTIMENT_DB_URL, the Prefect Secret block "
    "`sentiment-db-url`, or sqlite:///warehouse.db).")]
SchemasOption = Annotated[Path | None, typer.Option(
    "--schemas", envvar=SCHEMAS_DIR_ENV, callback=_schemas_callback, is_eager=True,
    help="Programme folder (forms, areas, waves, topics); default: the bundled one.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or tables; for scripts.")]


def fail(message: object, code: int = 1) -> typer.Exit:
    """Print one error line and return the Exit to raise (`raise fail(...) from None`).

    The message is plain text: brackets in it (SQL, paths) are printed as written."""
    err_console.print(f"[bold red]error:[/] {_escape(message)}", highlight=False, markup=True,
                      soft_wrap=True)
    return typer.Exit(code)


def database_reason(exc: BaseException) -> str:
    """The driver's first line (the rest may echo SQL and parameters)."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


@contextmanager
def guarded() -> Iterator[None]:
    """User errors and database errors become one line and exit code 1."""
    import sqlalchemy.exc

    try:
        yield
    except SentimentError as exc:
        raise fail(exc) from None
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise fail(f"database: {database_reason(exc)}") from None


def _escape(value: object) -> str:
    from rich.markup import escape

    return escape(str(value))
