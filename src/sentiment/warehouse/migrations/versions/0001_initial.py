"""Core warehouse: dimensions, facts, quarantine, load state, and the two core analyst views.

Hand-written and frozen: a later change to `models.py` or `views.py` needs a new migration
(tests/warehouse compares the migrated schema with the models).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Copied from views.py at this revision; never import it here (it moves on, this must not).
VIEWS = {
    "v_responses_long": """
CREATE VIEW v_responses_long AS
SELECT r.wave_id, r.side, r.respondent_group, r.respondent_key, r.gender, r.age_band, r.rw,
       r.form_id, r.form_version, a.question_id, q.label AS question_label, a.option,
       a.value_num, a.value_text, c.label AS value_label
FROM fact_answer a
JOIN fact_response r ON r.response_id = a.response_id
JOIN dim_question q ON q.question_id = a.question_id
LEFT JOIN dim_choice c ON c.question_id = a.question_id AND c.value = a.value_text
WHERE r.is_current
""",
    "v_text_scores": """
CREATE VIEW v_text_scores AS
SELECT t.text_id, r.wave_id, r.side, r.respondent_group, r.form_id, t.question_id,
       t.text_redacted, s.sentiment, s.sentiment_score, s.topics, s.topic_scores,
       s.scorer, s.model_version, r.respondent_key
FROM fact_text t
JOIN fact_response r ON r.response_id = t.response_id
LEFT JOIN fact_text_score s ON s.text_id = t.text_id AND s.is_current
WHERE r.is_current
""",
}


def _col(name: str, type_: sa.types.TypeEngine, nullable: bool = False, **kw) -> sa.Column:
    return sa.Column(name, type_, nullable=nullable, **kw)


def _serial(name: str) -> sa.Column:
    # INTEGER so SQLite makes it the rowid and PostgreSQL a SERIAL.
    return sa.Column(name, sa.Integer(), primary_key=True, autoincrement=True, nullable=False)


def upgrade() -> None:
    op.create_table(
        "dim_wave",
        _col("wave_id", sa.String(16), primary_key=True),
        _col("label", sa.String(120)),
        _col("fieldwork_start", sa.Date()),
        _col("fieldwork_end", sa.Date()),
    )
    op.create_table(
        "dim_area",
        _col("rw", sa.String(8), primary_key=True),
        _col("side", sa.String(16)),
        _col("side_label", sa.String(120)),
        _col("label", sa.String(120)),
    )
    op.create_table(
        "dim_question",
        _col("question_id", sa.String(96), primary_key=True),
        _col("form_id", sa.String(32)),
        _col("name", sa.String(64)),
        _col("type", sa.String(24)),
        _col("label", sa.Text()),
        _col("grp", sa.String(48), nullable=True),
        _col("scale", sa.String(48), nullable=True),
        _col("reverse", sa.Boolean()),
        _col("required", sa.Boolean()),
        _col("first_version", sa.String(16)),
        _col("last_version", sa.String(16)),
    )
    op.create_table(
        "dim_choice",
        _col("question_id", sa.String(96), primary_key=True),
        _col("value", sa.String(64), primary_key=True),
        _col("label", sa.Text()),
        _col("position", sa.Integer()),
        sa.ForeignKeyConstraint(["question_id"], ["dim_question.question_id"], ondelete="CASCADE"),
    )
    op.create_table(
        "dim_respondent",
        _col("respondent_key", sa.String(64), primary_key=True),
        _col("respondent_group", sa.String(16)),
        _col("gender", sa.String(4), nullable=True),
        _col("age_band", sa.String(8), nullable=True),
        _col("first_wave", sa.String(16), nullable=True),
    )
    op.create_table(
        "ingest_batch",
        _serial("batch_id"),
        _col("source_file", sa.String(255)),
        _col("file_sha256", sa.String(64)),
        _col("source_format", sa.String(24)),
        _col("form_id", sa.String(32)),
        _col("form_version", sa.String(16)),
        _col("flow_run_id", sa.String(64), nullable=True),
        *(_col(f"rows_{n}", sa.Integer()) for n in (
            "read", "valid", "loaded", "quarantined", "duplicate", "conflict", "superseded")),
        _col("started_at", sa.DateTime(timezone=True)),
        _col("finished_at", sa.DateTime(timezone=True), nullable=True),
        _col("status", sa.String(16)),
        sa.UniqueConstraint("file_sha256"),
    )
    op.create_table(
        "fact_response",
        _serial("response_id"),
        _col("form_id", sa.String(32)),
        _col("form_version", sa.String(16)),
        _col("submission_id", sa.String(128)),
        _col("respondent_key", sa.String(64)),
        _col("wave_id", sa.String(16)),
        _col("rw", sa.String(8)),
        _col("rt", sa.Integer(), nullable=True),
        _col("side", sa.String(16)),
        _col("respondent_group", sa.String(16)),
        _col("gender", sa.String(4), nullable=True),
        _col("age", sa.Integer(), nullable=True),
        _col("age_band", sa.String(8), nullable=True),
        _col("interview_date", sa.Date(), nullable=True),
        _col("submitted_at", sa.DateTime(timezone=True), nullable=True),
        _col("batch_id", sa.Integer()),
        _col("source_row", sa.Integer(), nullable=True),
        _col("content_hash", sa.String(64)),
        _col("supersedes", sa.String(128), nullable=True),
        _col("superseded_by", sa.Integer(), nullable=True),
        _col("is_current", sa.Boolean()),
        sa.ForeignKeyConstraint(["respondent_key"], ["dim_respondent.respondent_key"]),
        sa.ForeignKeyConstraint(["wave_id"], ["dim_wave.wave_id"]),
        sa.ForeignKeyConstraint(["rw"], ["dim_area.rw"]),
        sa.ForeignKeyConstraint(["batch_id"], ["ingest_batch.batch_id"]),
        sa.UniqueConstraint("form_id", "submission_id", name="uq_response_submission"),
    )
    op.create_index("ix_fact_response_respondent_key", "fact_response", ["respondent_key"])
    op.create_index("ix_fact_response_supersedes", "fact_response", ["supersedes"])
    op.create_table(
        "fact_answer",
        _col("response_id", sa.Integer(), primary_key=True, autoincrement=False),
        _col("question_id", sa.String(96), primary_key=True),
        _col("option", sa.String(64), primary_key=True),
        _col("value_num", sa.Float(), nullable=True),
        _col("value_text", sa.String(255), nullable=True),
        sa.ForeignKeyConstraint(["response_id"], ["fact_response.response_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["dim_question.question_id"]),
    )
    op.create_table(
        "fact_text",
        _serial("text_id"),
        _col("response_id", sa.Integer()),
        _col("question_id", sa.String(96)),
        _col("text_redacted", sa.Text()),
        sa.ForeignKeyConstraint(["response_id"], ["fact_response.response_id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["question_id"], ["dim_question.question_id"]),
        sa.UniqueConstraint("response_id", "question_id", name="uq_text_answer"),
    )
    op.create_table(
        "fact_text_score",
        _serial("score_id"),
        _col("text_id", sa.Integer()),
        _col("scorer", sa.String(24)),
        _col("model_version", sa.String(64)),
        _col("sentiment", sa.String(8)),
        _col("sentiment_score", sa.Float()),
        _col("topics", sa.String(255), nullable=True),
        _col("topic_scores", sa.Text(), nullable=True),
        _col("reasons", sa.Text(), nullable=True),
        _col("scored_at", sa.DateTime(timezone=True)),
        _col("is_current", sa.Boolean()),
        sa.ForeignKeyConstraint(["text_id"], ["fact_text.text_id"], ondelete="CASCADE"),
        sa.UniqueConstraint("text_id", "scorer", "model_version", name="uq_text_score_version"),
    )
    op.create_table(
        "quarantine",
        _serial("quarantine_id"),
        _col("batch_id", sa.Integer(), nullable=True),
        _col("form_id", sa.String(32)),
        _col("source_file", sa.String(255)),
        _col("source_row", sa.Integer(), nullable=True),
        _col("submission_id", sa.String(128), nullable=True),
        _col("respondent_key", sa.String(64), nullable=True),
        _col("field", sa.String(96)),
        _col("rule", sa.String(64)),
        _col("value_masked", sa.Text(), nullable=True),
        _col("reason", sa.Text()),
        _col("record_json", sa.Text(), nullable=True),
        _col("created_at", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(["batch_id"], ["ingest_batch.batch_id"]),
    )
    op.create_table(
        "warehouse_meta",
        _col("key", sa.String(64), primary_key=True),
        _col("value", sa.Text()),
    )
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for table in ("warehouse_meta", "quarantine", "fact_text_score", "fact_text", "fact_answer",
                  "fact_response", "ingest_batch", "dim_respondent", "dim_choice",
                  "dim_question", "dim_area", "dim_wave"):
        op.drop_table(table)
