"""The `sentiment` command: one sub-command per user task."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sentiment.config import db_url as resolve_db_url
from sentiment.config import flows_dir, mask_url, quiet_telemetry
from sentiment.errors import SentimentError

quiet_telemetry()

app = typer.Typer(
    help="Kali Pasir Pulse: survey ingest, Indonesian text scoring, tension index and reports.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Piped output (make, CI logs) gets a fixed width so the summary tables are not cut.
console = Console(stderr=False, width=None if sys.stdout.isatty() else 110)
err_console = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Warehouse URL (default: $SENTIMENT_DB_URL or sqlite:///warehouse.db)."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or tables; for scripts.")]


def load_flow_module(name: str) -> ModuleType:
    """Import `flows/<name>.py` (flows live outside the package, as Prefect entrypoints)."""
    path = flows_dir() / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"kali_pasir_flows.{name}", path)
    if spec is None or spec.loader is None:
        raise SentimentError(f"cannot load flow file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def print_ingest_summary(rows: list[dict], quiet: bool) -> None:
    if quiet:
        return
    table = Table(title="Ingest summary", expand=False)
    table.add_column("file", no_wrap=True)
    table.add_column("form", no_wrap=True)
    numbers = ("read", "valid", "quarantined", "duplicate", "loaded")
    for col in numbers:
        table.add_column(col, justify="right")
    for row in rows:
        if row.get("skipped"):
            table.add_row(str(row["source_file"]), "[dim]already loaded", *[""] * 4, "0")
        elif str(row.get("status", "")).startswith("failed"):
            table.add_row(str(row["source_file"]), "[red]failed", *[""] * 4, "0")
        else:
            table.add_row(str(row["source_file"]), str(row["form"]), *[str(row[c]) for c in numbers])
    totals = [sum(int(r[c] or 0) for r in rows) for c in numbers]
    table.add_row("[bold]total", "", *[f"[bold]{t}" for t in totals])
    console.print(table)


def report_failed_files(rows: list[dict]) -> None:
    """One line per file that could not be used (shown even with --quiet); exit code 1 if any."""
    failed = [r for r in rows if str(r.get("status", "")).startswith("failed")]
    for row in failed:
        message = escape(str(row["status"]).removeprefix("failed: "))
        err_console.print(f"[bold red]not loaded:[/] {message}", highlight=False)
    if failed:
        raise fail(f"{len(failed)} of {len(rows)} file(s) not loaded; fix them and run again "
                   "(files already loaded are skipped)")


def print_warehouse_summary(url: str, quiet: bool) -> None:
    """What the warehouse holds now: responses per wave and group, and quarantined rows."""
    if quiet:
        return
    import sqlalchemy as sa

    from sentiment.warehouse import db

    with db.get_engine(url).connect() as conn:
        cells = conn.execute(sa.text(
            "SELECT wave_id, respondent_group, COUNT(*) FROM fact_response WHERE is_current "
            "GROUP BY wave_id, respondent_group ORDER BY wave_id, respondent_group")).all()
        rules = conn.execute(sa.text(
            "SELECT rule, COUNT(*) FROM quarantine GROUP BY rule ORDER BY COUNT(*) DESC")).all()
    table = Table(title="Warehouse: current responses")
    groups = sorted({g for _, g, _ in cells})
    table.add_column("wave")
    for g in groups:
        table.add_column(g, justify="right")
    for wave in sorted({w for w, _, _ in cells}):
        counts = {g: n for w, g, n in cells if w == wave}
        table.add_row(wave, *[str(counts.get(g, 0)) for g in groups])
    console.print(table)
    console.print("Quarantine: " + (", ".join(f"{rule} {n}" for rule, n in rules) or "empty"))


@app.command()
def ingest(
    source: Annotated[Path, typer.Argument(help="Folder of export files, or one file.")] = Path(
        "examples/exports"
    ),
    db: DbOption = None,
    scorer: Annotated[str, typer.Option(help="Text scorer: lexicon or model.")] = "lexicon",
    quiet: QuietOption = False,
) -> None:
    """Ingest survey exports (KoboToolbox, ODK, Google Forms: CSV, XLSX, JSON) into the warehouse."""
    rows = run_pipeline(source, db, scorer=scorer, quiet=quiet, index=False, reports=None)
    print_ingest_summary(rows, quiet)
    print_warehouse_summary(resolve_db_url(db), quiet)
    report_failed_files(rows)


@app.command()
def run(
    source: Annotated[Path, typer.Argument(help="Folder of export files.")] = Path("examples/exports"),
    db: DbOption = None,
    scorer: Annotated[str, typer.Option(help="Text scorer: lexicon or model.")] = "lexicon",
    reports: Annotated[Path | None, typer.Option(help="Write the latest wave's report here.")] = Path(
        "reports"
    ),
    quiet: QuietOption = False,
) -> None:
    """Ingest, recompute the tension index, and write the latest wave's report."""
    rows = run_pipeline(source, db, scorer=scorer, quiet=quiet, index=True, reports=reports)
    print_ingest_summary(rows, quiet)
    print_warehouse_summary(resolve_db_url(db), quiet)
    report_failed_files(rows)


def run_pipeline(source: Path, db: str | None, *, scorer: str, quiet: bool, index: bool,
                 reports: Path | None) -> list[dict]:
    from sqlalchemy.exc import OperationalError

    from sentiment import pipeline
    from sentiment.orchestration import prefect_session
    from sentiment.progress import cli_progress

    url = resolve_db_url(db)
    report_paths: dict | None = None
    if not source.exists():
        raise fail(f"{source}: no such file or folder")
    if not quiet:
        console.print(f"Warehouse: {mask_url(url)}")
    try:
        pipeline.preflight(url)
        with prefect_session(), cli_progress(quiet=quiet, console=console):
            ingest_flow = load_flow_module("ingest_surveys").ingest_surveys
            rows = ingest_flow(source=str(source), db_url=url, scorer=scorer)
            if index:
                load_flow_module("tension_index").tension_index(db_url=url)
            if reports is not None:
                paths = load_flow_module("wave_report").wave_report(
                    wave="latest", out=str(reports), db_url=url
                )
                report_paths = paths
    except SentimentError as exc:
        raise fail(str(exc)) from None
    except OperationalError as exc:  # warehouse unreachable (retries, if any, are spent)
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise fail(f"cannot use the warehouse {mask_url(url)}: {reason}") from None
    if report_paths and not quiet:
        console.print(f"Report written: {report_paths['html']}\n                {report_paths['pdf']}")
    return rows


def _register_commands() -> None:
    from sentiment.cli.analysis import register as register_analysis
    from sentiment.cli.erase import register as register_erase
    from sentiment.cli.export import register as register_export
    from sentiment.cli.forms import register as register_forms
    from sentiment.cli.nlp import register as register_nlp
    from sentiment.cli.coding import register as register_nlp_model
    from sentiment.cli.db import register as register_ops
    from sentiment.cli.privacy import register as register_privacy
    from sentiment.cli.report import register as register_report

    for register in (register_nlp, register_nlp_model, register_privacy, register_analysis,
                     register_export, register_report, register_ops,
                     register_erase, register_forms):
        register(app)


_register_commands()

if __name__ == "__main__":
    app()
