"""Excavation permits, the verdicts of excavation incidents, and the event cursor of the works duty."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class Permit(Base):
    """An excavation permit (ордер на земляные работы) with its place, time and contractor."""

    __tablename__ = "works_permits"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32), default="excavation")
    purpose: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    contractor: Mapped[str] = mapped_column(String(200))
    contractor_inn: Mapped[str] = mapped_column(String(12))
    licence_until: Mapped[date | None]
    responsible: Mapped[str] = mapped_column(String(200), default="")
    responsible_phone: Mapped[str] = mapped_column(String(40), default="")
    geometry: Mapped[dict] = mapped_column(JSON)
    width_m: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime] = mapped_column(index=True)
    hours_from: Mapped[str] = mapped_column(String(5), default="00:00")
    hours_to: Mapped[str] = mapped_column(String(5), default="24:00")
    status: Mapped[str] = mapped_column(String(16), index=True)
    restore_by: Mapped[date | None]
    documents: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None]
    restoration_incident_id: Mapped[int | None]
    # Every UPDATE of the row says WHERE version = <the version read> (compare-and-set), so two
    # writers that read the same version cannot both win, on SQLite (no SELECT FOR UPDATE) as on
    # PostgreSQL; the loser's flush raises StaleDataError, which the API answers with 409.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class IncidentCheck(Base):
    """The last verdict of an excavation incident's place (made on create and on each move)."""

    __tablename__ = "works_incident_checks"

    incident_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    checked_at: Mapped[datetime]
    verdict: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    permit_number: Mapped[str | None] = mapped_column(String(64))
    violation_recorded: Mapped[bool] = mapped_column(default=False)


class EventCursor(Base):
    """How far a duty of the city-works domains has read the live events (one row per duty)."""

    __tablename__ = "works_event_cursors"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
