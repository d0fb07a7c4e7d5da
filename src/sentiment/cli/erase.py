"""`sentiment erase`: remove one person from the warehouse (right to erasure, UU PDP art. 8)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from sentiment.cli.options import (
    DbOption,
    QuietOption,
    SchemasOption,
    console,
    err_console,
    guarded,
)
from sentiment.errors import SentimentError

_ID_HELP = "Pass - to read it from standard input (keeps it out of the shell history)."


def _value(value: str | None) -> str | None:
    if value == "-":
        line = sys.stdin.readline().strip()
        return line or None
    return value


def erase(
    respondent: Annotated[str | None, typer.Option(
        "--respondent", help="The respondent's pseudonym (respondent_key, 64 hex characters).")] = None,
    nik: Annotated[str | None, typer.Option(help=f"NIK the person gave. {_ID_HELP}")] = None,
    phone: Annotated[str | None, typer.Option(help=f"Phone number the person gave. {_ID_HELP}")] = None,
    name: Annotated[str | None, typer.Option(help=f"Name the person gave. {_ID_HELP}")] = None,
    submission: Annotated[str | None, typer.Option(
        help="Submission id, for a record that carried no NIK, phone or name.")] = None,
    form: Annotated[str | None, typer.Option(
        help="Form id the person answered; needed with --nik/--phone/--name/--submission.")] = None,
    db: DbOption = None,
    schemas: SchemasOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would go; change nothing.")] = False,
    quiet: QuietOption = False,
) -> None:
    """Erase one respondent from every table (answers, texts, scores, codes, quarantine) in
    one transaction. The identifiers are turned into the pseudonym with the key; they are
    never stored or printed."""
    from sentiment.erase import RECOMPUTE_NOTE, erase_respondents, pseudonyms_for
    from sentiment.settings import mask_url
    from sentiment.settings import resolve_db_url as db_url
    from sentiment.warehouse import db as warehouse

    with guarded():
        keys = [respondent] if respondent else []
        identifiers = {"nik": _value(nik), "phone": _value(phone), "name": _value(name),
                       "submission": submission}
        if any(v is not None for v in identifiers.values()):
            if form is None:
                raise SentimentError("--form FORM_ID is needed with --nik, --phone, "
                                     "--name or --submission")
            from sentiment.privacy.pseudonym import key_fingerprint, load_key

            key = load_key()
            url = db_url(db)
            warehouse.prepare(url, key_fingerprint(key))  # a wrong key would erase no one
            keys += pseudonyms_for(form, key, **identifiers)
        if not keys:
            raise SentimentError("say who to erase: --respondent, or --nik/--phone/--name with --form")
        url = db_url(db)
        removed = erase_respondents(warehouse.get_engine(url), keys, dry_run=dry_run)
    total = sum(removed.values())
    if not quiet:
        title = "Would remove (dry run)" if dry_run else "Removed"
        table = Table(title=f"{title}: {len(keys)} pseudonym(s) in {mask_url(url)}")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for name_, count in removed.items():
            table.add_row(name_, str(count))
        table.add_row("[bold]total", f"[bold]{total}")
        console.print(table)
    if total == 0:
        err_console.print("No rows found for this person. If they gave a NIK, phone and name, pass all "
                          "of them: the pseudonym comes from the first one the form recorded.",
                          highlight=False)
    elif not dry_run:
        console.print(RECOMPUTE_NOTE, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add `erase` to the `sentiment` app."""
    app.command("erase")(erase)
