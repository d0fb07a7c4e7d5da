"""Analysis: tension index, reliability, change, trend, topic shares, alerts, and their views.

Views publish only rows that are not suppressed (small cells and their complements).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VIEWS = {
    "v_tension_by_wave": """
CREATE VIEW v_tension_by_wave AS
SELECT wave_id AS wave, side, respondent_group, tension_index, ci_low, ci_high, n,
       likert_component, brawls_component, text_component, mean_brawls, method_version
FROM tension_index
WHERE NOT suppressed
""",
    "v_topic_share_by_wave": """
CREATE VIEW v_topic_share_by_wave AS
SELECT wave_id AS wave, side, respondent_group, topic, share, ci_low, ci_high, n,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_share END AS negative_share,
       CASE WHEN negative_suppressed THEN NULL ELSE n_topic END AS n_topic,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_ci_low END AS negative_ci_low,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_ci_high END AS negative_ci_high
FROM topic_share
WHERE NOT suppressed
""",
    "v_scale_reliability": """
CREATE VIEW v_scale_reliability AS
SELECT wave_id AS wave, respondent_group, alpha, n, omega, n_items, flag_low
FROM scale_reliability
WHERE NOT suppressed
""",
    "v_tension_change": """
CREATE VIEW v_tension_change AS
SELECT wave_id AS wave, prev_wave_id AS prev_wave, side, respondent_group, previous, value,
       diff, ci_low, ci_high, p_value, n_prev, n
FROM tension_change
WHERE NOT suppressed
""",
    "v_tension_trend": """
CREATE VIEW v_tension_trend AS
SELECT side, respondent_group, first_wave, last_wave, n_waves, trend, mk_tau, p_value, sen_slope
FROM tension_trend
""",
}


def _stamp() -> list[sa.Column]:
    return [sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("method_version", sa.String(16), nullable=False)]


def _wave_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["wave_id"], ["dim_wave.wave_id"],
                                   name=f"fk_{table}_wave_id_dim_wave")


def upgrade() -> None:
    op.create_table(
        "tension_index",
        sa.Column("wave_id", sa.String(16), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("tension_index", sa.Float, nullable=True),
        sa.Column("ci_low", sa.Float, nullable=True),
        sa.Column("ci_high", sa.Float, nullable=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        sa.Column("suppression", sa.String(16), nullable=True),
        sa.Column("likert_component", sa.Float, nullable=True),
        sa.Column("brawls_component", sa.Float, nullable=True),
        sa.Column("text_component", sa.Float, nullable=True),
        sa.Column("n_brawls", sa.Integer, nullable=False),
        sa.Column("mean_brawls", sa.Float, nullable=True),
        sa.Column("n_text", sa.Integer, nullable=False),
        *_stamp(),
        sa.PrimaryKeyConstraint("wave_id", "side", "respondent_group", name="pk_tension_index"),
        _wave_fk("tension_index"),
    )
    op.create_table(
        "scale_reliability",
        sa.Column("wave_id", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("alpha", sa.Float, nullable=True),
        sa.Column("omega", sa.Float, nullable=True),
        sa.Column("n_items", sa.Integer, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("flag_low", sa.Boolean, nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        *_stamp(),
        sa.PrimaryKeyConstraint("wave_id", "respondent_group", name="pk_scale_reliability"),
        _wave_fk("scale_reliability"),
    )
    op.create_table(
        "tension_change",
        sa.Column("wave_id", sa.String(16), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("prev_wave_id", sa.String(16), nullable=False),
        sa.Column("previous", sa.Float, nullable=True),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("diff", sa.Float, nullable=True),
        sa.Column("ci_low", sa.Float, nullable=True),
        sa.Column("ci_high", sa.Float, nullable=True),
        sa.Column("p_value", sa.Float, nullable=True),
        sa.Column("n_prev", sa.Integer, nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        *_stamp(),
        sa.PrimaryKeyConstraint("wave_id", "side", "respondent_group", name="pk_tension_change"),
        _wave_fk("tension_change"),
    )
    op.create_table(
        "tension_trend",
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("first_wave", sa.String(16), nullable=False),
        sa.Column("last_wave", sa.String(16), nullable=False),
        sa.Column("n_waves", sa.Integer, nullable=False),
        sa.Column("trend", sa.String(16), nullable=False),
        sa.Column("mk_tau", sa.Float, nullable=True),
        sa.Column("mk_s", sa.Float, nullable=True),
        sa.Column("p_value", sa.Float, nullable=True),
        sa.Column("sen_slope", sa.Float, nullable=True),
        *_stamp(),
        sa.PrimaryKeyConstraint("side", "respondent_group", name="pk_tension_trend"),
    )
    op.create_table(
        "topic_share",
        sa.Column("wave_id", sa.String(16), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(48), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("n_topic", sa.Integer, nullable=False),
        sa.Column("share", sa.Float, nullable=True),
        sa.Column("ci_low", sa.Float, nullable=True),
        sa.Column("ci_high", sa.Float, nullable=True),
        sa.Column("n_negative", sa.Integer, nullable=False),
        sa.Column("negative_share", sa.Float, nullable=True),
        sa.Column("negative_ci_low", sa.Float, nullable=True),
        sa.Column("negative_ci_high", sa.Float, nullable=True),
        sa.Column("suppressed", sa.Boolean, nullable=False),
        sa.Column("negative_suppressed", sa.Boolean, nullable=False),
        *_stamp(),
        sa.PrimaryKeyConstraint("wave_id", "side", "respondent_group", "topic",
                                name="pk_topic_share"),
        _wave_fk("topic_share"),
    )
    op.create_table(
        "alerts",
        sa.Column("alert_id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("metric", sa.String(32), nullable=False),
        sa.Column("wave_id", sa.String(16), nullable=False),
        sa.Column("prev_wave_id", sa.String(16), nullable=True),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("respondent_group", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(48), nullable=False, server_default=""),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("previous", sa.Float, nullable=True),
        sa.Column("threshold", sa.Float, nullable=True),
        sa.Column("n", sa.Integer, nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("message_en", sa.Text, nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("alert_id", name="pk_alerts"),
        sa.UniqueConstraint("rule_id", "wave_id", "side", "respondent_group", "topic",
                            name="uq_alert_firing"),
        _wave_fk("alerts"),
    )
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table in ("alerts", "topic_share", "tension_trend", "tension_change",
                  "scale_reliability", "tension_index"):
        op.drop_table(table)
