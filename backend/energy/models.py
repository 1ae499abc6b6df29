"""Alarms raised by the energy rules on meters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow

_BIG = BigInteger().with_variant(Integer, "sqlite")


class Alarm(Base):
    """active_unack → active_ack → cleared; at most one not-cleared alarm per device and type."""

    __tablename__ = "alarms"
    __table_args__ = (
        Index("uq_alarms_active", "device_id", "type", unique=True,
              postgresql_where=text("state <> 'cleared'"), sqlite_where=text("state <> 'cleared'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("devices.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))  # over_baseline | night_use | water_leak | silent_meter
    severity: Mapped[str] = mapped_column(String(16))  # critical | major | minor | warning
    state: Mapped[str] = mapped_column(String(16), default="active_unack", index=True)
    message: Mapped[str] = mapped_column(String(500), default="")
    # The same text as a stable code and its values, for clients that translate it.
    message_code: Mapped[str] = mapped_column(String(64), default="")
    message_params: Mapped[dict] = mapped_column(JSON, default=dict)
    value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float)
    # The anomalous period (epoch ms) the charts shade; period_end is None while it lasts.
    period_start: Mapped[int] = mapped_column(_BIG)
    period_end: Mapped[int | None] = mapped_column(_BIG)
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    acked_at: Mapped[datetime | None] = mapped_column()
    acked_by: Mapped[str | None] = mapped_column(String(64))
    cleared_at: Mapped[datetime | None] = mapped_column()
    # The incident a critical alarm opened (incidents live in their own migration branch).
    incident_id: Mapped[int | None] = mapped_column(Integer)
