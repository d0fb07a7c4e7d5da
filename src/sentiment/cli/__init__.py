"""The `sentiment` command: one sub-command per user task."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sentiment.cli.options import (
    DbOption,
    QuietOption,
    SchemasOption,
    console,
    database_reason,
    err_console,
    fail,
)
from sentiment.errors import SentimentError
from sentiment.settings import Settings, prefect_api_configured, quiet_telemetry

quiet_telemetry()

app = typer.Typer(
    help="Survey ingest, Indonesian text scoring, tension index and reports for community programmes.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def _each_command() -> None:
    """Runs before every command: no programme folder is carried over from an earlier
    command in the same process (tests, notebooks); `--schemas` then sets this one's."""
    from sentiment.settings import use_schemas

    use_schemas(None)


ScorerOption = Annotated[str | None, typer.Option(
    help="Text scorer: model (default: the shipped model) or lexicon (the rules alone); --model DIR implies model.")]
ModelOption = Annotated[Path | None, typer.Option("--model", help="Trained model folder (implies --scorer model).")]
MaxFileOption = Annotated[int | None, typer.Option(
    "--max-file-mb", help="Largest export file accepted, in MB (default: programme.yaml "
    "max_file_mb, else 50).")]
PrefectOption = Annotated[bool, typer.Option(
    "--prefect", help="Run as Prefect flows (a temporary local server unless PREFECT_API_URL is set).")]


def print_ingest_summary(rows: list[dict], quiet: bool) -> None:
    if quiet:
        return
    table = Table(title="Ingest summary", expand=False)
    # Long file and form names wrap; the counts never shrink to "…".
    table.add_column("file", overflow="fold")
    table.add_column("form", overflow="fold")
    numbers = ("read", "valid", "quarantined", "duplicate", "loaded")
    for col in numbers:
        table.add_column(col, justify="right", no_wrap=True, min_width=len(col))
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


def print_warnings(rows: list[dict]) -> None:
    """The readers' warnings (undeclared columns kept, decoding, missing questions): shown
    even with --quiet, on stderr, one line each."""
    for row in rows:
        for warning in row.get("warnings") or []:
            err_console.print(f"[yellow]warning:[/] {escape(str(row['source_file']))}: "
                              f"{escape(str(warning))}", highlight=False, soft_wrap=True)


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
    title = "Warehouse: current responses"
    table = Table(title=title, min_width=len(title) + 4)
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
    schemas: SchemasOption = None,
    scorer: ScorerOption = None,
    model: ModelOption = None,
    max_file_mb: MaxFileOption = None,
    prefect: PrefectOption = False,
    quiet: QuietOption = False,
) -> None:
    """Ingest survey exports (KoboToolbox, ODK, Google Forms: CSV, XLSX, JSON) into the warehouse."""
    settings = _settings(db, schemas, scorer, model, max_file_mb)
    rows = run_pipeline(source, settings, quiet=quiet, index=False, reports=None, prefect=prefect)
    print_ingest_summary(rows, quiet)
    print_warnings(rows)
    print_warehouse_summary(settings.db_url, quiet)
    report_failed_files(rows)


@app.command()
def run(
    source: Annotated[Path, typer.Argument(help="Folder of export files.")] = Path("examples/exports"),
    db: DbOption = None,
    schemas: SchemasOption = None,
    scorer: ScorerOption = None,
    model: ModelOption = None,
    reports: Annotated[Path | None, typer.Option(help="Write the latest wave's report here.")] = Path(
        "reports"
    ),
    max_file_mb: MaxFileOption = None,
    prefect: PrefectOption = False,
    quiet: QuietOption = False,
) -> None:
    """Ingest, recompute the tension index, and write the latest wave's report."""
    settings = _settings(db, schemas, scorer, model, max_file_mb)
    rows = run_pipeline(source, settings, quiet=quiet, index=True, reports=reports, prefect=prefect)
    print_ingest_summary(rows, quiet)
    print_warnings(rows)
    print_warehouse_summary(settings.db_url, quiet)
    report_failed_files(rows)


def _settings(db: str | None, schemas: Path | None, scorer: str | None,
              model: Path | None, max_file_mb: int | None = None) -> Settings:
    try:
        return Settings.resolve(db, schemas, scorer=scorer, model_dir=model,
                                max_file_mb=max_file_mb)
    except SentimentError as exc:
        raise fail(escape(str(exc))) from None


def run_pipeline(source: Path, settings: Settings, *, quiet: bool, index: bool,
                 reports: Path | None, prefect: bool = False) -> list[dict]:
    """The one stage sequence, in this process (default) or as Prefect flows (`--prefect`,
    or whenever a Prefect API is configured, so that runs are recorded there)."""
    from sqlalchemy.exc import OperationalError

    from sentiment.progress import cli_progress

    if not source.exists():
        raise fail(f"{source}: no such file or folder")
    if not quiet:
        console.print(f"Warehouse: {settings.db_display}")
    try:
        from sentiment.flows import steps

        steps.prepare(settings)  # key and schema checked before anything starts
        with cli_progress(quiet=quiet, console=console):
            if prefect or prefect_api_configured():
                rows, report_paths = _run_as_flows(source, settings, index, reports)
            else:
                rows = steps.ingest(source, settings)
                if index:
                    steps.compute_index(settings)
                report_paths = steps.write_reports(settings, out=reports) if reports else None
    except SentimentError as exc:
        raise fail(escape(str(exc))) from None
    except OperationalError as exc:  # warehouse unreachable (retries, if any, are spent)
        raise fail(f"cannot use the warehouse {settings.db_display}: "
                   f"{escape(database_reason(exc))}") from None
    if report_paths and not quiet:
        console.print(f"Report written: {report_paths['html']}\n                {report_paths['pdf']}"
                      + (f"\n                {report_paths['dashboard']}"
                         if report_paths.get("dashboard") else ""))
    return rows


def _run_as_flows(source: Path, settings: Settings, index: bool,
                  reports: Path | None) -> tuple[list[dict], dict | None]:
    """The same sequence under Prefect. Flow parameters hold only what the user wrote, and
    never a password: a URL with one reaches the flow through the environment instead."""
    import os

    from sentiment.flows.session import prefect_session

    db = settings.flow_db_parameter
    if settings.db and db is None:
        os.environ["SENTIMENT_DB_URL"] = settings.db  # this process's flows resolve it
    schemas = str(settings.schemas) if settings.schemas else None
    model = str(settings.model_dir) if settings.model_dir else None
    with prefect_session():
        from sentiment.flows.ingest import ingest_surveys
        from sentiment.flows.report import wave_report
        from sentiment.flows.tension import tension_index

        rows = ingest_surveys(source=str(source), db_url=db, scorer=settings.scorer,
                              model_dir=model, schemas=schemas)
        if index:
            tension_index(db_url=db, schemas=schemas)
        paths = wave_report(wave="latest", out=str(reports), db_url=db, schemas=schemas) \
            if reports is not None else None
    return rows, paths


# One module per command group, each with `register(app)`, in the order --help lists them.
COMMAND_MODULES = ("nlp", "coding", "estimate", "privacy", "analysis", "export", "browse",
                   "report", "db", "erase", "forms", "pull", "quarantine")


def _register_commands() -> None:
    from importlib import import_module

    for name in COMMAND_MODULES:
        import_module(f"sentiment.cli.{name}").register(app)


_register_commands()

if __name__ == "__main__":
    app()
