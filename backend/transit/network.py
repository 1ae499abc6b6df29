"""The active schedule in memory: stops, routes, trips with their calls, shapes, services by date.

Built from the database once per active feed (a process keeps the one it last built and
rebuilds when another feed becomes active); the tracker, the predictor and the outputs read it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.transit import models as m

CITY_TZ = ZoneInfo("Europe/Moscow")


@dataclass(frozen=True, slots=True)
class Call:
    seq: int
    stop_id: str
    arr_s: int
    dep_s: int
    dist_m: float


@dataclass(slots=True)
class TripInfo:
    trip_id: str
    route_id: str
    service_id: str
    direction_id: int
    shape_id: str
    block_id: str
    headsign: str
    calls: list[Call]

    @property
    def start_s(self) -> int:
        return self.calls[0].dep_s

    @property
    def end_s(self) -> int:
        return self.calls[-1].arr_s

    def sched_at(self, dist: float) -> float:
        """Scheduled seconds (of the service day) at a distance along the trip, dwell included."""
        c = self.calls
        if dist <= c[0].dist_m:
            return c[0].dep_s
        for a, b in zip(c, c[1:]):
            if dist <= b.dist_m:
                span = b.dist_m - a.dist_m
                f = (dist - a.dist_m) / span if span > 0 else 1.0
                return a.dep_s + (b.arr_s - a.dep_s) * f
        return c[-1].arr_s


@dataclass
class Network:
    feed_id: int
    tz: ZoneInfo
    stops: dict[str, tuple[str, float, float]]  # stop_id -> (name, lat, lon)
    routes: dict[str, tuple[str, str, str]]  # route_id -> (short, long, colour)
    trips: dict[str, TripInfo]
    shapes: dict[str, list[list[float]]]
    services: dict[str, tuple[str, str, str, frozenset, frozenset]]
    bbox: tuple[float, float, float, float]  # min lat, min lon, max lat, max lon
    trips_by_route: dict[str, list[TripInfo]] = field(default_factory=dict)
    calls_by_stop: dict[str, list[tuple[TripInfo, int]]] = field(default_factory=dict)
    blocks: dict[tuple[str, str], list[TripInfo]] = field(default_factory=dict)  # (service, block) -> trips

    def __post_init__(self) -> None:
        by_route, by_stop, blocks = defaultdict(list), defaultdict(list), defaultdict(list)
        for t in self.trips.values():
            by_route[t.route_id].append(t)
            for i, c in enumerate(t.calls):
                by_stop[c.stop_id].append((t, i))
            if t.block_id:
                blocks[(t.service_id, t.block_id)].append(t)
        for v in by_route.values():
            v.sort(key=lambda t: t.start_s)
        for v in blocks.values():
            v.sort(key=lambda t: t.start_s)
        self.trips_by_route, self.calls_by_stop, self.blocks = dict(by_route), dict(by_stop), dict(blocks)
        self._active_cache: dict[str, frozenset] = {}
        self._day_start_cache: dict[str, int] = {}

    # the service day --------------------------------------------------------------------------
    def day_start_ms(self, service_date: str) -> int:
        """Epoch ms of 'noon minus 12 h' of a service date in the agency's zone (GTFS times count from it)."""
        if (hit := self._day_start_cache.get(service_date)) is not None:
            return hit
        d = datetime.strptime(service_date, "%Y%m%d")
        noon = datetime(d.year, d.month, d.day, 12, tzinfo=self.tz)
        ms = self._day_start_cache[service_date] = int((noon - timedelta(hours=12)).timestamp() * 1000)
        return ms

    def active_services(self, service_date: str) -> frozenset:
        if (hit := self._active_cache.get(service_date)) is not None:
            return hit
        wd = datetime.strptime(service_date, "%Y%m%d").weekday()
        out = set()
        for sid, (days, start, end, added, removed) in self.services.items():
            if service_date in removed:
                continue
            if service_date in added or (days[wd] == "1" and start <= service_date <= end):
                out.add(sid)
        self._active_cache[service_date] = frozenset(out)
        return self._active_cache[service_date]

    def service_dates_around(self, now_ms: int) -> list[str]:
        """Today's and yesterday's service dates (a trip after midnight belongs to yesterday's)."""
        local = datetime.fromtimestamp(now_ms / 1000, self.tz).date()
        return [(local - timedelta(days=k)).strftime("%Y%m%d") for k in (0, 1)]

    def running_trips(self, now_ms: int, *, before_s: int = 3600, after_s: int = 600,
                      route_id: str | None = None):
        """(trip, service_date, seconds into the service day) of trips scheduled around now."""
        pool = self.trips_by_route.get(route_id, []) if route_id else self.trips.values()
        for sd in self.service_dates_around(now_ms):
            active = self.active_services(sd)
            t_s = (now_ms - self.day_start_ms(sd)) / 1000
            for t in pool:
                if t.service_id in active and t.start_s - before_s <= t_s <= t.end_s + after_s:
                    yield t, sd, t_s


def day_type(service_date: str) -> str:
    wd = date(int(service_date[:4]), int(service_date[4:6]), int(service_date[6:])).weekday()
    return "weekday" if wd < 5 else ("saturday" if wd == 5 else "sunday")


_cache: dict[tuple, Network] = {}
_lock = threading.Lock()


def active_feed_id(session: Session) -> int | None:
    return session.scalar(select(m.Feed.id).where(m.Feed.active.is_(True)))


def load(session: Session) -> Network | None:
    """The active feed's network (built once per feed per process), or None before any import."""
    row = session.execute(select(m.Feed.id, m.Feed.sha256, m.Feed.imported_at).where(m.Feed.active.is_(True))).first()
    if row is None:
        return None
    # the database too: tests and benches open several, and feed ids repeat across them
    key = (str(session.get_bind().url), *row)
    if (net := _cache.get(key)) is not None:
        return net
    with _lock:
        if (net := _cache.get(key)) is not None:
            return net
        net = build(session, row[0])
        if len(_cache) > 4:
            _cache.clear()
        _cache[key] = net
        return net


def build(session: Session, fid: int) -> Network:
    feed = session.get(m.Feed, fid)
    tz = ZoneInfo((feed.counts or {}).get("timezone") or "Europe/Moscow")
    stops = {s.stop_id: (s.name, s.lat, s.lon) for s in session.scalars(select(m.Stop).where(m.Stop.feed_id == fid))}
    routes = {r.route_id: (r.short_name or r.long_name, r.long_name, r.color)
              for r in session.scalars(select(m.Route).where(m.Route.feed_id == fid))}
    calls: dict[str, list[Call]] = defaultdict(list)
    q = (select(m.StopTime.trip_id, m.StopTime.seq, m.StopTime.stop_id, m.StopTime.arr_s, m.StopTime.dep_s,
                m.StopTime.dist_m).where(m.StopTime.feed_id == fid).order_by(m.StopTime.trip_id, m.StopTime.seq))
    for tid, seq, sid, a, d, dist in session.execute(q):
        calls[tid].append(Call(seq, sid, a, d, dist))
    trips = {t.trip_id: TripInfo(t.trip_id, t.route_id, t.service_id, t.direction_id, t.shape_id, t.block_id,
                                 t.headsign, calls[t.trip_id])
             for t in session.scalars(select(m.Trip).where(m.Trip.feed_id == fid)) if len(calls[t.trip_id]) >= 2}
    _expand_frequencies(trips, session.scalars(select(m.Frequency).where(m.Frequency.feed_id == fid)).all())
    shapes = {s.shape_id: s.points for s in session.scalars(select(m.Shape).where(m.Shape.feed_id == fid))}
    services = {s.service_id: (s.days, s.start_date or "00000000", s.end_date or "99999999",
                               frozenset(s.added or ()), frozenset(s.removed or ()))
                for s in session.scalars(select(m.Service).where(m.Service.feed_id == fid))}
    lats = [v[1] for v in stops.values()] or [0.0]
    lons = [v[2] for v in stops.values()] or [0.0]
    return Network(fid, tz, stops, routes, trips, shapes, services, (min(lats), min(lons), max(lats), max(lons)))


def _expand_frequencies(trips: dict[str, TripInfo], rows) -> None:
    """A frequency-based trip is a pattern: one trip per departure in each of its windows, named
    "<trip_id>@HH:MM:SS" (the start time a GTFS-rt consumer pairs with the trip id)."""
    by_trip: dict[str, list] = defaultdict(list)
    for f in rows:
        by_trip[f.trip_id].append(f)
    for tid, windows in by_trip.items():
        pattern = trips.pop(tid, None)
        if pattern is None:
            continue
        for f in windows:
            for start in range(f.start_s, f.end_s, max(f.headway_s, 1)):
                shift = start - pattern.start_s
                name = f"{tid}@{start // 3600:02d}:{start % 3600 // 60:02d}:{start % 60:02d}"
                trips[name] = TripInfo(name, pattern.route_id, pattern.service_id, pattern.direction_id,
                                       pattern.shape_id, "", pattern.headsign,
                                       [Call(c.seq, c.stop_id, c.arr_s + shift, c.dep_s + shift, c.dist_m)
                                        for c in pattern.calls])


def utc_ms(dt: datetime) -> int:
    return int(dt.astimezone(timezone.utc).timestamp() * 1000)
