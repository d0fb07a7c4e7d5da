"""`sentiment quarantine list|retry`: what was rejected and why, and another try for the
rejected rows once the programme folder is fixed (a missing wave window or choice)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sentiment.cli.nlp import ModelOption, ScorerOption
from sentiment.cli.options import DbOption, QuietOption, SchemasOption, console, guarded
from sentiment.errors import SentimentError

quarantine_app = typer.Typer(
    help="Rejected rows: list them with their reasons, or retry them against the current "
    "programme folder.", no_args_is_help=True)

BatchOption = Annotated[int | None, typer.Option(
    "--batch", help="Only the rows of this ingest batch (the `batch` column of `list`).")]
RuleOption = Annotated[str | None, typer.Option(
    "--rule", help="Only rows that failed this rule (wave, in_set, required, between, ...).")]


def _text(value: object) -> str:
    return "" if value is None else escape(str(value))


@quarantine_app.command("list")
def list_(
    batch: BatchOption = None,
    rule: RuleOption = None,
    form: Annotated[str | None, typer.Option("--form", help="Only rows of this form id.")] = None,
    rows: Annotated[bool, typer.Option(
        "--rows", help="One line per failure (file, row, field, rule, masked value, reason) "
        "instead of counts.")] = False,
    db: DbOption = None,
    schemas: SchemasOption = None,
) -> None:
    """Quarantined rows counted per batch (file), rule and field, with the reason. Values of
    personal fields are masked; the stored records are never printed."""
    from sentiment.settings import mask_url, resolve_db_url
    from sentiment.warehouse import db as warehouse
    from sentiment.warehouse import quarantine

    with guarded():
        url = resolve_db_url(db)
        engine = warehouse.get_engine(url)
        if warehouse.current_revision(engine) is None:
            raise SentimentError(f"{mask_url(url)}: no warehouse there yet (check --db, or run "
                                 "`sentiment ingest` first)")
        if rows:
            frame = quarantine.rows(engine, batch=batch, rule=rule, form=form)
            table = Table(title=f"Quarantine: {len(frame)} failure(s) in {mask_url(url)}")
            for column in ("batch", "file", "row", "field", "rule", "value", "reason"):
                table.add_column(column, justify="right" if column in ("batch", "row") else "left")
            for r in frame.itertuples(index=False):
                table.add_row(_text(r.batch_id), _text(r.source_file), _text(r.source_row),
                              _text(r.field), _text(r.rule), _text(r.value_masked), _text(r.reason))
        else:
            frame = quarantine.counts(engine, batch=batch, rule=rule, form=form)
            total = int(frame["rows"].sum()) if len(frame) else 0
            table = Table(title=f"Quarantine: {total} failure(s) in {mask_url(url)}")
            for column in ("batch", "file", "form", "rule", "field", "failures", "reason (first)"):
                table.add_column(column, justify="right" if column in ("batch", "failures") else "left")
            for r in frame.itertuples(index=False):
                table.add_row(_text(r.batch_id), _text(r.source_file), _text(r.form_id),
                              _text(r.rule), _text(r.field), str(r.rows), _text(r.reason))
    if frame.empty:
        console.print("Quarantine: empty" + (" for this filter" if batch or rule or form else ""))
        return
    console.print(table)


@quarantine_app.command()
def retry(
    batch: BatchOption = None,
    rule: RuleOption = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Validate only: say what would load; change nothing.")] = False,
    db: DbOption = None,
    schemas: SchemasOption = None,
    scorer: ScorerOption = None,
    model: ModelOption = None,
    quiet: QuietOption = False,
) -> None:
    """Validate quarantined rows again with the current programme folder (`--schemas`) and
    load those that pass, exactly once: through the same steps as a file, one transaction per
    file they came from, under a new ingest batch "retry of <file>". Rows that still fail
    stay in the quarantine with their current reasons."""
    from sentiment.flows import steps
    from sentiment.settings import Settings

    if batch is not None and rule is not None:
        with guarded():
            raise SentimentError("give --batch or --rule, not both")
    with guarded():
        settings = Settings.resolve(db, schemas, scorer=scorer, model_dir=model)
        summaries, skipped = steps.retry_quarantine(settings, batch=batch, rule=rule,
                                                    dry_run=dry_run)
    if skipped:
        console.print(f"{skipped} quarantined row(s) left as they are: conflicts found at load "
                      "time, or failures on a personal field (its value is not kept, so a fix "
                      "cannot be checked).", soft_wrap=True)
    if not summaries:
        console.print("Nothing to retry" + (" for this filter" if batch or rule else "") + ".")
        return
    if quiet:
        return
    title = "Retry (dry run: nothing changed)" if dry_run else "Retry"
    table = Table(title=title)
    numbers = ("retried", "pass", "loaded", "duplicate", "still quarantined")
    for column in ("batch", "file", *numbers):
        table.add_column(column, justify="left" if column == "file" else "right")
    for r in summaries:
        table.add_row(str(r["batch_id"]), _text(r["source_file"]), str(r["read"]), str(r["valid"]),
                      "-" if dry_run else str(r["loaded"]), "-" if dry_run else str(r["duplicate"]),
                      str(r["quarantined"]))
    console.print(table)
    unchanged = sum(bool(r["unchanged"]) for r in summaries)
    if unchanged and not dry_run:
        console.print(f"{unchanged} file(s) unchanged: no row passes yet and every reason is "
                      "the same; nothing was written for them.", soft_wrap=True)
    if not dry_run and any(int(r["loaded"]) for r in summaries):
        console.print("Recompute the tension index: `sentiment tension`.")


def register(app: typer.Typer) -> None:
    """Mount `quarantine list|retry` on the main app."""
    app.add_typer(quarantine_app, name="quarantine")
