"""The `sentiment` command: one sub-command per user task."""

from __future__ import annotations

import typer

from sentiment.config import quiet_telemetry

quiet_telemetry()

app = typer.Typer(
    help="Kali Pasir Pulse: survey ingest, Indonesian text scoring, tension index and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

if __name__ == "__main__":
    app()
