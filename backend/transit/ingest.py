"""Bus positions in: MQTT city/transit/vehicles/{vehicle_id} (and GTFS-rt VehiclePositions pulled from carriers).

Payload: {"ts": ms, "lat", "lon", "speed": m/s, "bearing": deg, "route_id", "trip_id": optional}.
Bad, stale, future, out-of-area, out-of-order and unknown-route reports are counted per reason
and dropped. The rest go through the Tracker (trip matching, progress, stop events) and are
written in batches: the vehicles' latest state, every position, the stop events; one coalesced
`transit.vehicles` event a second carries the moved buses to the desktops.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.db import utcnow
from backend.events.service import publish
from backend.transit import clock as clock_mod
from backend.transit import models as m
from backend.transit import network as network_mod
from backend.transit.tracker import Tracker, VehicleState

log = logging.getLogger(__name__)
TOPIC_ROOT = "city/transit/vehicles"
REASONS = ("malformed", "bad_timestamp", "stale", "future", "bad_position", "out_of_area", "out_of_order",
           "unknown_route", "no_schedule")
STALE_MS = 10 * 60_000
FUTURE_MS = 60_000
AREA_MARGIN_DEG = 0.05  # ~5 km around the feed's stops
MIN_TS_MS = 946_684_800_000


class Dropped(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def parse_position(body: bytes | str | dict, *, now_ms: int) -> dict:
    """The report as a dict of checked fields; raises Dropped(reason)."""
    if not isinstance(body, dict):
        try:
            body = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Dropped("malformed") from None
    if not isinstance(body, dict):
        raise Dropped("malformed")
    ts = _num(body.get("ts"))
    if ts is None or ts < MIN_TS_MS:
        raise Dropped("bad_timestamp")
    ts = int(ts)
    if ts > now_ms + FUTURE_MS:
        raise Dropped("future")
    if ts < now_ms - STALE_MS:
        raise Dropped("stale")
    lat, lon = _num(body.get("lat")), _num(body.get("lon"))
    if lat is None or lon is None or not -90 <= lat <= 90 or not -180 <= lon <= 180 or (lat == 0 and lon == 0):
        raise Dropped("bad_position")
    speed, bearing = _num(body.get("speed")), _num(body.get("bearing"))
    route, trip = body.get("route_id"), body.get("trip_id")
    if any(isinstance(x, str) and "\x00" in x for x in (route, trip)):
        raise Dropped("malformed")  # PostgreSQL refuses NUL in text: one such report would lose its batch
    return {"ts": ts, "lat": lat, "lon": lon,
            "speed": speed if speed is not None and 0 <= speed < 70 else None,
            "bearing": bearing % 360 if bearing is not None else None,
            "route_id": str(route)[:64] if route not in (None, "") else None,
            "trip_id": str(trip)[:128] if trip not in (None, "") else None}


def _upsert(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def vehicle_row(v: VehicleState) -> dict:
    t = v.trip
    return {"vehicle_id": v.vehicle_id, "ts": v.ts, "lat": v.lat, "lon": v.lon, "speed": v.speed,
            "bearing": v.bearing, "route_id": v.route_id, "trip_id": t.trip_id if t else None,
            "service_date": v.service_date if t else None, "dist_m": v.dist if t else None,
            "next_seq": (t.calls[v.next_i].seq if v.next_i < len(t.calls) else t.calls[-1].seq + 1) if t else None,
            "delay_s": v.delay_s if t else None, "arr_ts": v.arr_ts if t else None, "off_route": v.off_route,
            "matched": v.matched, "updated_at": utcnow()}


POSITION_COLUMNS = ("vehicle_id", "ts", "lat", "lon", "trip_id", "dist_m")


def _insert_positions(session: Session, positions: list[dict]) -> None:
    """PostgreSQL: COPY in the session's transaction (the bulk of what ingestion writes); else executemany."""
    if session.get_bind().dialect.name == "postgresql":
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY transit_positions ({', '.join(POSITION_COLUMNS)}) FROM STDIN") as cp:
            for p in positions:
                cp.write_row(tuple(p[c] for c in POSITION_COLUMNS))
    else:
        session.execute(m.Position.__table__.insert(), positions)


class PositionWriter:
    """Parses, tracks and writes batches of reports; shared by MQTT, GTFS-rt pulls and benches."""

    def __init__(self, maker: sessionmaker[Session], *, clock=clock_mod.now_s) -> None:
        self.maker = maker
        self.clock = clock
        self.tracker: Tracker | None = None
        self.last_ts: dict[str, int] = {}
        self.stats: Counter = Counter()
        self.dropped: Counter = Counter()
        self._unsaved_drops: Counter = Counter()
        self._moved: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._last_event = 0.0

    def _network(self, session: Session):
        net = network_mod.load(session)
        if net is None:
            return None
        if self.tracker is None or self.tracker.net is not net:
            self.tracker = Tracker(net)
        return net

    def ingest(self, batch: list[tuple[str, Any]]) -> int:
        """(vehicle_id, payload) pairs; returns how many were stored."""
        with self._lock, self.maker() as session:
            net = self._network(session)
            now_ms = int(self.clock() * 1000)
            vehicles: dict[str, dict] = {}
            positions, events = [], []
            for vid, payload in batch:
                try:
                    if not vid or len(vid) > 64 or "/" in vid:
                        raise Dropped("malformed")
                    p = parse_position(payload, now_ms=now_ms)
                    if net is None:
                        raise Dropped("no_schedule")
                    la0, lo0, la1, lo1 = net.bbox
                    if not (la0 - AREA_MARGIN_DEG <= p["lat"] <= la1 + AREA_MARGIN_DEG
                            and lo0 - AREA_MARGIN_DEG <= p["lon"] <= lo1 + AREA_MARGIN_DEG):
                        raise Dropped("out_of_area")
                    if p["ts"] <= self.last_ts.get(vid, 0):
                        raise Dropped("out_of_order")
                    if p["route_id"] is not None and p["route_id"] not in net.routes:
                        raise Dropped("unknown_route")
                except Dropped as d:
                    self.dropped[d.reason] += 1
                    self._unsaved_drops[d.reason] += 1
                    continue
                self.last_ts[vid] = p["ts"]
                v, evs = self.tracker.update(vid, **p)
                vehicles[vid] = vehicle_row(v)
                positions.append({"vehicle_id": vid, "ts": p["ts"], "lat": p["lat"], "lon": p["lon"],
                                  "trip_id": v.trip.trip_id if v.trip else None, "dist_m": v.dist})
                events += [e.__dict__ for e in evs]
            if vehicles:
                insert = _upsert(session)
                stmt = insert(m.Vehicle)
                cols = {c: stmt.excluded[c] for c in vehicles[next(iter(vehicles))] if c != "vehicle_id"}
                session.execute(stmt.on_conflict_do_update(index_elements=["vehicle_id"], set_=cols),
                                list(vehicles.values()))
                _insert_positions(session, positions)
                if events:
                    session.execute(insert(m.StopEvent).on_conflict_do_nothing(
                        index_elements=["service_date", "trip_id", "seq"]), events)
            self._save_drops(session)
            session.commit()
            for vid, row in vehicles.items():
                self._moved[vid] = row
            self.stats["stored"] += len(positions)
            self.stats["stop_events"] += len(events)
            return len(positions)

    def _save_drops(self, session: Session) -> None:
        if not self._unsaved_drops:
            return
        insert = _upsert(session)
        for reason, n in self._unsaved_drops.items():
            stmt = insert(m.DropCount).values(reason=reason, count=n)
            session.execute(stmt.on_conflict_do_update(index_elements=["reason"],
                                                       set_={"count": m.DropCount.count + n}))
        self._unsaved_drops.clear()

    def flush_events(self, *, min_interval_s: float = 1.0) -> None:
        """One `transit.vehicles` event with the buses that moved since the last one."""
        if not self._moved or time.monotonic() - self._last_event < min_interval_s:
            return
        with self._lock:
            moved, self._moved = self._moved, {}
        self._last_event = time.monotonic()
        with self.maker() as session:
            publish(session, "transit.vehicles", {"vehicles": [
                {"vehicle_id": r["vehicle_id"], "ts": r["ts"], "lat": r["lat"], "lon": r["lon"],
                 "bearing": r["bearing"], "route_id": r["route_id"], "trip_id": r["trip_id"],
                 "delay_s": r["delay_s"]} for r in moved.values()]})
            session.commit()


class _BatchingWriter(PositionWriter):
    """The MqttIngest writer interface (ingest(batch) + flush_events + stats['failed_batches'])."""

    def ingest(self, batch):  # paho hands (topic tail, bytes)
        n = super().ingest(batch)
        self.flush_events()
        return n


def writer_for(app) -> PositionWriter:
    writer = getattr(app.state, "transit_writer", None)
    if writer is None:
        writer = app.state.transit_writer = _BatchingWriter(app.state.sessionmaker)
    return writer


def mqtt_service(app):
    """Subscribes to city/transit/vehicles/+ (the telemetry subscriber's machinery, our writer); a
    duty: the instance holding its lease takes the whole stream."""
    settings = app.state.settings
    if not settings.mqtt_url or not settings.run_ingest:
        return None
    from backend.ingest.mqtt import MqttIngest, stable_client_id

    # One persistent session per deployment, whoever holds the duty: the next holder gets what the
    # broker kept (positions not yet acked) when the last one stopped or died.
    client_id = stable_client_id(settings.mqtt_url, TOPIC_ROOT, settings.resolved_database_url)
    return MqttIngest(settings.mqtt_url, writer_for(app), topic_root=TOPIC_ROOT, batch_size=1000, batch_wait_s=0.2,
                      client_id=client_id)


def stored_drops(session: Session) -> dict[str, int]:
    return {r.reason: r.count for r in session.scalars(select(m.DropCount))}
