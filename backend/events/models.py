from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class Event(Base):
    """A live change, kept so that a client resuming with Last-Event-ID misses nothing.

    `min_role` and `owner_id` say who may see it: users of that role or above, and, when
    `owner_id` is set, only that user. The stream filters on them server-side."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    type: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    min_role: Mapped[str] = mapped_column(String(16), default="dispatcher", server_default="dispatcher")
    owner_id: Mapped[int | None] = mapped_column(Integer)
