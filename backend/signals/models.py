"""Signal controllers, their raw events (partitioned by day on PostgreSQL), measures, plans, faults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow

_BIG = BigInteger().with_variant(Integer, "sqlite")


class SignalController(Base):
    """One intersection's controller: where it is, its phases and stages, and its live state."""

    __tablename__ = "signal_controllers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)  # the id in MQTT topics and CSV DeviceId
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    camera: Mapped[str] = mapped_column(String(64), default="")
    phases: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    stages: Mapped[list[list[int]]] = mapped_column(JSON)
    min_cycle: Mapped[float] = mapped_column(Float, default=30.0)
    max_cycle: Mapped[float] = mapped_column(Float, default=120.0)
    # The state machine fed by events (groups, detectors, pattern, cycle reference, flash...),
    # kept in the row so every server instance and a restart see the same state.
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    last_event_ts: Mapped[int | None] = mapped_column(_BIG)
    last_heard_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignalEvent(Base):
    """A high-resolution event; stored once per (controller, ts, code, parameter)."""

    __tablename__ = "signal_events"

    controller_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[int] = mapped_column(_BIG, primary_key=True)
    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    param: Mapped[int] = mapped_column(SmallInteger, primary_key=True)


class SignalMeasure(Base):
    """A 15-minute bin of one phase's performance measures (kept for years)."""

    __tablename__ = "signal_measures"

    controller_id: Mapped[int] = mapped_column(ForeignKey("signal_controllers.id"), primary_key=True)
    ts: Mapped[int] = mapped_column(_BIG, primary_key=True)
    phase: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    volume: Mapped[float] = mapped_column(Float, default=0)
    aog_percent: Mapped[float | None] = mapped_column(Float)
    split_failures: Mapped[int] = mapped_column(Integer, default=0)
    cycles: Mapped[int] = mapped_column(Integer, default=0)
    gap_outs: Mapped[int] = mapped_column(Integer, default=0)
    max_outs: Mapped[int] = mapped_column(Integer, default=0)
    force_offs: Mapped[int] = mapped_column(Integer, default=0)
    green_s: Mapped[float | None] = mapped_column(Float)
    ped_delay_s: Mapped[float | None] = mapped_column(Float)


class SignalPlan(Base):
    """A timing plan for a time-of-day period: cycle, offset, green per stage."""

    __tablename__ = "signal_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("signal_controllers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    period_start: Mapped[str] = mapped_column(String(5))
    period_end: Mapped[str] = mapped_column(String(5))
    days: Mapped[str] = mapped_column(String(8), default="all")
    pattern: Mapped[int] = mapped_column(Integer, default=1)
    cycle: Mapped[float] = mapped_column(Float)
    offset: Mapped[float] = mapped_column(Float, default=0.0)
    splits: Mapped[dict[str, float]] = mapped_column(JSON)
    sequence: Mapped[list[int]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16), default="manual")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Whether the plan is in the controller's time-of-day schedule now.
    applied: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class PlanApplication(Base):
    """A plan put into a controller's schedule, by whom, replacing which; undone by a roll-back."""

    __tablename__ = "signal_plan_applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("signal_controllers.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("signal_plans.id"))
    previous_plan_id: Mapped[int | None] = mapped_column(ForeignKey("signal_plans.id"))
    applied_by: Mapped[str] = mapped_column(String(64))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    rolled_back_at: Mapped[datetime | None] = mapped_column()
    rolled_back_by: Mapped[str | None] = mapped_column(String(64))


class SignalFault(Base):
    """One fault of a controller (kind + key, e.g. a detector channel); open until it clears."""

    __tablename__ = "signal_faults"
    __table_args__ = (
        Index("uq_signal_faults_open", "controller_id", "kind", "key", unique=True,
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    controller_id: Mapped[int] = mapped_column(ForeignKey("signal_controllers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(32), default="")
    detail: Mapped[str] = mapped_column(String(500), default="")
    # The same text as a stable code ("signals.<kind>") and its values, for clients that translate it.
    detail_code: Mapped[str] = mapped_column(String(64), default="")
    detail_params: Mapped[dict] = mapped_column(JSON, default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    incident_id: Mapped[int | None] = mapped_column(Integer)


class SignalCounter(Base):
    """Ingestion counters: stored, duplicate, rejected.<reason>."""

    __tablename__ = "signal_counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(_BIG, default=0)
    last_at: Mapped[datetime | None] = mapped_column()
    last_detail: Mapped[str] = mapped_column(String(300), default="")
