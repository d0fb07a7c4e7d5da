"""Language of each free-text answer: `fact_text.language` and `v_text_scores.language`.

Answers that are not Indonesian (or Jakarta Malay/slang) keep their text and language but get
no Indonesian sentiment or topics (no `fact_text_score` row). Texts loaded before this revision
have language NULL (unknown).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Copied from views.py at this revision; never import it here. `language` comes last so that
# PostgreSQL can CREATE OR REPLACE the view and keep the analyst role's grant.
V_TEXT_SCORES = """
VIEW v_text_scores AS
SELECT t.text_id, r.wave_id, r.side, r.respondent_group, r.form_id, t.question_id,
       t.text_redacted, s.sentiment, s.sentiment_score, s.topics, s.topic_scores,
       s.scorer, s.model_version, r.respondent_key, t.language
FROM fact_text t
JOIN fact_response r ON r.response_id = t.response_id
LEFT JOIN fact_text_score s ON s.text_id = t.text_id AND s.is_current
WHERE r.is_current
"""

V_TEXT_SCORES_0001 = """
CREATE VIEW v_text_scores AS
SELECT t.text_id, r.wave_id, r.side, r.respondent_group, r.form_id, t.question_id,
       t.text_redacted, s.sentiment, s.sentiment_score, s.topics, s.topic_scores,
       s.scorer, s.model_version, r.respondent_key
FROM fact_text t
JOIN fact_response r ON r.response_id = t.response_id
LEFT JOIN fact_text_score s ON s.text_id = t.text_id AND s.is_current
WHERE r.is_current
"""


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.add_column("fact_text", sa.Column("language", sa.String(8), nullable=True))
    if _postgres():
        op.execute("CREATE OR REPLACE " + V_TEXT_SCORES)
    else:
        op.execute("DROP VIEW IF EXISTS v_text_scores")
        op.execute("CREATE " + V_TEXT_SCORES)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS v_text_scores")
    with op.batch_alter_table("fact_text") as batch:
        batch.drop_column("language")
    op.execute(V_TEXT_SCORES_0001)
