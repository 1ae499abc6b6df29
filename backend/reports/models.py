"""Shift reports: what was asked, by whom, how far the making is, and where the files are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # shift | day | week | custom
    start: Mapped[datetime]
    end: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)  # queued|running|done|failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[str] = mapped_column(String(64))
    # The supervisor's full name for the PDF ("составил"); the username when there is none.
    author: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column()
    pdf_path: Mapped[str | None] = mapped_column(String(300))  # relative to the media directory
    pdf_size: Mapped[int | None] = mapped_column(Integer)
    xlsx_path: Mapped[str | None] = mapped_column(String(300))
    xlsx_size: Mapped[int | None] = mapped_column(Integer)
