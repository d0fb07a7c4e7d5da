"""`sentiment redact`: redact personal data from one text column of a CSV file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from sentiment.cli.options import QuietOption, SchemasOption, err_console, guarded
from sentiment.errors import InputError
from sentiment.privacy.redact import TAGS, redact_series
from sentiment.privacy.safe_export import neutralise_frame

REDACTED_COLUMN = "redacted"
_CHUNK = 5_000


def read_text_csv(path: Path) -> tuple[pd.DataFrame, str]:
    """All cells as text (empty cells stay ""), and the delimiter used.

    Encoding: UTF-8 (with or without BOM), else Windows-1252, else Latin-1 (never fails).
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path.name, f"cannot read file: {exc.strerror or exc}") from exc
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        delimiter = csv.Sniffer().sniff(text[:64_000], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(path.name, f"not a readable CSV file: {exc}") from exc
    return frame, delimiter


def redact_csv(
    input_path: Path, text_column: str, output_path: Path, quiet: bool = True
) -> dict[str, int]:
    """Write `input_path` plus a `redacted` column to `output_path` (UTF-8, same delimiter).

    Returns counts: rows, changed texts, and one entry per tag.
    """
    frame, delimiter = read_text_csv(input_path)
    if text_column not in frame.columns:
        raise InputError(
            input_path.name,
            f"no column {text_column!r}; columns are: {', '.join(map(str, frame.columns))}",
        )
    texts = frame[text_column].astype(object)
    parts: list[pd.Series] = []
    with Progress(disable=quiet, transient=True) as progress:
        task = progress.add_task("Redacting", total=len(texts))
        for start in range(0, len(texts), _CHUNK):
            chunk = texts.iloc[start : start + _CHUNK]
            parts.append(redact_series(chunk))
            progress.advance(task, len(chunk))
    redacted = pd.concat(parts) if parts else pd.Series([], dtype=object)
    out = frame.copy()
    out[REDACTED_COLUMN] = redacted.to_numpy() if len(redacted) else []
    neutralise_frame(out).to_csv(output_path, sep=delimiter, index=False, encoding="utf-8")
    counts = {"rows": len(out), "changed": int((redacted != texts).sum()) if len(out) else 0}
    joined = "\n".join(redacted.dropna().astype(str))
    counts.update({tag: joined.count(f"[{tag}]") for tag in TAGS})
    return counts


def redact(
    input: Annotated[Path, typer.Option("--input", "-i", help="CSV file to read.")],
    text_column: Annotated[str, typer.Option("--text-column", "-c", help="Column with free text.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV file to write (UTF-8).")],
    schemas: SchemasOption = None,
    quiet: QuietOption = False,
) -> None:
    """Redact names, phone numbers, NIK, e-mail, accounts, addresses and plates in a CSV column."""
    with guarded():
        counts = redact_csv(input, text_column, output, quiet=quiet)
    if quiet:
        return
    table = Table(title=f"Redacted {output.name}")
    table.add_column("item")
    table.add_column("count", justify="right")
    table.add_row("rows", str(counts["rows"]))
    table.add_row("texts changed", str(counts["changed"]))
    for tag in TAGS:
        table.add_row(escape(f"[{tag}]"), str(counts[tag]))
    err_console.print(table)  # the summary goes beside the data, not into a pipe


def register(app: typer.Typer) -> None:
    """Add the `redact` command to the `sentiment` app."""
    app.command("redact")(redact)
