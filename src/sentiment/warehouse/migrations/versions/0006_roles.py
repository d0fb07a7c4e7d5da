"""Roles, not names: the area column is `area` (dim_area's key `code`), and a response
without an area or a side loads (both nullable); the views show what is missing as `unknown`.

PostgreSQL drops a view's grants with the view: run `sentiment db roles --apply` afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sentiment.errors import SentimentError

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies of the definitions at this revision (sentiment.warehouse.views is the head).
VIEWS = {
    "v_responses_long": """
CREATE VIEW v_responses_long AS
SELECT r.wave_id, COALESCE(r.side, 'unknown') AS side, r.respondent_group, r.respondent_key,
       COALESCE(r.gender, 'unknown') AS gender, COALESCE(r.age_band, 'unknown') AS age_band,
       COALESCE(r.area, 'unknown') AS area, r.form_id, r.form_version, a.question_id,
       q.label AS question_label, a.option, a.value_num, a.value_text, c.label AS value_label
FROM fact_answer a
JOIN fact_response r ON r.response_id = a.response_id
JOIN dim_question q ON q.question_id = a.question_id
LEFT JOIN dim_choice c ON c.question_id = a.question_id AND c.value = a.value_text
WHERE r.is_current
""",
    "v_text_scores": """
CREATE VIEW v_text_scores AS
SELECT t.text_id, r.wave_id, COALESCE(r.side, 'unknown') AS side, r.respondent_group,
       r.form_id, t.question_id, t.text_redacted, s.sentiment, s.sentiment_score, s.topics,
       s.topic_scores, s.scorer, s.model_version, r.respondent_key, t.language
FROM fact_text t
JOIN fact_response r ON r.response_id = t.response_id
LEFT JOIN fact_text_score s ON s.text_id = t.text_id AND s.is_current
WHERE r.is_current
""",
}

def _previous_views() -> dict[str, str]:
    """The definitions this revision replaces, read from the migrations that made them."""
    import importlib.util
    from pathlib import Path

    def module(name: str):
        spec = importlib.util.spec_from_file_location(f"_migration_{name}", Path(__file__).with_name(name))
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        return loaded

    return {"v_responses_long": module("0001_initial.py").VIEWS["v_responses_long"],
            "v_text_scores": "CREATE " + module("0005_language.py").V_TEXT_SCORES}


def _columns(old_area: str, new_area: str, old_code: str, new_code: str, nullable: bool) -> None:
    # A native RENAME COLUMN (both databases) also rewrites the foreign key that points at it.
    op.execute(f"ALTER TABLE dim_area RENAME COLUMN {old_code} TO {new_code}")
    op.execute(f"ALTER TABLE fact_response RENAME COLUMN {old_area} TO {new_area}")
    # On SQLite the NOT NULL change rebuilds fact_response (foreign keys are off meanwhile
    # and checked before the commit: sentiment.warehouse.db._migrating).
    with op.batch_alter_table("fact_response") as batch:
        batch.alter_column(new_area, nullable=nullable, existing_type=sa.String(8))
        batch.alter_column("side", nullable=nullable, existing_type=sa.String(16))


def upgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    _columns("rw", "area", "rw", "code", nullable=True)
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    missing = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM fact_response WHERE area IS NULL OR side IS NULL")).scalar()
    if missing:
        raise SentimentError(f"{missing} responses have no area or side: revision 0005 cannot "
                           "hold them; erase them or keep this revision")
    _columns("area", "rw", "code", "rw", nullable=False)
    for sql in _previous_views().values():
        op.execute(sql)
