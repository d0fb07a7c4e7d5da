"""ORM table `coding`: human sentiment/topic codes per free-text answer (one row per code)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sentiment.warehouse.models import Base

CODING_LABELS = ("positif", "netral", "negatif")


class Coding(Base):
    """A coder's label for one answer; re-coding appends, the latest per coder counts."""

    __tablename__ = "coding"
    __table_args__ = (
        CheckConstraint("label IN ('positif', 'netral', 'negatif')", name="ck_coding_label"),
    )
    coding_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    text_id: Mapped[int] = mapped_column(
        ForeignKey("fact_text.text_id", ondelete="CASCADE"), index=True
    )
    coder: Mapped[str] = mapped_column(String(80))
    label: Mapped[str] = mapped_column(String(12))
    topics: Mapped[str | None] = mapped_column(Text)
    coded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    source_file: Mapped[str | None] = mapped_column(String(255))
