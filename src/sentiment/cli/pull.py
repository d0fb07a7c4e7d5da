"""`sentiment pull kobo|odk`: submissions from a survey server into the warehouse, after the
cursor of the last pull, through the one stage sequence."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from sentiment.cli.options import (
    DbOption,
    QuietOption,
    SchemasOption,
    console,
    err_console,
    guarded,
)

ServerOption = Annotated[str, typer.Option("--server", help="Server address, e.g. https://kf.kobotoolbox.org.")]
FullOption = Annotated[bool, typer.Option(
    "--full", help="Ask for every submission, not only those after the cursor (catches edits of "
    "old submissions; what is already loaded is recognised and skipped).")]
PageOption = Annotated[int, typer.Option("--page-size", min=1, max=1000, help="Submissions per page (at most 1,000).")]


def _report(result, quiet: bool) -> None:
    from sentiment.cli import print_ingest_summary, print_warnings

    if result.imported_form is not None:
        err_console.print(f"[yellow]note:[/] the programme had no form for this source: imported "
                          f"{escape(str(result.imported_form))} (review the guessed roles)",
                          highlight=False, soft_wrap=True)
    if result.rows:
        print_ingest_summary(result.rows, quiet)
        print_warnings(result.rows)
    if not quiet:
        console.print(f"{escape(result.source)}: {result.fetched} submission(s) in {result.pages} "
                      f"page(s), {result.loaded} loaded; cursor {escape(result.cursor_before or 'start')}"
                      f" → {escape(result.cursor_after or 'start')}", highlight=False)
    if not quiet and (result.deleted_seen or result.deleted):
        from sentiment.sources.pull import deleted_line

        console.print(f"{escape(result.source)}: {escape(deleted_line(result))}"
                      + ("; run `sentiment tension` to recompute the index"
                         if result.withdrawn_responses else ""), highlight=False)
    for warning in result.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False,
                          soft_wrap=True)


def kobo(
    server: ServerOption,
    asset: Annotated[str, typer.Option("--asset", help="The asset (form) uid, as in /api/v2/assets/<uid>/.")],
    schemas: SchemasOption = None,
    db: DbOption = None,
    full: FullOption = False,
    page_size: PageOption = 1000,
    quiet: QuietOption = False,
) -> None:
    """Pull new submissions of a KoboToolbox asset (token: $SENTIMENT_KOBO_TOKEN or the
    Prefect Secret block `sentiment-kobo-token`)."""
    from sentiment.settings import Settings
    from sentiment.sources.kobo import KoboClient, KoboSource
    from sentiment.sources.pull import pull

    with guarded():
        settings = Settings.resolve(db, schemas)
        client = KoboClient(server, settings.kobo_token, page_size=page_size)
        try:
            result = pull(KoboSource(client, asset), settings, full=full)
        finally:
            client.close()
    _report(result, quiet)


def odk(
    server: ServerOption,
    project: Annotated[int, typer.Option("--project", help="ODK Central project id (a number).")],
    form: Annotated[str, typer.Option("--form", help="The form id (xmlFormId).")],
    schemas: SchemasOption = None,
    db: DbOption = None,
    full: FullOption = False,
    page_size: PageOption = 1000,
    quiet: QuietOption = False,
) -> None:
    """Pull new submissions of an ODK Central form (credentials: $SENTIMENT_ODK_USERNAME and
    $SENTIMENT_ODK_PASSWORD, or the Prefect Secret blocks)."""
    from sentiment.settings import Settings
    from sentiment.sources.odk import OdkSource
    from sentiment.sources.pull import pull

    with guarded():
        settings = Settings.resolve(db, schemas)
        source = OdkSource.connect(server, project, form, settings.odk_credentials,
                                   page_size=page_size)
        try:
            result = pull(source, settings, full=full)
        finally:
            source.close()
    _report(result, quiet)


def register(app: typer.Typer) -> None:
    """Mount `sentiment pull kobo|odk` on the `sentiment` app."""
    pull_app = typer.Typer(help="Pull submissions from KoboToolbox or ODK Central.", no_args_is_help=True)
    pull_app.command("kobo")(kobo)
    pull_app.command("odk")(odk)
    app.add_typer(pull_app, name="pull")
