"""Transit tables: the imported GTFS schedule (one active feed), live vehicles, observed stop events, boards, alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow

_BIG = BigInteger().with_variant(Integer, "sqlite")


class Feed(Base):
    """One imported GTFS feed; exactly one is active (the newest that passed validation)."""

    __tablename__ = "transit_feeds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    warnings: Mapped[list] = mapped_column(JSON, default=list)


class Stop(Base):
    __tablename__ = "transit_stops"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stop_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Route(Base):
    __tablename__ = "transit_routes"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    short_name: Mapped[str] = mapped_column(String(64))
    long_name: Mapped[str] = mapped_column(String(200))
    route_type: Mapped[int] = mapped_column(Integer)
    color: Mapped[str] = mapped_column(String(6))


class Trip(Base):
    __tablename__ = "transit_trips"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trip_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    route_id: Mapped[str] = mapped_column(String(64))
    service_id: Mapped[str] = mapped_column(String(64))
    direction_id: Mapped[int] = mapped_column(Integer)
    shape_id: Mapped[str] = mapped_column(String(128))
    block_id: Mapped[str] = mapped_column(String(128))
    headsign: Mapped[str] = mapped_column(String(200))


class StopTime(Base):
    """Times in seconds after the service day's noon-minus-12h (GTFS), dist_m along the trip's shape."""

    __tablename__ = "transit_stop_times"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trip_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    stop_id: Mapped[str] = mapped_column(String(64))
    arr_s: Mapped[int] = mapped_column(Integer)
    dep_s: Mapped[int] = mapped_column(Integer)
    dist_m: Mapped[float] = mapped_column(Float)


class Shape(Base):
    """Points as [[lat, lon, dist_m], ...] (metres measured by us, whatever units the feed used)."""

    __tablename__ = "transit_shapes"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shape_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    points: Mapped[list] = mapped_column(JSON)


class Service(Base):
    """calendar.txt (days 'MTWTFSS' as 0/1) with its calendar_dates exceptions as lists of YYYYMMDD."""

    __tablename__ = "transit_services"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    days: Mapped[str] = mapped_column(String(7), default="0000000")
    start_date: Mapped[str] = mapped_column(String(8), default="")
    end_date: Mapped[str] = mapped_column(String(8), default="")
    added: Mapped[list] = mapped_column(JSON, default=list)
    removed: Mapped[list] = mapped_column(JSON, default=list)


class Frequency(Base):
    __tablename__ = "transit_frequencies"
    feed_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trip_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    start_s: Mapped[int] = mapped_column(Integer, primary_key=True)
    end_s: Mapped[int] = mapped_column(Integer)
    headway_s: Mapped[int] = mapped_column(Integer)


class Vehicle(Base):
    """A bus's latest state: its report and what the tracker made of it."""

    __tablename__ = "transit_vehicles"
    vehicle_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ts: Mapped[int] = mapped_column(_BIG)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    speed: Mapped[float | None] = mapped_column(Float)
    bearing: Mapped[float | None] = mapped_column(Float)
    route_id: Mapped[str | None] = mapped_column(String(64))
    trip_id: Mapped[str | None] = mapped_column(String(128))
    service_date: Mapped[str | None] = mapped_column(String(8))
    dist_m: Mapped[float | None] = mapped_column(Float)
    next_seq: Mapped[int | None] = mapped_column(Integer)  # the first stop not yet departed
    delay_s: Mapped[int | None] = mapped_column(Integer)
    arr_ts: Mapped[int | None] = mapped_column(_BIG)  # arrival at the next stop while standing there
    off_route: Mapped[bool] = mapped_column(Boolean, default=False)
    matched: Mapped[str] = mapped_column(String(16), default="none")  # reported | matched | none
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Position(Base):
    """Every accepted report (the Marey chart's actual lines; the history stop events came from)."""

    __tablename__ = "transit_positions"
    __table_args__ = (Index("ix_transit_positions_trip", "trip_id", "ts"),)
    id: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=True)
    vehicle_id: Mapped[str] = mapped_column(String(64), index=True)
    ts: Mapped[int] = mapped_column(_BIG, index=True)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    trip_id: Mapped[str | None] = mapped_column(String(128))
    dist_m: Mapped[float | None] = mapped_column(Float)


class StopEvent(Base):
    """An observed arrival and departure of a trip at a stop: what the predictor learns from."""

    __tablename__ = "transit_stop_events"
    __table_args__ = (Index("uq_transit_stop_events", "service_date", "trip_id", "seq", unique=True),)
    id: Mapped[int] = mapped_column(_BIG, primary_key=True, autoincrement=True)
    service_date: Mapped[str] = mapped_column(String(8))
    trip_id: Mapped[str] = mapped_column(String(128))
    route_id: Mapped[str] = mapped_column(String(64))
    vehicle_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    stop_id: Mapped[str] = mapped_column(String(64), index=True)
    arr_ts: Mapped[int] = mapped_column(_BIG, index=True)
    dep_ts: Mapped[int] = mapped_column(_BIG)


class Board(Base):
    """A smart stop's board; each fetch of its page is a heartbeat."""

    __tablename__ = "transit_boards"
    stop_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    last_seen_at: Mapped[datetime | None] = mapped_column()
    silent: Mapped[bool] = mapped_column(Boolean, default=False)
    incident_id: Mapped[int | None] = mapped_column(Integer)


class Alert(Base):
    """A service alert: a route and/or stops, a period, text in Russian and English."""

    __tablename__ = "transit_alerts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    route_id: Mapped[str | None] = mapped_column(String(64))
    stop_ids: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime | None] = mapped_column()
    header_ru: Mapped[str] = mapped_column(String(200))
    header_en: Mapped[str] = mapped_column(String(200), default="")
    text_ru: Mapped[str] = mapped_column(String(2000), default="")
    text_en: Mapped[str] = mapped_column(String(2000), default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class Fault(Base):
    """One open incident per transit fault (bunching on a route, a silent bus, ...), keyed by kind and subject."""

    __tablename__ = "transit_faults"
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    incident_id: Mapped[int | None] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(default=utcnow)


class DropCount(Base):
    """Positions dropped, per reason, since the database was made."""

    __tablename__ = "transit_drops"
    reason: Mapped[str] = mapped_column(String(32), primary_key=True)
    count: Mapped[int] = mapped_column(_BIG, default=0)
