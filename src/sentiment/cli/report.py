"""`sentiment report`: write the wave report (HTML + PDF) for community leaders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sentiment.config import db_url as resolve_db_url
from sentiment.config import mask_url
from sentiment.errors import SentimentError


def summary_table(markdown: str) -> Table:
    """The headline rows of `headline_markdown` as a rich table (one source for both)."""
    rows = [line.strip("|").split("|") for line in markdown.splitlines() if line.startswith("|")]
    header, body = rows[0], rows[2:]
    table = Table(title=markdown.splitlines()[0].lstrip("# "))
    for i, name in enumerate(header):
        table.add_column(name.strip(), justify="right" if i in (1, 3, 4) else "left")
    for row in body:
        table.add_row(*(cell.strip() for cell in row))
    return table


def register(app: typer.Typer) -> None:
    """Add the `report` command to the `sentiment` app."""

    @app.command("report")
    def report_command(
        wave: Annotated[
            str, typer.Option("--wave", "-w", help="Wave id (e.g. 2025-08) or 'latest'.")
        ] = "latest",
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Folder for the HTML and PDF files.")
        ] = Path("reports"),
        db: Annotated[
            str | None,
            typer.Option(
                "--db", help="Warehouse URL (default: $SENTIMENT_DB_URL or sqlite:///warehouse.db)."
            ),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="No progress or tables; for scripts.")
        ] = False,
    ) -> None:
        """Write the wave report for community leaders (Bahasa Indonesia) as HTML and PDF."""
        from sentiment.report.render import write_report

        console = Console()
        err = Console(stderr=True)
        url = resolve_db_url(db)
        try:
            if quiet:
                paths = write_report(url, wave=wave, out_dir=out)
            else:
                with console.status(f"Building the report from {mask_url(url)} …"):
                    paths = write_report(url, wave=wave, out_dir=out)
        except SentimentError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None
        if quiet:
            return
        console.print(summary_table(paths["headline_markdown"]))
        console.print(f"Report: {paths['html']}  {paths['pdf']}")
