"""Street sections with their schedules, the machines, their GPS fixes, and missed-section incidents."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Float, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base

BIG = BigInteger().with_variant(Integer, "sqlite")


class Section(Base):
    """A stretch of street cleaned as one job, with its recurring schedule (rules as JSON)."""

    __tablename__ = "cleaning_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(64))
    geometry: Mapped[dict] = mapped_column(JSON)
    length_m: Mapped[float] = mapped_column(Float)
    schedule: Mapped[list] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class Vehicle(Base):
    __tablename__ = "cleaning_vehicles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    speed: Mapped[float | None] = mapped_column(Float)
    work: Mapped[str] = mapped_column(String(16), default="none")
    last_ts: Mapped[int | None] = mapped_column(BIG)


class Fix(Base):
    """One GPS report of a machine (epoch ms)."""

    __tablename__ = "cleaning_fixes"
    __table_args__ = (Index("ix_cleaning_fixes_vehicle_ts", "vehicle_id", "ts"), Index("ix_cleaning_fixes_ts", "ts"))

    id: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=True)
    vehicle_id: Mapped[str] = mapped_column(String(32))
    ts: Mapped[int] = mapped_column(BIG)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed: Mapped[float] = mapped_column(Float, default=0.0)
    work: Mapped[str] = mapped_column(String(16), default="none")


class MissedSection(Base):
    """A section's window that ended without the section cleaned, and the incident it opened (once)."""

    __tablename__ = "cleaning_missed"
    __table_args__ = (UniqueConstraint("section_id", "window_start", name="uq_cleaning_missed_window"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date]
    window_start: Mapped[datetime]
    share: Mapped[float] = mapped_column(Float)
    incident_id: Mapped[int | None]
