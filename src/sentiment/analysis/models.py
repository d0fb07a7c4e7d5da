"""Analysis tables on the warehouse `Base` (created by migration 0003); views publish them.

Every row keeps its numbers and a `suppressed` flag: the warehouse can audit what was
withheld, and the `v_…` views never show a suppressed cell.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sentiment.warehouse.models import Base


class TensionIndex(Base):
    """Index per wave × side × group; side / group 'semua' for totals."""

    __tablename__ = "tension_index"
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16), primary_key=True)
    tension_index: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[bool] = mapped_column(Boolean)
    suppression: Mapped[str | None] = mapped_column(String(16))
    likert_component: Mapped[float | None] = mapped_column(Float)
    brawls_component: Mapped[float | None] = mapped_column(Float)
    text_component: Mapped[float | None] = mapped_column(Float)
    n_brawls: Mapped[int] = mapped_column(Integer)
    mean_brawls: Mapped[float | None] = mapped_column(Float)
    n_text: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method_version: Mapped[str] = mapped_column(String(16))


class ScaleReliability(Base):
    __tablename__ = "scale_reliability"
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16), primary_key=True)
    alpha: Mapped[float | None] = mapped_column(Float)
    omega: Mapped[float | None] = mapped_column(Float)
    n_items: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    flag_low: Mapped[bool] = mapped_column(Boolean)
    suppressed: Mapped[bool] = mapped_column(Boolean)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method_version: Mapped[str] = mapped_column(String(16))


class TensionChange(Base):
    """Change of the index from `prev_wave_id` to `wave_id` for one cell."""

    __tablename__ = "tension_change"
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16), primary_key=True)
    prev_wave_id: Mapped[str] = mapped_column(String(16))
    previous: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float | None] = mapped_column(Float)
    diff: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    n_prev: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[bool] = mapped_column(Boolean)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method_version: Mapped[str] = mapped_column(String(16))


class TensionTrend(Base):
    """Mann–Kendall trend and Sen's slope of the published cell means across waves."""

    __tablename__ = "tension_trend"
    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_wave: Mapped[str] = mapped_column(String(16))
    last_wave: Mapped[str] = mapped_column(String(16))
    n_waves: Mapped[int] = mapped_column(Integer)
    trend: Mapped[str] = mapped_column(String(16))
    mk_tau: Mapped[float | None] = mapped_column(Float)
    mk_s: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    sen_slope: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method_version: Mapped[str] = mapped_column(String(16))


class TopicShare(Base):
    """Share of free-text answers per topic and the negative share within the topic."""

    __tablename__ = "topic_share"
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16), primary_key=True)
    topic: Mapped[str] = mapped_column(String(48), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    n_topic: Mapped[int] = mapped_column(Integer)
    share: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    n_negative: Mapped[int] = mapped_column(Integer)
    negative_share: Mapped[float | None] = mapped_column(Float)
    negative_ci_low: Mapped[float | None] = mapped_column(Float)
    negative_ci_high: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean)
    negative_suppressed: Mapped[bool] = mapped_column(Boolean)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method_version: Mapped[str] = mapped_column(String(16))


class Alert(Base):
    """A fired early-warning rule; one row per rule × wave × cell (× topic), kept once sent."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("rule_id", "wave_id", "side", "respondent_group", "topic",
                                       name="uq_alert_firing"),)
    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(32))
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"))
    prev_wave_id: Mapped[str | None] = mapped_column(String(16))
    side: Mapped[str] = mapped_column(String(16))
    respondent_group: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(48), default="")  # "" = not a topic rule
    value: Mapped[float | None] = mapped_column(Float)
    previous: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    n: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    fired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


ANALYSIS_TABLES = [TensionIndex.__table__, ScaleReliability.__table__, TensionChange.__table__,
                   TensionTrend.__table__, TopicShare.__table__, Alert.__table__]


class TextEstimate(Base):
    """A text figure per wave × side × group (totals 'semua'): the machine's share beside the
    prediction-powered estimate corrected by the wave's human-coded answers (migration 0010).

    measure: 'sentiment' (label = positif/netral/negatif), 'topic' (label = topic code),
    'text_component' (label = 'text_component', 0–100 like tension_index.text_component).
    method: 'ppi', 'classical' (coded answers alone) or 'uncorrected' (no coded answer in the
    cell: estimate and interval NULL). n_training: coded answers of the cell left out of the
    correction because a model was trained on them.
    """

    __tablename__ = "text_estimate"
    wave_id: Mapped[str] = mapped_column(ForeignKey("dim_wave.wave_id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(16), primary_key=True)
    respondent_group: Mapped[str] = mapped_column(String(16), primary_key=True)
    measure: Mapped[str] = mapped_column(String(16), primary_key=True)
    label: Mapped[str] = mapped_column(String(48), primary_key=True)
    estimate: Mapped[float | None] = mapped_column(Float)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    machine_share: Mapped[float | None] = mapped_column(Float)
    n_scored: Mapped[int] = mapped_column(Integer)
    n_coded: Mapped[int] = mapped_column(Integer)
    n_training: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(16))
    suppressed: Mapped[bool] = mapped_column(Boolean)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    method_version: Mapped[str] = mapped_column(String(16))


class CodingTraining(Base):
    """A coded answer a model was trained on (`sentiment train --from-coding`): never used to
    correct that model's figures (migration 0010)."""

    __tablename__ = "coding_training"
    text_id: Mapped[int] = mapped_column(ForeignKey("fact_text.text_id", ondelete="CASCADE"),
                                         primary_key=True)
    model_version: Mapped[str] = mapped_column(String(64), primary_key=True)
    trained_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


ESTIMATE_TABLES = [TextEstimate.__table__, CodingTraining.__table__]
"""Added by migration 0010 (not in ANALYSIS_TABLES, which revision 0003 builds)."""
