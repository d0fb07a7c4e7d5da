"""Withdrawn submissions: `response_withdrawal` records a submission deleted at its source
(ODK Central), each of its version ids, the stored response it took out of the views (those
responses are no longer current) and why.

The views are unchanged (they show current responses only); analysts never read tables.
PostgreSQL: run `sentiment db roles --apply` afterwards if the loader role's default
privileges do not cover tables created by the migrating role.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sentiment.errors import SentimentError

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "response_withdrawal",
        sa.Column("withdrawal_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("form_id", sa.String(128), nullable=False),
        sa.Column("submission_id", sa.String(128), nullable=False),
        sa.Column("root_id", sa.String(128), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("withdrawal_id"),
        sa.ForeignKeyConstraint(["response_id"], ["fact_response.response_id"],
                                name="fk_response_withdrawal_response_id_fact_response"),
        sa.UniqueConstraint("form_id", "submission_id", name="uq_withdrawal_submission"),
    )
    op.create_index("ix_response_withdrawal_root_id", "response_withdrawal", ["root_id"])
    op.create_index("ix_response_withdrawal_response_id", "response_withdrawal", ["response_id"])


def downgrade() -> None:
    recorded = op.get_bind().execute(sa.text("SELECT count(*) FROM response_withdrawal")).scalar()
    if recorded:
        # Revision 0011 could keep the withdrawn responses out of the views but not say why,
        # and a later pull would not know them as withdrawn.
        raise SentimentError(f"{recorded} withdrawn submission version(s) are recorded: revision "
                           "0011 cannot keep why they left the views; keep this revision")
    op.drop_index("ix_response_withdrawal_response_id", table_name="response_withdrawal")
    op.drop_index("ix_response_withdrawal_root_id", table_name="response_withdrawal")
    op.drop_table("response_withdrawal")
