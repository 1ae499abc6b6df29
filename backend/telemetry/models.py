"""Sites (municipal buildings), devices (meters, sensors), readings and their rollups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class Site(Base):
    """A municipal building (school, kindergarten, clinic, office) with its opening hours."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # Local hours [open_hour, close_hour) on the weekdays in open_days ("0123456" = Mon..Sun).
    open_hour: Mapped[int] = mapped_column(Integer, default=8)
    close_hour: Mapped[int] = mapped_column(Integer, default=18)
    open_days: Mapped[str] = mapped_column(String(7), default="01234")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Device(Base):
    """A meter or sensor; `uid` is the id in its MQTT topic city/telemetry/{uid}."""

    __tablename__ = "devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="meter")
    # electricity | heat | water for meters; None for other sensors.
    resource: Mapped[str | None] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(32), default="value")  # the main telemetry key
    unit: Mapped[str] = mapped_column(String(16), default="")
    interval_s: Mapped[int] = mapped_column(Integer, default=900)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_seen_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


_BIG = BigInteger().with_variant(Integer, "sqlite")


class Reading(Base):
    """One value of one key of one device at one time (epoch ms); stored once."""

    __tablename__ = "readings"
    __table_args__ = {"sqlite_with_rowid": False}

    # No foreign key: ingestion checks devices against its cache, and a per-row FK check
    # costs a noticeable share of the insert rate on PostgreSQL.
    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    ts: Mapped[int] = mapped_column(_BIG, primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class _Rollup:
    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    bucket: Mapped[int] = mapped_column(_BIG, primary_key=True)  # bucket start, epoch ms
    count: Mapped[int] = mapped_column(Integer)
    sum: Mapped[float] = mapped_column(Float)
    min: Mapped[float] = mapped_column(Float)
    max: Mapped[float] = mapped_column(Float)


class HourlyRollup(_Rollup, Base):
    __tablename__ = "readings_hourly"
    __table_args__ = {"sqlite_with_rowid": False}


class DailyRollup(_Rollup, Base):
    """Days are local days of the city (Europe/Moscow, UTC+3)."""

    __tablename__ = "readings_daily"
    __table_args__ = {"sqlite_with_rowid": False}


class TelemetryCounter(Base):
    """Ingestion counters shared by every backend instance: stored, duplicate, rejected.<reason>."""

    __tablename__ = "telemetry_counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(_BIG, default=0)
    last_at: Mapped[datetime | None] = mapped_column()
    last_detail: Mapped[str] = mapped_column(String(300), default="")
