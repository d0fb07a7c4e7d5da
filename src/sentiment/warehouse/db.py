"""Connections, migrations and warehouse set-up (dimensions, key fingerprint)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from sentiment.config import load_yaml
from sentiment.errors import KeyMismatchError, SentimentError
from sentiment.forms import FormRegistry, load_registry
from sentiment.study import areas
from sentiment.warehouse import models as m

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KEY_FINGERPRINT = "pseudonym_key_fingerprint"


@lru_cache(maxsize=16)
def get_engine(url: str) -> Engine:
    """One engine per URL. SQLite: foreign keys on, WAL; transactions opened through
    `writing()` take the write lock at BEGIN so two loaders cannot interleave, while plain
    reads stay deferred (an IMMEDIATE read would block a nested connection of the same
    thread)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):  # pragma: no cover - driver hook
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
            # 64 MiB page cache (default 2 MiB): big loads insert into indexes on random
            # keys (pseudonyms), which thrash a small cache.
            cur.execute("PRAGMA cache_size=-65536")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # pragma: no cover - driver hook
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the database's write lock from its first statement
    (SQLite `BEGIN IMMEDIATE`; on PostgreSQL an ordinary transaction)."""
    with engine.connect() as conn:
        conn.execution_options(sqlite_begin="IMMEDIATE")
        with conn.begin():
            yield conn


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _migration_lock(conn: Connection) -> None:
    """Two runs preparing a new PostgreSQL warehouse at once: the second waits, then finds
    the schema current. (SQLite's BEGIN IMMEDIATE already serialises them.)"""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(7310252, hashtext(current_schema()))"))


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """The transaction a migration runs in. SQLite rebuilds a table to change a column
    ("move and copy"); dropping the old table would cascade to its children, so foreign keys
    are switched off on this connection for the migration (it cannot be done inside a
    transaction) and checked in full before the commit."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection  # outside SQLAlchemy's transaction
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                _migration_lock(conn)
                yield conn
                if sqlite and (broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()):
                    raise SentimentError(f"migration left {len(broken)} rows without their "
                                           f"parent (first in {broken[0][0]}); nothing changed")
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _migrating(engine) as conn:
        command.upgrade(_alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    with _migrating(engine) as conn:
        command.downgrade(_alembic_config(conn), revision)


def ensure_schema(engine: Engine) -> None:
    """Upgrade to the newest migration (a no-op when already there)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)


def _upsert(conn: Connection, table: sa.Table, rows: list[dict], keys: list[str]) -> None:
    """Insert rows, updating the non-key columns of rows that exist (SQLite and PostgreSQL)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_=updates) if updates else (
        stmt.on_conflict_do_nothing(index_elements=keys)
    )
    conn.execute(stmt, rows)


def question_rows(registry: FormRegistry) -> tuple[list[dict], list[dict]]:
    """`dim_question` and `dim_choice` rows generated from every form version (PII excluded)."""
    questions: dict[str, dict] = {}
    choices: dict[tuple[str, str], dict] = {}
    ordered = sorted(registry.forms, key=lambda f: (f.form_id, int("".join(c for c in f.version if c.isdigit()) or 0)))
    for form in ordered:
        for field in form.fields:
            if field.pii:
                continue
            qid = f"{form.form_id}.{field.question_id}"
            first = questions.get(qid, {}).get("first_version", form.version)
            questions[qid] = dict(
                question_id=qid, form_id=form.form_id, name=field.name, type=field.type,
                label=field.label, grp=field.group, scale=field.scale, reverse=field.reverse,
                required=field.required, first_version=first, last_version=form.version,
            )
            for pos, choice in enumerate(field.choices):
                choices[(qid, choice.value)] = dict(
                    question_id=qid, value=choice.value, label=choice.label, position=pos
                )
    return list(questions.values()), list(choices.values())


def sync_dimensions(conn: Connection, registry: FormRegistry | None = None) -> None:
    """Upsert waves, areas, questions and value labels from `schemas/` (idempotent)."""
    from datetime import date

    waves = load_yaml("waves.yaml").get("waves") or []
    _upsert(conn, m.DimWave.__table__, [
        dict(wave_id=str(w["wave_id"]), label=w["label"],
             fieldwork_start=w["start"] if isinstance(w["start"], date) else date.fromisoformat(str(w["start"])),
             fieldwork_end=w["end"] if isinstance(w["end"], date) else date.fromisoformat(str(w["end"])))
        for w in waves
    ], ["wave_id"])
    programme = areas()
    _upsert(conn, m.DimArea.__table__, [
        dict(code=a.code, side=a.side, side_label=programme.sides[a.side], label=a.label)
        for a in programme.areas
    ], ["code"])
    questions, choices = question_rows(registry or load_registry())
    _upsert(conn, m.DimQuestion.__table__, questions, ["question_id"])
    _upsert(conn, m.DimChoice.__table__, choices, ["question_id", "value"])


def ensure_period_waves(conn: Connection, wave_ids: list[str]) -> None:
    """Add `dim_wave` rows for period-rule waves (`2025-08`, `2025Q3`) first seen in a load."""
    from sentiment.validate.reference import period_wave

    wanted = sorted({str(w) for w in wave_ids if w is not None and _PERIOD_ID.fullmatch(str(w))})
    if not wanted:
        return
    known = set(conn.execute(sa.select(m.DimWave.wave_id).where(m.DimWave.wave_id.in_(wanted))).scalars())
    rows = [period_wave(w) for w in wanted if w not in known]
    _upsert(conn, m.DimWave.__table__, [
        dict(wave_id=w.wave_id, label=w.label, fieldwork_start=w.start, fieldwork_end=w.end) for w in rows
    ], ["wave_id"])


_PERIOD_ID = re.compile(r"\d{4}-\d{2}|\d{4}Q[1-4]")


def check_key_fingerprint(conn: Connection, fingerprint: str) -> None:
    """Record the pseudonym key's fingerprint on first use; refuse a different key later.

    A wrong key would silently give every respondent a second identity.
    """
    table = m.WarehouseMeta.__table__
    stored = conn.execute(
        sa.select(table.c.value).where(table.c.key == KEY_FINGERPRINT)
    ).scalar_one_or_none()
    if stored is None:
        conn.execute(table.insert().values(key=KEY_FINGERPRINT, value=fingerprint))
    elif stored != fingerprint:
        raise KeyMismatchError(
            "the pseudonym key differs from the one this warehouse was built with "
            f"(fingerprint {fingerprint} ≠ {stored}); set the original SENTIMENT_PSEUDONYM_KEY"
        )


def prepare(url: str, fingerprint: str | None = None) -> Engine:
    """Migrate, sync dimensions and (if given) check the key fingerprint. Returns the engine."""
    engine = get_engine(url)
    ensure_schema(engine)
    with writing(engine) as conn:
        sync_dimensions(conn)
        if fingerprint is not None:
            check_key_fingerprint(conn, fingerprint)
    return engine


def is_loaded(url: str, sha256: str) -> bool:
    table = m.IngestBatch.__table__
    with get_engine(url).connect() as conn:
        return conn.execute(
            sa.select(table.c.batch_id).where(
                table.c.file_sha256 == sha256, table.c.status == "loaded"
            )
        ).first() is not None


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every warehouse table (for summaries and idempotency checks)."""
    names = sa.inspect(engine).get_table_names()
    with engine.connect() as conn:
        return {
            n: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{n}"')).scalar_one()
            for n in sorted(names) if n != "alembic_version"
        }


__all__ = [
    "get_engine", "upgrade", "downgrade", "ensure_schema", "sync_dimensions", "ensure_period_waves", "prepare",
    "is_loaded", "check_key_fingerprint", "table_counts",
]
