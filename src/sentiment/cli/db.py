"""`sentiment db`: warehouse migrations (upgrade, downgrade, current) and PostgreSQL roles."""

from __future__ import annotations

from typing import Annotated

import typer

from sentiment.cli.options import DbOption, QuietOption, SchemasOption, console, guarded
from sentiment.config import mask_url
from sentiment.errors import SentimentError


def _engine(db: str | None):
    from sentiment.settings import resolve_db_url
    from sentiment.warehouse import db as warehouse

    url = resolve_db_url(db)
    return url, warehouse.get_engine(url)


db_app = typer.Typer(help="Warehouse schema migrations and PostgreSQL roles.",
                     no_args_is_help=True)


@db_app.command()
def upgrade(db: DbOption = None, schemas: SchemasOption = None,
            revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
            quiet: QuietOption = False) -> None:
    """Migrate the warehouse up (from empty, or from any older revision) to `revision`."""
    with guarded():
        from sentiment.warehouse import db as warehouse

        url, engine = _engine(db)
        before = warehouse.current_revision(engine)
        warehouse.upgrade(engine, revision)
        if not quiet:
            console.print(f"{mask_url(url)}: {before or 'empty'} → "
                          f"{warehouse.current_revision(engine) or 'empty'}", soft_wrap=True)


@db_app.command()
def downgrade(db: DbOption = None, schemas: SchemasOption = None,
              revision: Annotated[str, typer.Option(
                  help="Target revision: -1 (one step), a revision id, or base (empty).")] = "-1",
              yes: Annotated[bool, typer.Option("--yes", help="Do not ask; downgrades drop data.")] = False,
              quiet: QuietOption = False) -> None:
    """Migrate the warehouse down; the tables a revision added are dropped with their data."""
    with guarded():
        from sentiment.warehouse import db as warehouse

        url, engine = _engine(db)
        before = warehouse.current_revision(engine)
        if before is None:
            raise SentimentError("the warehouse is empty (no revision): nothing to downgrade")
        if not yes and not typer.confirm(
                f"Downgrade {mask_url(url)} from {before} to {revision}? Data in dropped "
                "tables is lost", default=False):
            raise SentimentError("not confirmed; nothing changed")
        warehouse.downgrade(engine, revision)
        if not quiet:
            console.print(f"{mask_url(url)}: {before} → "
                          f"{warehouse.current_revision(engine) or 'empty'}", soft_wrap=True)


@db_app.command()
def current(db: DbOption = None, schemas: SchemasOption = None) -> None:
    """Print the warehouse's revision and the newest one this code knows."""
    with guarded():
        from sentiment.warehouse import db as warehouse

        url, engine = _engine(db)
        now, head = warehouse.current_revision(engine), warehouse.head_revision()
        state = "up to date" if now == head else "run `sentiment db upgrade`"
        console.print(f"{mask_url(url)}: revision {now or 'empty'} (head {head}: {state})",
                      soft_wrap=True)


@db_app.command()
def roles(db: DbOption = None, schemas: SchemasOption = None,
          loader: Annotated[str, typer.Option(help="Name of the writing role.")] = "sentiment_loader",
          analyst: Annotated[str, typer.Option(help="Name of the read-only role.")] = "sentiment_analyst",
          schema: Annotated[str | None, typer.Option(
              help="Warehouse schema (default: the connection's current schema).")] = None,
          login: Annotated[bool, typer.Option(
              "--login/--nologin", help="Roles that can log in (set passwords out of band).")] = True,
          apply: Annotated[bool, typer.Option(
              "--apply", help="Run the statements (as the schema owner); default: print them.")] = False,
          quiet: QuietOption = False) -> None:
    """Least-privilege roles: LOADER writes the warehouse, ANALYST reads only the v_* views.

    Re-run with --apply after every upgrade: migrations recreate views, dropping their grants.
    """
    with guarded():
        from sentiment import roles as pg_roles

        if not apply:
            target = schema
            if target is None:
                _, engine = _engine(db)
                target = (pg_roles.current_schema(engine)
                          if engine.dialect.name == "postgresql" else "public")
            console.print(";\n".join(pg_roles.roles_sql(target, loader, analyst, login)) + ";",
                          highlight=False, markup=False, soft_wrap=True)
            return
        url, engine = _engine(db)
        statements = pg_roles.apply_roles(engine, loader, analyst, login, schema)
        if not quiet:
            console.print(f"{mask_url(url)}: {len(statements)} statements applied; "
                          f"{loader} writes, {analyst} reads {len(pg_roles.ANALYST_VIEWS)} views",
                          soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Mount `sentiment db …` on the `sentiment` app."""
    app.add_typer(db_app, name="db")
