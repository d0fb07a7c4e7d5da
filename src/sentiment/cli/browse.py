"""`sentiment browse`: the published, suppressed figures in a read-only Datasette browser."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from sentiment.cli.options import DbOption, QuietOption, SchemasOption, console, guarded


def browse(
    db: DbOption = None,
    schemas: SchemasOption = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8001,
    quiet: QuietOption = False,
) -> None:
    """Browse the published figures (tension, change, topics, alerts, reliability) without SQL:
    filters, facets, canned queries, CSV/JSON downloads; read-only, suppressed cells only."""
    from datasette.cli import cli

    from sentiment.export.browse import prepare, serve_arguments
    from sentiment.query import read_only_connection

    with guarded():
        folder = Path(tempfile.mkdtemp(prefix="sentiment-browse-"))
        with read_only_connection(db) as conn:
            db_path, meta_path = prepare(conn, folder)
    if not quiet:
        console.print(f"Published figures at http://{host}:{port}/ (read-only; Ctrl+C stops)",
                      highlight=False)
    cli.main(args=serve_arguments(db_path, meta_path, host, port), prog_name="datasette")


def register(app: typer.Typer) -> None:
    """Add `browse` to the `sentiment` command."""
    app.command("browse")(browse)
