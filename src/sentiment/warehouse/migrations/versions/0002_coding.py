"""Human coding: the `coding` table (coder labels and topics per free-text answer).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.types.TypeEngine:
    # SQLite only auto-increments an INTEGER PRIMARY KEY.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "coding",
        sa.Column("coding_id", _id(), autoincrement=True, nullable=False),
        sa.Column("text_id", _id(), nullable=False),
        sa.Column("coder", sa.String(80), nullable=False, comment="coder name or initials"),
        sa.Column("label", sa.String(12), nullable=False, comment="positif / netral / negatif"),
        sa.Column("topics", sa.Text, nullable=True, comment="topic codes joined by |"),
        sa.Column("coded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_file", sa.String(255), nullable=True, comment="file name only"),
        sa.PrimaryKeyConstraint("coding_id", name="pk_coding"),
        sa.ForeignKeyConstraint(["text_id"], ["fact_text.text_id"], ondelete="CASCADE",
                                name="fk_coding_text_id_fact_text"),
        sa.CheckConstraint("label IN ('positif', 'netral', 'negatif')", name="ck_coding_label"),
    )
    op.create_index("ix_coding_text_id", "coding", ["text_id"])


def downgrade() -> None:
    op.drop_index("ix_coding_text_id", table_name="coding")
    op.drop_table("coding")
