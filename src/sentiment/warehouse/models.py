"""Warehouse tables. Names tell the layer: `dim_…`, `fact_…`, `quarantine`, `ingest_batch`.

No column holds raw personal data: respondents are known only by an HMAC pseudonym and free
text is stored redacted. Analysts read the `v_…` views, never these tables.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class DimWave(Base):
    __tablename__ = "dim_wave"
    wave_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(120))
    fieldwork_start: Mapped[date] = mapped_column(Date)
    fieldwork_end: Mapped[date] = mapped_column(Date)


class DimArea(Base):
    __tablename__ = "dim_area"
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    side: Mapped[str] = mapped_column(String(16))
    side_label: Mapped[str] = mapped_column(String(120))
    label: Mapped[str] = mapped_column(String(120))


class DimQuestion(Base):
    """One row per question across form versions (`<form_id>.<question id>`)."""

    __tablename__ = "dim_question"
    question_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    form_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(24))
    label: Mapped[str] = mapped_column(Text)
    grp: Mapped[str | None] = mapped_column(String(255))
    scale: Mapped[str | None] = mapped_column(String(48))
    reverse: Mapped[bool] = mapped_column(Boolean, default=False)
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    first_version: Mapped[str] = mapped_column(String(64))
    last_version: Mapped[str] = mapped_column(String(64))


class DimChoice(Base):
    """Value labels: (question, value) → Indonesian label."""

    __tablename__ = "dim_choice"
    question_id: Mapped[str] = mapped_column(
        ForeignKey("dim_question.question_id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class DimRespondent(Base):
    """One row per pseudonymised respondent. Gender, age band and first wave are those first
    seen: a later file never updates them (fact_response keeps each response's own values)."""

    __tablename__ = "dim_respondent"
    respondent_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(4))
    age_band: Mapped[str | None] = mapped_column(String(8))
    first_wave: Mapped[str | None] = mapped_column(String(16))


class IngestBatch(Base):
    """Load state: one row per export file, keyed by its SHA-256."""

    __tablename__ = "ingest_batch"
    batch_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_file: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source_format: Mapped[str] = mapped_column(String(24))
    form_id: Mapped[str] = mapped_column(String(128))
    form_version: Mapped[str] = mapped_column(String(64))
    flow_run_id: Mapped[str | None] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_valid: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_conflict: Mapped[int] = mapped_column(Integer, default=0)
    rows_superseded: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    warnings: Mapped[str | None] = mapped_column(Text)  # JSON list of the reader's warnings


class FactResponse(Base):
    """One row per submission; an edited submission keeps its predecessor as history
    (`is_current` false, `superseded_by` = the edit's response_id), whichever loads first."""

    __tablename__ = "fact_response"
    __table_args__ = (UniqueConstraint("form_id", "submission_id", name="uq_response_submission"),)
    response_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(String(128))
    form_version: Mapped[str] = mapped_column(String(64))
    submission_id: Mapped[str] = mapped_column(String(128))
    respondent_key: Mapped[str] = mapped_column(
        ForeignKey("dim_respondent.respondent_key"), index=True
    )
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"))
    # The form's area question (areas.yaml code) and its side; NULL when the form has none.
    area: Mapped[str | None] = mapped_column(ForeignKey("dim_area.code"))
    # The form's sub-area question (a code as answered: a number or a name); never published.
    sub_area: Mapped[str | None] = mapped_column(String(64))
    side: Mapped[str | None] = mapped_column(String(16))
    respondent_group: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(4))
    age: Mapped[int | None] = mapped_column(Integer)
    age_band: Mapped[str | None] = mapped_column(String(8))
    interview_date: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batch.batch_id"))
    source_row: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The submission this one edits; indexed to find an older version that arrives late.
    supersedes: Mapped[str | None] = mapped_column(String(128), index=True)
    superseded_by: Mapped[int | None] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class FactAnswer(Base):
    """Closed answers: Likert/integer in `value_num`, choice codes in `value_text`.

    A select_multiple answer has one row per chosen option (`option` = the choice value).
    """

    __tablename__ = "fact_answer"
    response_id: Mapped[int] = mapped_column(
        ForeignKey("fact_response.response_id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(
        ForeignKey("dim_question.question_id"), primary_key=True
    )
    option: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    value_num: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(255))


class FactExtra(Base):
    """Answers in columns the form does not declare (e.g. a question a newer form version
    added), redacted like free text: kept and named, never dropped."""

    __tablename__ = "fact_extra"
    response_id: Mapped[int] = mapped_column(
        ForeignKey("fact_response.response_id", ondelete="CASCADE"), primary_key=True
    )
    column_name: Mapped[str] = mapped_column(String(255), primary_key=True)
    value_text: Mapped[str] = mapped_column(Text)


class FactText(Base):
    """Free-text answers, redacted before they reach the warehouse."""

    __tablename__ = "fact_text"
    __table_args__ = (UniqueConstraint("response_id", "question_id", name="uq_text_answer"),)
    text_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("fact_response.response_id", ondelete="CASCADE")
    )
    question_id: Mapped[str] = mapped_column(ForeignKey("dim_question.question_id"))
    text_redacted: Mapped[str] = mapped_column(Text)
    # ISO 639-1 code of the answer ("id" includes Jakarta slang); NULL: loaded before migration 0005.
    language: Mapped[str | None] = mapped_column(String(8))


class FactTextScore(Base):
    """Scores per text, scorer and model version; re-scoring appends and keeps history."""

    __tablename__ = "fact_text_score"
    __table_args__ = (
        UniqueConstraint("text_id", "scorer", "model_version", name="uq_text_score_version"),
    )
    score_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text_id: Mapped[int] = mapped_column(ForeignKey("fact_text.text_id", ondelete="CASCADE"))
    scorer: Mapped[str] = mapped_column(String(24))
    model_version: Mapped[str] = mapped_column(String(64))
    sentiment: Mapped[str] = mapped_column(String(8))
    sentiment_score: Mapped[float] = mapped_column(Float)
    topics: Mapped[str | None] = mapped_column(String(255))
    topic_scores: Mapped[str | None] = mapped_column(Text)
    reasons: Mapped[str | None] = mapped_column(Text)
    scored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class Quarantine(Base):
    """Rejected rows, one row per failed rule; values of PII fields are masked."""

    __tablename__ = "quarantine"
    quarantine_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batch.batch_id"))
    form_id: Mapped[str] = mapped_column(String(128))
    source_file: Mapped[str] = mapped_column(String(255))
    source_row: Mapped[int | None] = mapped_column(Integer)
    submission_id: Mapped[str | None] = mapped_column(String(128))
    respondent_key: Mapped[str | None] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(96))
    rule: Mapped[str] = mapped_column(String(64))
    value_masked: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    record_json: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ResponseWithdrawal(Base):
    """A submission withdrawn at its source (deleted on ODK Central), and why: one row per
    version id known (the root, its edits, the current version), each stored version linked by
    `response_id` (NULL for a version never loaded). A withdrawn response is not current, so it
    leaves every view; a withdrawn id is never loaded again (`warehouse.withdraw`)."""

    __tablename__ = "response_withdrawal"
    __table_args__ = (UniqueConstraint("form_id", "submission_id", name="uq_withdrawal_submission"),)
    withdrawal_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    form_id: Mapped[str] = mapped_column(String(128))
    submission_id: Mapped[str] = mapped_column(String(128))
    # The submission's first id across edits (Central's `__id`): what the source deleted.
    root_id: Mapped[str] = mapped_column(String(128), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("fact_response.response_id"),
                                                    index=True)
    source: Mapped[str] = mapped_column(String(255))  # source_cursor.source, e.g. odk:host/3/form
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the source's
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(Text)


class SourceCursor(Base):
    """How far a pull from a survey server has got: one row per source (`kobo:<server>/<asset>`,
    `odk:<server>/<project>/<form>`), moved only after the submissions up to it are loaded."""

    __tablename__ = "source_cursor"
    source: Mapped[str] = mapped_column(String(255), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # The server's own submission time of the newest loaded submission, as the server wrote it.
    cursor: Mapped[str | None] = mapped_column(String(64))
    submissions: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WarehouseMeta(Base):
    __tablename__ = "warehouse_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


CORE_TABLES = [
    DimWave.__table__, DimArea.__table__, DimQuestion.__table__, DimChoice.__table__,
    DimRespondent.__table__, IngestBatch.__table__, FactResponse.__table__,
    FactAnswer.__table__, FactExtra.__table__, FactText.__table__, FactTextScore.__table__,
    Quarantine.__table__, SourceCursor.__table__, ResponseWithdrawal.__table__,
    WarehouseMeta.__table__,
]
