"""`sentiment init`, `sentiment forms import` and `sentiment forms draft`: set up a programme."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from sentiment.cli.options import SchemasOption, console, err_console, fail  # noqa: F401
from sentiment.config import display_path, schemas_dir
from sentiment.errors import SentimentError


def _fail(message: str) -> typer.Exit:
    return fail(escape(message))


def _programme(schemas: Path | None) -> Path:
    return Path(schemas) if schemas is not None else schemas_dir()


def register(app: typer.Typer) -> None:
    """Add `init` and the `forms` sub-app to the `sentiment` app."""
    forms = typer.Typer(help="Form definitions from XLSForms, Kobo assets and exports.",
                        no_args_is_help=True)
    app.add_typer(forms, name="forms")

    @app.command("init")
    def init_command(
        folder: Annotated[Path, typer.Argument(help="New programme folder to create.")],
        title: Annotated[str | None, typer.Option(help="Programme title (default: from the folder name).")] = None,
    ) -> None:
        """Scaffold a programme folder: programme.yaml, forms/, areas, waves, topics, index, alerts."""
        from sentiment.scaffold import init_programme

        try:
            written = init_programme(folder, title=title)
        except SentimentError as exc:
            raise _fail(str(exc)) from None
        for path in written:
            console.print(f"wrote {escape(display_path(path))}")
        console.print(f"Next: sentiment forms import YOUR_XLSFORM.xlsx --schemas {escape(str(folder))}")

    @forms.command("import")
    def import_command(
        source: Annotated[Path, typer.Argument(help="XLSForm (.xlsx, .xls, .csv) or Kobo asset JSON "
                                                    "(GET /api/v2/assets/<uid>/).")],
        schemas: SchemasOption = None,
    ) -> None:
        """Write forms/<form_id>.<version>.yaml from an XLSForm or a Kobo asset (never overwrites)."""
        from sentiment.forms.xlsform import import_form

        try:
            path, imported = import_form(source, _programme(schemas))
        except SentimentError as exc:
            raise _fail(str(exc)) from None
        for warning in imported.warnings:
            err_console.print(f"[yellow]warning:[/] {escape(warning)}")
        console.print(f"wrote {escape(display_path(path))}: form {imported.form_id!r} version "
                      f"{imported.version!r}, {len(imported.document['fields'])} questions")
        guessed = {k: v for k, v in imported.role_guesses.items() if v}
        console.print("roles guessed (review them in the file): "
                      + (", ".join(f"{k}={v}" for k, v in guessed.items()) or "none"))

    @forms.command("draft")
    def draft_command(
        export: Annotated[Path, typer.Argument(help="An export file (CSV, XLSX or JSON).")],
        schemas: SchemasOption = None,
    ) -> None:
        """Write forms/<stem>.draft.yaml inferred from an export's columns and values, to review."""
        from sentiment.forms.draft import write_draft

        try:
            path = write_draft(export, _programme(schemas))
        except SentimentError as exc:
            raise _fail(str(exc)) from None
        console.print(f"wrote {escape(display_path(path))}: a DRAFT; review it, then rename it to "
                      "<form_id>.<version>.yaml")
