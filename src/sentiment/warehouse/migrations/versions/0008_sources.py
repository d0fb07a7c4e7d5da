"""Pulls from survey servers: `source_cursor` keeps, per source, the submission time of the
newest submission loaded, so the next pull asks only for what came after it; form versions
may be 64 characters (a Kobo asset's version id is 22, more than the 16 allowed so far).

PostgreSQL drops a view's grants with the view: run `sentiment db roles --apply` afterwards.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sentiment.errors import SentimentError

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen copies of the views on fact_response at this revision (unchanged since 0006): they
# are dropped and recreated around the column change.
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



def _form_version(length: int, before: int) -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table, columns in (("ingest_batch", ["form_version"]), ("fact_response", ["form_version"]),
                           ("dim_question", ["first_version", "last_version"])):
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.String(length),
                                   existing_type=sa.String(before), existing_nullable=False)
    for sql in VIEWS.values():
        op.execute(sql)


def upgrade() -> None:
    op.create_table(
        "source_cursor",
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("cursor", sa.String(64), nullable=True),
        sa.Column("submissions", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )
    _form_version(64, before=16)


def downgrade() -> None:
    longest = op.get_bind().execute(sa.text(
        "SELECT max(length(form_version)) FROM fact_response")).scalar() or 0
    if longest > 16:
        raise SentimentError(f"a form version of {longest} characters is stored: revision 0007 "
                           "holds at most 16; keep this revision")
    _form_version(16, before=64)
    op.drop_table("source_cursor")
