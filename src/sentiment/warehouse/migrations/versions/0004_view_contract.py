"""View contract: every published view names the wave `wave_id` (and `prev_wave_id`);
alerts are published as `v_alerts`.

PostgreSQL drops a view's grants with the view: run `sentiment db roles --apply` afterwards.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen copies of the definitions at this revision (sentiment.warehouse.views is the head).
VIEWS = {
    "v_tension_by_wave": """
CREATE VIEW v_tension_by_wave AS
SELECT wave_id, side, respondent_group, tension_index, ci_low, ci_high, n,
       likert_component, brawls_component, text_component, mean_brawls, method_version
FROM tension_index
WHERE NOT suppressed
""",
    "v_topic_share_by_wave": """
CREATE VIEW v_topic_share_by_wave AS
SELECT wave_id, side, respondent_group, topic, share, ci_low, ci_high, n,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_share END AS negative_share,
       CASE WHEN negative_suppressed THEN NULL ELSE n_topic END AS n_topic,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_ci_low END AS negative_ci_low,
       CASE WHEN negative_suppressed THEN NULL ELSE negative_ci_high END AS negative_ci_high
FROM topic_share
WHERE NOT suppressed
""",
    "v_scale_reliability": """
CREATE VIEW v_scale_reliability AS
SELECT wave_id, respondent_group, alpha, n, omega, n_items, flag_low
FROM scale_reliability
WHERE NOT suppressed
""",
    "v_tension_change": """
CREATE VIEW v_tension_change AS
SELECT wave_id, prev_wave_id, side, respondent_group, previous, value,
       diff, ci_low, ci_high, p_value, n_prev, n
FROM tension_change
WHERE NOT suppressed
""",
    "v_alerts": """
CREATE VIEW v_alerts AS
SELECT wave_id, prev_wave_id, side, respondent_group, topic, rule_id, metric, value, previous,
       threshold, n, message, message_en, fired_at
FROM alerts
""",
}


def _previous_views() -> dict[str, str]:
    """0003's definitions, read from that migration (so they are written once)."""
    path = Path(__file__).with_name("0003_analysis.py")
    spec = importlib.util.spec_from_file_location("_migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.VIEWS


def upgrade() -> None:
    for name, sql in VIEWS.items():
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(sql)


def downgrade() -> None:
    previous = _previous_views()
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
        if name in previous:
            op.execute(previous[name])
