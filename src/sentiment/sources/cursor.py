"""The per-source cursor in the warehouse (`source_cursor`): how far a pull has loaded."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from sentiment.warehouse.models import SourceCursor

_table = SourceCursor.__table__


def read_cursor(engine: Engine, source: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(_table.c.cursor).where(_table.c.source == source)).scalar()


def save_cursor(engine: Engine, source: str, kind: str, cursor: str | None, fetched: int) -> None:
    """Move the cursor of `source` to `cursor` (never backwards) and count what was fetched."""
    from sentiment.warehouse import db

    now = datetime.now(UTC)
    with db.writing(engine) as conn:
        row = conn.execute(sa.select(_table.c.cursor, _table.c.submissions)
                           .where(_table.c.source == source)).one_or_none()
        if row is None:
            conn.execute(_table.insert().values(source=source, kind=kind, cursor=cursor,
                                                submissions=fetched, updated_at=now))
            return
        newest = max((c for c in (row.cursor, cursor) if c), default=None)
        conn.execute(_table.update().where(_table.c.source == source).values(
            cursor=newest, submissions=row.submissions + fetched, updated_at=now))
