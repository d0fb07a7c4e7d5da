"""Read-only SQL over the warehouse for sociologists, and DataFrame shortcuts to the analyst views.

Two independent guards: the statement must parse as one SELECT/WITH, and it runs on a
connection the database itself keeps read-only.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from sentiment.config import db_url as resolve_db_url
from sentiment.config import mask_url
from sentiment.errors import SentimentError
from sentiment.warehouse import views
from sentiment.warehouse.views import ANALYST_VIEWS  # noqa: F401  (re-exported: one list)

# Words that only appear in statements that write, change schema or session state, or reach
# outside the database. Matched as whole words in code (not in strings or quoted names).
_FORBIDDEN_WORDS = frozenset(
    """
    INSERT UPDATE DELETE MERGE UPSERT DROP CREATE ALTER TRUNCATE RENAME GRANT REVOKE
    ATTACH DETACH PRAGMA VACUUM REINDEX ANALYZE ANALYSE COPY CALL EXEC EXECUTE DO SET RESET
    LOCK LISTEN NOTIFY UNLISTEN COMMENT SECURITY LOAD BEGIN START COMMIT ROLLBACK END
    SAVEPOINT RELEASE INTO PREPARE DEALLOCATE DECLARE CLUSTER REFRESH DISCARD CHECKPOINT
    IMPORT OWNER
    """.split()
)
# Functions with side effects or file/network access (PostgreSQL admin functions, SQLite
# extensions). The read-only connection stops most of them too; refusing early reads better.
_FORBIDDEN_FUNCTIONS = frozenset(
    """
    load_extension set_config pg_sleep pg_terminate_backend pg_cancel_backend pg_reload_conf
    pg_rotate_logfile pg_read_file pg_read_binary_file pg_ls_dir pg_stat_file lo_import
    lo_export lo_unlink lo_create dblink dblink_exec dblink_connect pg_notify nextval setval
    pg_advisory_lock pg_advisory_xact_lock pg_logical_emit_message query_to_xml
    """.split()
)
_STATEMENT_STARTS = ("SELECT", "WITH")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class QueryRefused(SentimentError):
    """A statement that is not a single read-only SELECT/WITH query."""


# ---------------------------------------------------------------------------------------------
# Statement check


def _skeleton(sql: str, *, dialect: str) -> str:
    """`sql` with string literals as `''`, quoted names as `""` and comments as a space.

    `dialect` decides the lexical rules that differ: "sqlite" ([..] and `..` are quoted
    names, comments do not nest), "postgresql" (E'..' strings take backslash escapes, block
    comments nest) and "postgresql_legacy" (every string takes backslash escapes, as with
    standard_conforming_strings=off). Raises QueryRefused on anything unterminated.
    """
    out: list[str] = []
    i, n = 0, len(sql)
    nested = dialect != "sqlite"
    closers = {'"': '"'}
    if dialect == "sqlite":
        closers.update({"[": "]", "`": "`"})
    while i < n:
        ch = sql[i]
        if ch == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end
            out.append(" ")
        elif ch == "/" and sql.startswith("/*", i):
            depth, j = 1, i + 2
            while depth and j < n:
                if sql.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                elif nested and sql.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                else:
                    j += 1
            if depth:
                raise QueryRefused("unterminated /* comment")
            i = j
            out.append(" ")
        elif ch == "'":
            backslash = dialect == "postgresql_legacy" or (
                dialect == "postgresql"
                and i > 0
                and sql[i - 1] in "eE"
                and (i < 2 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))
            )
            j = i + 1
            while True:
                if j >= n:
                    raise QueryRefused("unterminated string literal")
                if backslash and sql[j] == "\\":
                    j += 2
                elif sql[j] == "'":
                    if sql.startswith("''", j):
                        j += 2
                    else:
                        break
                else:
                    j += 1
            i = j + 1
            out.append("''")
        elif ch in closers:
            close = closers[ch]
            j = i + 1
            while True:
                j = sql.find(close, j)
                if j < 0:
                    raise QueryRefused(f"unterminated quoted name starting with {ch}")
                if close == ch and sql.startswith(close * 2, j):
                    j += 2
                    continue
                break
            i = j + 1
            out.append('""')
        elif ch == "$":
            # $1 parameters, $$..$$ / $tag$..$tag$ strings: never needed for analysis, and a
            # dollar quote reads differently in SQLite and PostgreSQL.
            raise QueryRefused("'$' is not allowed (use :name parameters)")
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _check_skeleton(skeleton: str) -> None:
    body = skeleton.strip()
    while body.endswith(";"):
        body = body[:-1].rstrip()
    if not body:
        raise QueryRefused("empty statement")
    if ";" in body:
        raise QueryRefused("only one statement is allowed")
    first = _WORD.match(body.lstrip("( \t\r\n\f\v"))
    if first is None or first.group(0).upper() not in _STATEMENT_STARTS:
        found = f", not {first.group(0).upper()}" if first else ""
        raise QueryRefused(f"only SELECT or WITH queries are allowed{found}")
    for match in _WORD.finditer(body):
        word = match.group(0).upper()
        rest = body[match.end() :].lstrip()
        if word == "REPLACE" and rest.startswith("("):
            continue  # the replace() string function, not REPLACE INTO
        if word in _FORBIDDEN_WORDS or word == "REPLACE":
            raise QueryRefused(f"{word} is not allowed: queries are read-only")
        if word.lower() in _FORBIDDEN_FUNCTIONS and rest.startswith("("):
            raise QueryRefused(f"function {word.lower()}() is not allowed")


def check_select(sql: str) -> str:
    """Return `sql` if it is a single read-only SELECT/WITH statement, else raise QueryRefused.

    The statement is checked under the lexical rules of SQLite and of PostgreSQL (with and
    without backslash escapes): a text that reads as harmless in one but not another is
    refused.
    """
    if not isinstance(sql, str):
        raise QueryRefused("the query must be text")
    if "\x00" in sql:
        raise QueryRefused("NUL characters are not allowed")
    for dialect in ("sqlite", "postgresql", "postgresql_legacy"):
        _check_skeleton(_skeleton(sql, dialect=dialect))
    return sql


# ---------------------------------------------------------------------------------------------
# Read-only connections


_SQLITE_ALLOWED_ACTIONS = frozenset(
    {
        sqlite3.SQLITE_SELECT,
        sqlite3.SQLITE_READ,
        sqlite3.SQLITE_FUNCTION,
        getattr(sqlite3, "SQLITE_RECURSIVE", 33),
        # the driver's own ROLLBACK when the connection closes
        sqlite3.SQLITE_TRANSACTION,
    }
)


def _sqlite_authorizer(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    if action not in _SQLITE_ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _FORBIDDEN_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def read_only_url(url: str) -> URL:
    """The same database, opened so that the database refuses writes.

    SQLite: a `file:...?mode=ro` URI. PostgreSQL: every transaction read-only for the
    session (`default_transaction_read_only=on`), and string literals standard.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise SentimentError(
                "query needs a SQLite warehouse file, e.g. sqlite:///warehouse.db"
            )
        path = Path(database).expanduser().resolve()
        if not path.is_file():
            raise SentimentError(f"warehouse not found: {path} (run `sentiment ingest` first)")
        return URL.create(
            parsed.drivername,
            database=f"file:{quote(str(path), safe='/')}",
            query={"mode": "ro", "uri": "true"},
        )
    if backend == "postgresql":
        existing = parsed.query.get("options") or ""
        if isinstance(existing, tuple):
            existing = " ".join(existing)
        options = " ".join(
            part
            for part in (
                existing,
                "-c default_transaction_read_only=on",
                "-c standard_conforming_strings=on",
            )
            if part
        )
        return parsed.update_query_dict({"options": options})
    raise SentimentError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


@contextmanager
def read_only_connection(db_url: str | None = None) -> Iterator[Connection]:
    """A connection on which the database itself refuses every write.

    SQLite: opened read-only, `PRAGMA query_only`, and an authorizer that allows reads
    only. PostgreSQL: a read-only session and a READ ONLY transaction.
    """
    url = resolve_db_url(db_url)
    engine = sa.create_engine(read_only_url(url), poolclass=NullPool)
    try:
        try:
            conn = engine.connect()
        except SQLAlchemyError as exc:
            raise SentimentError(f"cannot open the warehouse {mask_url(url)}: {_first_line(exc)}") from None
        with conn:
            if engine.dialect.name == "sqlite":
                raw = conn.connection.dbapi_connection
                raw.execute("PRAGMA query_only = ON")
                raw.set_authorizer(_sqlite_authorizer)
            else:
                conn = conn.execution_options(postgresql_readonly=True)
            with conn.begin():
                yield conn
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__


# ---------------------------------------------------------------------------------------------
# Queries


def _run(conn: Connection, sql: str, params: Mapping[str, Any] | None) -> pd.DataFrame:
    if params:
        result = conn.execute(sa.text(sql), dict(params))
    else:
        # No parameters: send the text as written, so ':' and '%' inside it stay literal.
        result = conn.exec_driver_sql(sql, execution_options={"no_parameters": True})
    if not result.returns_rows:
        raise QueryRefused("the statement returned no rows")
    columns = list(result.keys())
    return pd.DataFrame(result.fetchall(), columns=columns)


def query(
    sql: str, db_url: str | None = None, params: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Run one read-only SELECT/WITH statement and return its rows.

    `params` binds `:name` placeholders. Raises QueryRefused for anything else, and
    SentimentError (one line) when the database rejects the query.
    """
    check_select(sql)
    with read_only_connection(db_url) as conn:
        try:
            return _run(conn, sql, params)
        except DBAPIError as exc:
            raise SentimentError(f"query failed: {_first_line(exc)}") from None


def read_view(
    view: str,
    db_url: str | None = None,
    filters: Mapping[str, Any] | None = None,
    order_by: tuple[str, ...] = (),
) -> pd.DataFrame:
    """All rows of one published view on a read-only connection, optionally filtered by
    column equality (None = no filter); see `sentiment.warehouse.views.read_view`."""
    with read_only_connection(db_url) as conn:
        return views.read_view(conn, view, filters, order_by)


def tension_by_wave(
    db_url: str | None = None, side: str | None = None, respondent_group: str | None = None
) -> pd.DataFrame:
    """Tension index per wave, side and group with its interval (`v_tension_by_wave`)."""
    return read_view(
        "v_tension_by_wave",
        db_url,
        {"side": side, "respondent_group": respondent_group},
        order_by=("wave_id", "side", "respondent_group"),
    )


def responses_long(
    wave: str | None = None,
    db_url: str | None = None,
    form_id: str | None = None,
    question_id: str | None = None,
    side: str | None = None,
    respondent_group: str | None = None,
) -> pd.DataFrame:
    """One row per answer (per chosen option for multi-choice questions): `v_responses_long`."""
    return read_view(
        "v_responses_long",
        db_url,
        {
            "wave_id": wave,
            "form_id": form_id,
            "question_id": question_id,
            "side": side,
            "respondent_group": respondent_group,
        },
    )


def text_scores(
    wave: str | None = None,
    db_url: str | None = None,
    form_id: str | None = None,
    question_id: str | None = None,
    side: str | None = None,
    respondent_group: str | None = None,
) -> pd.DataFrame:
    """Redacted free-text answers with sentiment and topic codes (`v_text_scores`)."""
    return read_view(
        "v_text_scores",
        db_url,
        {
            "wave_id": wave,
            "form_id": form_id,
            "question_id": question_id,
            "side": side,
            "respondent_group": respondent_group,
        },
    )


def topic_shares(
    wave: str | None = None,
    db_url: str | None = None,
    side: str | None = None,
    respondent_group: str | None = None,
) -> pd.DataFrame:
    """Share of free-text answers per topic code (`v_topic_share_by_wave`)."""
    return read_view(
        "v_topic_share_by_wave",
        db_url,
        {"wave_id": wave, "side": side, "respondent_group": respondent_group},
        order_by=("wave_id", "side", "respondent_group"),
    )


def reliability(
    wave: str | None = None, db_url: str | None = None, respondent_group: str | None = None
) -> pd.DataFrame:
    """Cronbach's alpha of the index scale per wave and group (`v_scale_reliability`)."""
    return read_view(
        "v_scale_reliability",
        db_url,
        {"wave_id": wave, "respondent_group": respondent_group},
        order_by=("wave_id", "respondent_group"),
    )
