"""`sentiment report`: write the wave report (HTML + PDF) for community leaders."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sentiment.cli.options import DbOption, QuietOption, SchemasOption, console, guarded
from sentiment.settings import mask_url, resolve_db_url


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


WaveOption = Annotated[str, typer.Option("--wave", "-w", help="Wave id (e.g. 2025-08) or 'latest'.")]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for the HTML and PDF files.")]


def report(wave: WaveOption = "latest", out: OutOption = Path("reports"), db: DbOption = None,
           schemas: SchemasOption = None, quiet: QuietOption = False) -> None:
    """Write the wave report for community leaders (Bahasa Indonesia) as HTML and PDF."""
    from sentiment.report.render import write_report

    with guarded():
        url = resolve_db_url(db)
        if quiet:
            write_report(url, wave=wave, out_dir=out)
            return
        with console.status(f"Building the report from {mask_url(url)} …"):
            paths = write_report(url, wave=wave, out_dir=out)
    console.print(summary_table(paths["headline_markdown"]))
    console.print(f"Report: {paths['html']}  {paths['pdf']}"
                  + (f"  dashboard: {paths['dashboard']}" if paths.get("dashboard") else ""))


def register(app: typer.Typer) -> None:
    """Add the `report` command to the `sentiment` app."""
    app.command("report")(report)
