"""`sentiment query`, `sentiment export` and `sentiment codebook`: the sociologists' commands."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from sentiment.cli.options import (
    DbOption,
    QuietOption,
    SchemasOption,
    console,
    err_console,
    fail,
    guarded,
)
from sentiment.settings import mask_url, resolve_db_url


class QueryFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ExportFormat(enum.StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"
    sav = "sav"
    dta = "dta"


class Shape(enum.StrEnum):
    wide = "wide"
    long = "long"
    texts = "texts"


def frame_to_text(frame: pd.DataFrame, fmt: str) -> str:
    """CSV (formula cells neutralised) or JSON records of a query result."""
    if fmt == "csv":
        from sentiment.privacy.safe_export import neutralise_frame

        return neutralise_frame(frame).to_csv(index=False)
    return frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=2) + "\n"


def result_table(frame: pd.DataFrame, max_rows: int) -> Table:
    table = Table(show_lines=False, caption=_caption(len(frame), max_rows))
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left", overflow="fold")
    for row in frame.head(max_rows).itertuples(index=False):
        table.add_row(*("" if pd.isna(v) else str(v) for v in row))
    return table


def _caption(n: int, max_rows: int) -> str:
    if n > max_rows:
        return f"{max_rows} of {n} rows shown; use --format csv --out FILE for all"
    return f"{n} row{'s' if n != 1 else ''}"


def query_command(
    sql: Annotated[str, typer.Argument(help="One SELECT or WITH statement.")],
    db: DbOption = None,
    schemas: SchemasOption = None,
    fmt: Annotated[QueryFormat, typer.Option(
        "--format", "-f", help="Output format (table with --out writes CSV).")] = QueryFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of the screen.")] = None,
    max_rows: Annotated[int, typer.Option(help="Rows shown in table format.")] = 50,
) -> None:
    """Run a read-only SQL query on the warehouse (analyst views: v_...)."""
    from sentiment.query import QueryRefused, query

    with guarded():
        try:
            frame = query(sql, db_url=db)
        except QueryRefused as exc:  # a refusal is a usage error: exit code 2
            raise fail(f"query refused: {exc}", 2) from None
    if fmt == QueryFormat.table and out is None:
        console.print(result_table(frame, max_rows))
        return
    text = frame_to_text(frame, "csv" if fmt == QueryFormat.table else fmt.value)
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from None
    err_console.print(f"{len(frame)} rows written to {out}", highlight=False)


def export_command(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="File format.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file; codebook.json/.md go beside it.")],
    wave: Annotated[str | None, typer.Option(help="Only this wave, e.g. 2025-08.")] = None,
    form: Annotated[str | None, typer.Option(help="Only this form id (see the programme's forms/).")] = None,
    shape: Annotated[Shape, typer.Option(help="wide: one row per response; long: one per answer; texts: "
                                       "redacted free text with sentiment and topics.")] = Shape.wide,
    db: DbOption = None,
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Export tidy survey data with variable and value labels (CSV, Parquet, XLSX, SPSS, Stata)."""
    from sentiment.export.tidy import export_dataset

    with guarded():
        summary = export_dataset(out, fmt.value, resolve_db_url(db), wave=wave, form_id=form,
                                 shape=shape.value)
    if quiet:
        return
    table = Table(title="Export", show_header=False)
    table.add_column("", style="bold")
    table.add_column("")
    for label, value in (
        ("warehouse", mask_url(resolve_db_url(db))),
        ("file", str(summary["path"])),
        ("format / shape", f"{summary['format']} / {summary['shape']}"),
        ("rows × columns", f"{summary['rows']} × {summary['columns']}"),
        ("codebook", "  ".join(str(p) for p in summary["codebook"])),
    ):
        table.add_row(label, value)
    console.print(table)


def codebook_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for codebook.json and codebook.md.")] = Path("docs"),
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Write the codebook (every variable, label, code and export name) from the programme folder."""
    from sentiment.export.codebook import build_codebook, write_codebook

    try:
        with guarded():
            codebook = build_codebook()
            paths = write_codebook(out, codebook)
    except OSError as exc:
        raise fail(f"cannot write the codebook in {out}: {exc.strerror or exc}") from None
    if not quiet:
        counts = (f"{len(codebook['questions'])} questions, "
                  f"{len(codebook['export']['variables'])} export variables")
        console.print(f"Codebook ({counts}): {paths[0]}  {paths[1]}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `query`, `export` and `codebook` to the `sentiment` command."""
    app.command("query")(query_command)
    app.command("export")(export_command)
    app.command("codebook")(codebook_command)

