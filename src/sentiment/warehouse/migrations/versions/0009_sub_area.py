"""Roles, not names: the sub-area column is `sub_area` (was `rt`), kept as text so that a
programme whose sub-areas are named (a hamlet, a block) keeps them; numbers stay as written.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sentiment.errors import SentimentError

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _retype(to: sa.types.TypeEngine, was: sa.types.TypeEngine, using: str) -> None:
    """SQLite rebuilds fact_response and copies with CAST (3 → '3'); the views that read it
    stay as written (legacy_alter_table: the rename of the rebuilt table does not re-check
    them against the table that is briefly gone). PostgreSQL casts in place."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA legacy_alter_table = ON")
    with op.batch_alter_table("fact_response") as batch:
        batch.alter_column("sub_area", type_=to, existing_type=was, existing_nullable=True,
                           postgresql_using=using)
    if sqlite:
        op.execute("PRAGMA legacy_alter_table = OFF")


def upgrade() -> None:
    op.execute("ALTER TABLE fact_response RENAME COLUMN rt TO sub_area")
    _retype(sa.String(64), sa.Integer(), "sub_area::varchar(64)")


def downgrade() -> None:
    named = op.get_bind().execute(sa.text(
        "SELECT DISTINCT sub_area FROM fact_response WHERE sub_area IS NOT NULL")).scalars()
    words = [v for v in named if not v.strip().lstrip("-").isdigit()]
    if words:
        raise SentimentError(f"{len(words)} sub-areas are names, not numbers (e.g. {words[0]!r}): "
                           "revision 0007 cannot hold them; keep this revision")
    _retype(sa.Integer(), sa.String(64), "sub_area::integer")
    op.execute("ALTER TABLE fact_response RENAME COLUMN sub_area TO rt")
