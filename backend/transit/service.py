"""Transit service functions: stops with their boards, routes, vehicles, arrivals, alerts, the Marey chart."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.errors import AppError, BadRequest, NotFound, PreconditionFailed
from backend.events.service import publish
from backend.transit import clock, live
from backend.transit import models as m
from backend.transit.network import Network
from backend_client.schemas.transit import (AlertIn, AlertOut, AlertPatch, Arrivals, BoardHealth, Marey, MareyTrip,
                                            RouteDetail, RouteOut, StopOut, VehicleOut)

BOARD_SILENCE_S = 120


def now_ms() -> int:
    return clock.now_ms()


def network(session: Session) -> Network:
    net = live.load_network(session)
    if net is None:
        raise AppError(404, "not_found", "No GTFS feed has been imported yet; "
                       "import one with: sc-server transit-import FEED.zip", what="transit schedule")
    return net


def _board_out(b: m.Board | None) -> BoardHealth | None:
    if b is None:
        return None
    return BoardHealth(last_seen_at=b.last_seen_at, silent=b.silent, incident_id=b.incident_id)


def list_stops(session: Session, *, smart: bool = False) -> list[StopOut]:
    net = network(session)
    boards = {b.stop_id: b for b in session.scalars(select(m.Board))}
    routes_at: dict[str, set[str]] = defaultdict(set)
    for sid, calls in net.calls_by_stop.items():
        for trip, _ in calls:
            routes_at[sid].add(net.routes.get(trip.route_id, (trip.route_id,))[0])
    out = []
    for sid, (name, lat, lon) in net.stops.items():
        if smart and sid not in boards:
            continue
        out.append(StopOut(stop_id=sid, name=name, lat=lat, lon=lon, routes=sorted(routes_at.get(sid, ()), key=_natural),
                           board=_board_out(boards.get(sid))))
    return out


def _natural(s: str):
    return (len(s), s)


def stop_arrivals(session: Session, *, stop_id: str, limit: int = 12) -> Arrivals:
    net = network(session)
    if stop_id not in net.stops:
        raise NotFound("stop", stop_id)
    t = now_ms()
    items = live.arrivals(session, net, stop_id, t, limit=limit)
    route_ids = {a["route_id"] for a in items} | {trip.route_id for trip, _ in net.calls_by_stop.get(stop_id, [])}
    return Arrivals(stop_id=stop_id, name=net.stops[stop_id][0], now_ms=t, arrivals=items,
                    alerts=active_alerts(session, route_ids=route_ids, stop_id=stop_id))


# Schedule adherence: a bus at most this early or this late (seconds) is on time (the Transport panel's routes
# and GET /api/v1/stats/transit count alike).
EARLY_LIMIT_S, LATE_LIMIT_S = 60, 300


def _scheduled_headway(net: Network, route_id: str, now: int) -> float | None:
    starts = []
    for sd in net.service_dates_around(now):
        active = net.active_services(sd)
        day0 = net.day_start_ms(sd)
        starts += [day0 + t.start_s * 1000 for t in net.trips_by_route.get(route_id, [])
                   if t.service_id in active and t.direction_id == 0]
    starts.sort()
    near = [b - a for a, b in zip(starts, starts[1:]) if a - 3_600_000 <= now <= b + 3_600_000]
    return round(sum(near) / len(near) / 60_000, 1) if near else None


def list_routes(session: Session) -> list[RouteOut]:
    net = network(session)
    t = now_ms()
    vehicles = session.scalars(select(m.Vehicle).where(m.Vehicle.ts >= t - live.SILENT_MS)).all()
    out = []
    for rid, (short, long_name, colour) in sorted(net.routes.items(), key=lambda r: _natural(r[1][0])):
        mine = [v for v in vehicles if v.route_id == rid and v.trip_id and v.delay_s is not None]
        within = [v for v in mine if -EARLY_LIMIT_S <= v.delay_s <= LATE_LIMIT_S]
        out.append(RouteOut(route_id=rid, short_name=short, long_name=long_name, color=colour, vehicles=len(mine),
                            headway_min=_scheduled_headway(net, rid, t),
                            adherence=round(len(within) / len(mine), 2) if mine else None,
                            mean_delay_s=round(sum(v.delay_s for v in mine) / len(mine)) if mine else None))
    return out


def route_detail(session: Session, *, route_id: str) -> RouteDetail:
    net = network(session)
    base = next((r for r in list_routes(session) if r.route_id == route_id), None)
    if base is None:
        raise NotFound("route", route_id)
    shapes, stops = [], []
    for direction in (0, 1):
        trip = next((t for t in net.trips_by_route.get(route_id, []) if t.direction_id == direction), None)
        if trip is None:
            continue
        shapes.append([[p[0], p[1]] for p in net.shapes.get(trip.shape_id, [])])
        stops.append([c.stop_id for c in trip.calls])
    return RouteDetail(**base.model_dump(), shapes=shapes, stops=stops)


def list_vehicles(session: Session, *, route_id: str | None = None) -> list[VehicleOut]:
    net = live.load_network(session)
    t = now_ms()
    q = select(m.Vehicle).order_by(m.Vehicle.vehicle_id)
    if route_id:
        q = q.where(m.Vehicle.route_id == route_id)
    out = []
    for v in session.scalars(q):
        trip = net.trips.get(v.trip_id) if net and v.trip_id else None
        nxt = None
        if trip is not None:
            i = live.next_index(trip, v.next_seq)
            if i < len(trip.calls):
                nxt = net.stops.get(trip.calls[i].stop_id, ("",))[0]
        out.append(VehicleOut(vehicle_id=v.vehicle_id, ts=v.ts, lat=v.lat, lon=v.lon, speed=v.speed, bearing=v.bearing,
                              route_id=v.route_id, route=net.routes.get(v.route_id, (v.route_id,))[0] if net and v.route_id else None,
                              trip_id=v.trip_id, headsign=trip.headsign if trip else None,
                              direction_id=trip.direction_id if trip else None, delay_s=v.delay_s,
                              state=live.vehicle_state(v, net, t), matched=v.matched, next_stop=nxt))
    return out


def marey(session: Session, *, route_id: str, direction_id: int, hours: float = 2.0) -> Marey:
    """Planned and actual time–distance lines of a route's trips around now."""
    net = network(session)
    if route_id not in net.routes:
        raise NotFound("route", route_id)
    if direction_id not in (0, 1):
        raise BadRequest("direction_id must be 0 or 1", direction_id=direction_id)
    if not 0 < hours <= 12:
        raise BadRequest("hours must be between 0 and 12", hours=hours)
    t = now_ms()
    lo, hi = t - int(hours * 3_600_000), t + int(hours * 3_600_000 / 4)
    trips, ref = [], None
    for sd in net.service_dates_around(t):
        active = net.active_services(sd)
        day0 = net.day_start_ms(sd)
        for trip in net.trips_by_route.get(route_id, []):
            if trip.direction_id != direction_id or trip.service_id not in active:
                continue
            if day0 + trip.end_s * 1000 < lo or day0 + trip.start_s * 1000 > hi:
                continue
            ref = ref or trip
            planned = []
            for c in trip.calls:
                planned += [[day0 + c.arr_s * 1000, c.dist_m], [day0 + c.dep_s * 1000, c.dist_m]]
            trips.append((trip.trip_id, planned))
    actual: dict[str, list] = defaultdict(list)
    vehicle_of: dict[str, str] = {}
    if trips:
        rows = session.execute(select(m.Position.trip_id, m.Position.vehicle_id, m.Position.ts, m.Position.dist_m)
                               .where(m.Position.trip_id.in_([tid for tid, _ in trips]), m.Position.ts >= lo,
                                      m.Position.dist_m.is_not(None)).order_by(m.Position.ts))
        for tid, vid, ts, dist in rows:
            actual[tid].append([ts, dist])
            vehicle_of[tid] = vid
    stops = [[c.stop_id, net.stops.get(c.stop_id, ("",))[0], c.dist_m] for c in ref.calls] if ref else []
    return Marey(route_id=route_id, direction_id=direction_id, stops=stops,
                 trips=[MareyTrip(trip_id=tid, vehicle_id=vehicle_of.get(tid), planned=p, actual=actual.get(tid, []))
                        for tid, p in trips])


# Alerts ---------------------------------------------------------------------------------------------

def _alert_out(a: m.Alert, at: datetime | None = None) -> AlertOut:
    at = at or utc(now_ms())
    out = AlertOut.model_validate(a)
    out.active = a.starts_at <= at and (a.ends_at is None or a.ends_at > at)
    return out


def _check_targets(session: Session, route_id: str | None, stop_ids: list[str]) -> None:
    net = network(session)
    if route_id and route_id not in net.routes:
        raise BadRequest(f"There is no route {route_id!r} in the schedule", field="route_id")
    unknown = [s for s in stop_ids if s not in net.stops]
    if unknown:
        raise BadRequest(f"Unknown stops: {', '.join(unknown[:5])}", field="stop_ids", stops=unknown)


def list_alerts(session: Session, *, active_only: bool = False) -> list[AlertOut]:
    at = utc(now_ms())
    out = [_alert_out(a, at) for a in session.scalars(select(m.Alert).order_by(m.Alert.starts_at.desc()))]
    return [a for a in out if a.active] if active_only else out


def active_alerts(session: Session, *, route_ids: set[str] | None = None, stop_id: str | None = None) -> list[AlertOut]:
    out = []
    for a in list_alerts(session, active_only=True):
        if route_ids is None or (a.route_id and a.route_id in route_ids) or (stop_id and stop_id in a.stop_ids):
            out.append(a)
    return out


def create_alert(session: Session, *, user, data: AlertIn) -> AlertOut:
    _check_targets(session, data.route_id, data.stop_ids)
    now = utc(now_ms())
    a = m.Alert(route_id=data.route_id, stop_ids=list(dict.fromkeys(data.stop_ids)), starts_at=data.starts_at or now,
                ends_at=data.ends_at, header_ru=data.header_ru, header_en=data.header_en.strip(),
                text_ru=data.text_ru.strip(), text_en=data.text_en.strip(), created_by=user.username,
                created_at=now, updated_at=now, version=1)
    session.add(a)
    session.flush()
    out = _alert_out(a, now)
    record(session, user=user, action="transit.alert.create", target=f"transit_alert:{a.id}",
           details={"header_ru": a.header_ru})
    publish(session, "transit.alert", out.model_dump(mode="json"))
    return out


def update_alert(session: Session, *, user, alert_id: int, patch: AlertPatch, expected_version: int | None) -> AlertOut:
    a = session.get(m.Alert, alert_id)
    if a is None:
        raise NotFound("alert", alert_id)
    if expected_version is not None and expected_version != a.version:
        raise PreconditionFailed(f"Alert {alert_id} was changed by someone else (version {a.version}); reload it",
                                 version=a.version)
    values = patch.model_dump(exclude_unset=True)
    if "header_ru" in values and (values["header_ru"] is None or not values["header_ru"].strip()):
        raise BadRequest("header_ru must not be blank", field="header_ru")
    route_id = values.get("route_id", a.route_id)
    stop_ids = values.get("stop_ids", a.stop_ids) or []
    _check_targets(session, route_id, stop_ids)
    if not route_id and not stop_ids:
        raise BadRequest("An alert names a route or at least one stop", field="route_id")
    starts, ends = values.get("starts_at", a.starts_at), values.get("ends_at", a.ends_at)
    if starts is None:
        raise BadRequest("starts_at cannot be emptied", field="starts_at")
    if ends is not None and ends <= starts:
        raise BadRequest("ends_at must be after starts_at", field="ends_at")
    for k, v in values.items():
        setattr(a, k, v.strip() if isinstance(v, str) else v)
    a.version += 1
    a.updated_at = utc(now_ms())
    session.flush()
    out = _alert_out(a)
    record(session, user=user, action="transit.alert.update", target=f"transit_alert:{a.id}",
           details={k: str(v) for k, v in values.items()})
    publish(session, "transit.alert", out.model_dump(mode="json"))
    return out


def end_alert(session: Session, *, user, alert_id: int) -> AlertOut:
    a = session.get(m.Alert, alert_id)
    if a is None:
        raise NotFound("alert", alert_id)
    now = utc(now_ms())
    if a.ends_at is None or a.ends_at > now:
        a.ends_at = max(now, a.starts_at)
        a.version += 1
        a.updated_at = now
        session.flush()
        record(session, user=user, action="transit.alert.end", target=f"transit_alert:{a.id}", details={})
    out = _alert_out(a, now)
    publish(session, "transit.alert", out.model_dump(mode="json"))
    return out


# Boards -----------------------------------------------------------------------------------------------

def board_heartbeat(session: Session, *, stop_id: str) -> m.Board | None:
    """A board fetched its page or data: it is alive (a silent one comes back and its incident closes)."""
    board = session.get(m.Board, stop_id)
    if board is None:
        return None
    board.last_seen_at = utc(now_ms())
    if board.silent:
        from backend.transit.faults import close_fault

        board.silent = False
        close_fault(session, kind="board_silent", subject=stop_id, comment="Табло снова на связи")
        board.incident_id = None
        publish(session, "transit.board", {"stop_id": stop_id, "silent": False})
    return board


def ensure_board(session: Session, *, stop_id: str, name: str) -> m.Board:
    board = session.get(m.Board, stop_id)
    if board is None:
        board = m.Board(stop_id=stop_id, name=name)
        session.add(board)
        session.flush()
    return board


def utc(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, timezone.utc)
