"""Prediction-powered text figures: the `text_estimate` table and its view `v_text_estimates`,
and `coding_training` (the coded answers a model was trained on, never used to correct it).

PostgreSQL: run `sentiment db roles --apply` afterwards to grant the analyst the new view.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Frozen copy of the definition at this revision (sentiment.warehouse.views is the head).
V_TEXT_ESTIMATES = """
CREATE VIEW v_text_estimates AS
SELECT wave_id, side, respondent_group, measure, label, estimate, ci_low, ci_high,
       machine_share, n_scored, n_coded, n_training, method
FROM text_estimate
WHERE NOT suppressed
"""


def _id() -> sa.types.TypeEngine:
    # the type of fact_text.text_id (SQLite only auto-increments an INTEGER PRIMARY KEY)
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "text_estimate",
        sa.Column("wave_id", sa.String(16), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("label", sa.String(48), nullable=False),
        sa.Column("estimate", sa.Float, nullable=True),
        sa.Column("ci_low", sa.Float, nullable=True),
        sa.Column("ci_high", sa.Float, nullable=True),
        sa.Column("machine_share", sa.Float, nullable=True),
        sa.Column("n_scored", sa.Integer, nullable=False),
        sa.Column("n_coded", sa.Integer, nullable=False),
        sa.Column("n_training", sa.Integer, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method_version", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("wave_id", "side", "respondent_group", "measure", "label",
                                name="pk_text_estimate"),
        sa.ForeignKeyConstraint(["wave_id"], ["dim_wave.wave_id"],
                                name="fk_text_estimate_wave_id_dim_wave"),
        sa.CheckConstraint("measure IN ('sentiment', 'topic', 'text_component')",
                           name="ck_text_estimate_measure"),
        sa.CheckConstraint("method IN ('ppi', 'classical', 'uncorrected')",
                           name="ck_text_estimate_method"),
    )
    op.create_table(
        "coding_training",
        sa.Column("text_id", _id(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("text_id", "model_version", name="pk_coding_training"),
        sa.ForeignKeyConstraint(["text_id"], ["fact_text.text_id"], ondelete="CASCADE",
                                name="fk_coding_training_text_id_fact_text"),
    )
    op.execute(V_TEXT_ESTIMATES)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_text_estimates")
    op.drop_table("coding_training")
    op.drop_table("text_estimate")
