"""Nothing silently dropped: columns a file has and its form does not declare are kept
(redacted) in `fact_extra`; the reader's warnings are kept on the batch record.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fact_extra",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("column_name", sa.String(255), nullable=False),
        sa.Column("value_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["response_id"], ["fact_response.response_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "column_name"),
    )
    with op.batch_alter_table("ingest_batch") as batch:
        batch.add_column(sa.Column("warnings", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ingest_batch") as batch:
        batch.drop_column("warnings")
    op.drop_table("fact_extra")
