"""Least-privilege PostgreSQL roles: a loader that writes the warehouse, an analyst that
reads only the published `v_*` views.

PostgreSQL views run with their owner's rights, so the analyst needs only USAGE on the
schema and SELECT on each view: no grant on any table (quarantine values, batch linkage).
Migrations recreate views and drop their grants: run `sentiment db roles --apply` after
every `sentiment db upgrade` (it is idempotent).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sentiment.errors import SentimentError
from sentiment.warehouse.views import ANALYST_VIEWS

_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    """A quoted identifier; only plain lower-case names are accepted (no injection, no case
    surprises)."""
    if not _IDENT.match(name):
        raise SentimentError(f"{name!r} is not a plain lower-case PostgreSQL name")
    return f'"{name}"'


def _create_role(role: str, login: bool) -> str:
    option = "LOGIN" if login else "NOLOGIN"
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
            f"THEN CREATE ROLE {_ident(role)} {option}; END IF; END $$")


def roles_sql(schema: str, loader: str = "sentiment_loader", analyst: str = "sentiment_analyst",
              login: bool = True, views: tuple[str, ...] = ANALYST_VIEWS) -> list[str]:
    """The statements that create (if missing) and grant the two roles, in order; idempotent.

    Roles get no password here: set one out of band (`\\password` in psql, or your secret
    manager) so no credential ever sits in code or shell history.
    """
    s, lo, an = _ident(schema), _ident(loader), _ident(analyst)
    statements = [
        _create_role(loader, login),
        _create_role(analyst, login),
        # start from nothing, so re-running after a mistake narrows rights back down
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {an}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {an}",
        f"REVOKE CREATE ON SCHEMA {s} FROM {lo}, {an}",
        f"GRANT USAGE ON SCHEMA {s} TO {lo}, {an}",
        # loader: read and write every table, no DDL (migrations run as the schema owner)
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {lo}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {lo}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {lo}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {s} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {lo}",
    ]
    statements += [f"GRANT SELECT ON {s}.{_ident(v)} TO {an}" for v in views]
    return statements


def drop_roles_sql(schema: str, roles: tuple[str, ...]) -> list[str]:
    """Statements removing the roles' grants in this database and then the roles."""
    out = [f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_ident(schema)} REVOKE ALL ON TABLES FROM {_ident(r)}"
           for r in roles]
    out += [f"ALTER DEFAULT PRIVILEGES IN SCHEMA {_ident(schema)} REVOKE ALL ON SEQUENCES FROM {_ident(r)}"
            for r in roles]
    for role in roles:
        out += [f"DROP OWNED BY {_ident(role)}", f"DROP ROLE IF EXISTS {_ident(role)}"]
    return out


def current_schema(engine: Engine) -> str:
    """The schema the warehouse lives in (first on the connection's search_path)."""
    with engine.connect() as conn:
        return str(conn.execute(sa.text("SELECT current_schema()")).scalar_one())


def missing_views(engine: Engine, schema: str, views: tuple[str, ...] = ANALYST_VIEWS) -> list[str]:
    present = set(sa.inspect(engine).get_view_names(schema=schema))
    return [v for v in views if v not in present]


def apply_roles(engine: Engine, loader: str = "sentiment_loader",
                analyst: str = "sentiment_analyst", login: bool = True,
                schema: str | None = None) -> list[str]:
    """Create and grant the roles in the engine's database; returns the statements run."""
    if engine.dialect.name != "postgresql":
        raise SentimentError("database roles exist on PostgreSQL only; SQLite has no users")
    schema = schema or current_schema(engine)
    if missing := missing_views(engine, schema):
        raise SentimentError(f"views missing in schema {schema}: {', '.join(missing)}; "
                             "run `sentiment db upgrade` first")
    statements = roles_sql(schema, loader, analyst, login)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    return statements
