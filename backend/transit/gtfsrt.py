"""GTFS-rt out: VehiclePositions, TripUpdates and Alerts as FULL_DATASET FeedMessages (gtfs-realtime-bindings)."""

from __future__ import annotations

import threading
import time
from datetime import datetime

from google.protobuf import json_format
from google.transit import gtfs_realtime_pb2 as rt
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.transit import live, service
from backend.transit import models as m
from backend.transit.network import Network

_last_header: dict[str, int] = {}
_lock = threading.Lock()


def _header(msg: rt.FeedMessage, kind: str, data_ts_s: int) -> int:
    """Header timestamp: when the data was last known good; never earlier than one published before."""
    with _lock:
        ts = max(data_ts_s, _last_header.get(kind, 0))
        _last_header[kind] = ts
    msg.header.gtfs_realtime_version = "2.0"
    msg.header.incrementality = rt.FeedHeader.FULL_DATASET
    msg.header.timestamp = ts
    return ts


def vehicle_positions(session: Session, *, now_ms: int) -> tuple[rt.FeedMessage, int]:
    net = live.load_network(session)
    msg = rt.FeedMessage()
    newest = 0
    for v in session.scalars(select(m.Vehicle).where(m.Vehicle.ts >= now_ms - live.SILENT_MS)
                             .order_by(m.Vehicle.vehicle_id)):
        e = msg.entity.add()
        e.id = v.vehicle_id
        vp = e.vehicle
        vp.vehicle.id = v.vehicle_id
        vp.vehicle.label = v.vehicle_id
        vp.position.latitude, vp.position.longitude = v.lat, v.lon
        if v.bearing is not None:
            vp.position.bearing = v.bearing
        if v.speed is not None:
            vp.position.speed = v.speed
        vp.timestamp = v.ts // 1000
        trip = net.trips.get(v.trip_id) if net and v.trip_id else None
        if trip is not None:
            vp.trip.trip_id = trip.trip_id
            vp.trip.route_id = trip.route_id
            vp.trip.direction_id = trip.direction_id
            vp.trip.start_date = v.service_date or ""
            vp.trip.schedule_relationship = rt.TripDescriptor.SCHEDULED
            i = live.next_index(trip, v.next_seq)
            if i < len(trip.calls):
                vp.current_stop_sequence = trip.calls[i].seq
                vp.stop_id = trip.calls[i].stop_id
                vp.current_status = (rt.VehiclePosition.STOPPED_AT if v.arr_ts is not None
                                     else rt.VehiclePosition.IN_TRANSIT_TO)
        elif v.route_id:
            vp.trip.route_id = v.route_id
        newest = max(newest, v.ts // 1000)
    return msg, _header(msg, "vehicles", newest or now_ms // 1000)


def trip_updates(session: Session, *, now_ms: int, net: Network | None = None) -> tuple[rt.FeedMessage, int]:
    net = net or live.load_network(session)
    msg = rt.FeedMessage()
    newest = 0
    if net is not None:
        for lt in sorted(live.live_trips(session, net, now_ms), key=lambda lt: lt.vehicle.vehicle_id):
            e = msg.entity.add()
            e.id = f"{lt.trip.trip_id}:{lt.service_date}"
            tu = e.trip_update
            tu.trip.trip_id = lt.trip.trip_id
            tu.trip.route_id = lt.trip.route_id
            tu.trip.direction_id = lt.trip.direction_id
            tu.trip.start_date = lt.service_date
            tu.trip.schedule_relationship = rt.TripDescriptor.SCHEDULED
            tu.vehicle.id = lt.vehicle.vehicle_id
            tu.timestamp = lt.vehicle.ts // 1000
            if lt.vehicle.delay_s is not None:
                tu.delay = lt.vehicle.delay_s
            for p in lt.predictions:
                u = tu.stop_time_update.add()
                u.stop_sequence = p.seq
                u.stop_id = p.stop_id
                u.arrival.time = p.arr_ms // 1000
                u.arrival.uncertainty = int(p.sigma_s)
                u.departure.time = p.dep_ms // 1000
                u.departure.uncertainty = int(p.sigma_s)
            newest = max(newest, lt.vehicle.ts // 1000)
    return msg, _header(msg, "trips", newest or now_ms // 1000)


def _translated(field, ru: str, en: str) -> None:
    t = field.translation.add()
    t.text, t.language = ru, "ru"
    if en:
        t = field.translation.add()
        t.text, t.language = en, "en"


def alerts(session: Session, *, now_ms: int) -> tuple[rt.FeedMessage, int]:
    msg = rt.FeedMessage()
    newest = 0
    for a in service.list_alerts(session, active_only=False):
        if a.ends_at is not None and a.ends_at.timestamp() * 1000 <= now_ms:
            continue  # ended: gone from the feed
        e = msg.entity.add()
        e.id = f"alert-{a.id}"
        al = e.alert
        period = al.active_period.add()
        period.start = int(a.starts_at.timestamp())
        if a.ends_at is not None:
            period.end = int(a.ends_at.timestamp())
        if a.route_id:
            al.informed_entity.add().route_id = a.route_id
        for sid in a.stop_ids:
            ie = al.informed_entity.add()
            ie.stop_id = sid
            if a.route_id:
                ie.route_id = a.route_id
        al.cause = rt.Alert.UNKNOWN_CAUSE
        al.effect = rt.Alert.UNKNOWN_EFFECT
        _translated(al.header_text, a.header_ru, a.header_en)
        if a.text_ru or a.text_en:
            _translated(al.description_text, a.text_ru or a.header_ru, a.text_en)
        newest = max(newest, int(a.updated_at.timestamp()))
    # An ended alert changes the feed as well: the newest change of any alert counts.
    last_change = session.scalar(select(m.Alert.updated_at).order_by(m.Alert.updated_at.desc()).limit(1))
    if isinstance(last_change, datetime):
        newest = max(newest, int(last_change.timestamp()))
    return msg, _header(msg, "alerts", newest or 1)


class FeedCache:
    """The feeds as last built, rebuilt in the background once older than `max_age_s` (stale while it
    revalidates): a consumer polling at any rate gets bytes at once, at most max_age_s + one build old."""

    def __init__(self, maker, *, max_age_s: float = 1.0) -> None:
        self.maker, self.max_age_s = maker, max_age_s
        self._built: dict[str, tuple[float, rt.FeedMessage, int, bytes]] = {}
        self._building: set[str] = set()
        self._lock = threading.Lock()

    BUILDERS = {"vehicles": vehicle_positions, "trips": trip_updates, "alerts": alerts}

    def _build(self, kind: str) -> tuple[float, rt.FeedMessage, int, bytes]:
        from backend.transit import clock

        try:
            with self.maker() as session:
                msg, ts = self.BUILDERS[kind](session, now_ms=clock.now_ms())
            entry = (time.monotonic(), msg, ts, msg.SerializeToString())
            with self._lock:
                self._built[kind] = entry
            return entry
        finally:
            with self._lock:
                self._building.discard(kind)

    def invalidate(self, kind: str) -> None:
        """This process changed the feed's data (an alert): the next request builds it afresh."""
        with self._lock:
            self._built.pop(kind, None)

    def get(self, kind: str, *, fresh: bool = False) -> tuple[rt.FeedMessage, int, bytes]:
        with self._lock:
            entry = self._built.get(kind)
            stale = entry is None or fresh or time.monotonic() - entry[0] > self.max_age_s
            start = stale and kind not in self._building and entry is not None
            if start:
                self._building.add(kind)
        if entry is None or fresh:
            with self._lock:
                self._building.add(kind)
            entry = self._build(kind)
        elif start:
            threading.Thread(target=self._build, args=(kind,), daemon=True, name=f"gtfsrt-{kind}").start()
        return entry[1], entry[2], entry[3]


def cache_for(app) -> FeedCache:
    cache = getattr(app.state, "gtfsrt_cache", None)
    if cache is None:
        cache = app.state.gtfsrt_cache = FeedCache(app.state.sessionmaker)
    return cache


def as_json(msg: rt.FeedMessage) -> dict:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)
