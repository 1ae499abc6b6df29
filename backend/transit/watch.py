"""The transit watch: silent boards, buses not reporting, bunching; each fault one incident, closed on recovery.

Runs every CHECK_EVERY_S in the server (worker 0 of `sc-server --workers`); `check()` is the
whole of one pass, which tests and benches call directly.
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from backend.events.service import publish
from backend.transit import clock, live
from backend.transit import models as m
from backend.transit.faults import close_fault, open_fault

log = logging.getLogger(__name__)
CHECK_EVERY_S = 15.0
BUNCHING_FRACTION = 0.25  # two buses of a route closer than this share of the scheduled headway
POSITIONS_KEEP_DAYS = 7
EVENTS_KEEP_DAYS = 60


def check(session: Session, *, now_ms: int, board_silence_s: float = 120.0) -> dict[str, int]:
    """One pass; returns how many faults of each kind are open after it."""
    now = datetime.fromtimestamp(now_ms / 1000, timezone.utc)
    opened: dict[str, int] = defaultdict(int)
    net = live.load_network(session)
    # Boards: silent for longer than the limit -> once "табло не отвечает"; back -> closed (on its fetch).
    for b in session.scalars(select(m.Board)):
        if b.last_seen_at is None:
            continue  # never switched on yet: nothing has gone silent
        quiet = (now - b.last_seen_at).total_seconds()
        if quiet > board_silence_s and not b.silent:
            stop = net.stops.get(b.stop_id) if net else None
            fault = open_fault(session, kind="board_silent", subject=b.stop_id,
                               description=f"Табло не отвечает: {b.name} (остановка {b.stop_id}) не запрашивало "
                                           f"данные {int(quiet // 60)} мин. Board not responding.",
                               lat=stop[1] if stop else 51.659, lon=stop[2] if stop else 35.652,
                               address=stop[0] if stop else "")
            b.silent, b.incident_id = True, fault.incident_id
            publish(session, "transit.board", {"stop_id": b.stop_id, "silent": True, "incident_id": fault.incident_id})
        if b.silent:
            opened["board_silent"] += 1
    if net is None:
        return dict(opened)
    vehicles = session.scalars(select(m.Vehicle)).all()
    # Buses on a trip that stopped reporting while their trip should still be running.
    for v in vehicles:
        subject = v.vehicle_id
        trip = net.trips.get(v.trip_id) if v.trip_id else None
        silent = trip is not None and now_ms - v.ts > live.SILENT_MS and v.service_date is not None and (
            now_ms < net.day_start_ms(v.service_date) + trip.end_s * 1000 + 10 * 60_000)
        if silent:
            route = net.routes.get(trip.route_id, (trip.route_id,))[0]
            open_fault(session, kind="not_reporting", subject=subject,
                       description=f"Автобус {v.vehicle_id} (маршрут {route}) не выходит на связь "
                                   f"{(now_ms - v.ts) // 60_000} мин. Bus not reporting.",
                       lat=v.lat, lon=v.lon)
            opened["not_reporting"] += 1
        elif session.get(m.Fault, ("not_reporting", subject)) is not None and now_ms - v.ts <= live.SILENT_MS:
            close_fault(session, kind="not_reporting", subject=subject, comment="Автобус снова на связи")
        # Off its route (far from the trip's shape).
        if v.off_route and now_ms - v.ts <= live.SILENT_MS and trip is not None:
            open_fault(session, kind="off_route", subject=subject,
                       description=f"Автобус {v.vehicle_id} сошёл с маршрута {net.routes.get(trip.route_id, ('',))[0]}. "
                                   f"Bus off its route.", lat=v.lat, lon=v.lon)
            opened["off_route"] += 1
        elif not v.off_route and session.get(m.Fault, ("off_route", subject)) is not None:
            close_fault(session, kind="off_route", subject=subject, comment="Автобус вернулся на маршрут")
    # Bunching: two buses of a route and direction closer in time than a share of the headway.
    by_dir: dict[tuple[str, int], list] = defaultdict(list)
    for v in vehicles:
        trip = net.trips.get(v.trip_id) if v.trip_id else None
        if trip is None or v.dist_m is None or now_ms - v.ts > live.SILENT_MS or v.service_date is None:
            continue
        at_s = trip.sched_at(v.dist_m)  # where the bus is, in the timetable's seconds
        by_dir[(trip.route_id, trip.direction_id)].append((v, trip, at_s))
    bunched_routes = set()
    from backend.transit.service import _scheduled_headway

    for (route_id, _), buses in by_dir.items():
        headway = _scheduled_headway(net, route_id, now_ms)
        if not headway or len(buses) < 2:
            continue
        buses.sort(key=lambda b: b[0].dist_m)
        for (a, ta, _), (b, tb, _) in zip(buses, buses[1:]):
            if a.arr_ts is not None and ta.calls and a.dist_m <= ta.calls[0].dist_m + 30:
                continue  # one of them is waiting at the first stop: a layover, not bunching
            gap_m = b.dist_m - a.dist_m
            speed = 5.0  # m/s, a town bus with its stops: turns a gap in metres into one in time
            if gap_m / speed < BUNCHING_FRACTION * headway * 60:
                bunched_routes.add(route_id)
                if session.get(m.Fault, ("bunching", route_id)) is None:
                    open_fault(session, kind="bunching", subject=route_id,
                               description=f"Сбой интервала на маршруте {net.routes[route_id][0]}: автобусы "
                                           f"{a.vehicle_id} и {b.vehicle_id} идут в {gap_m:.0f} м друг от друга "
                                           f"при интервале {headway:.0f} мин. Bunching.",
                               lat=b.lat, lon=b.lon, priority="low")
                break
    for f in session.scalars(select(m.Fault).where(m.Fault.kind == "bunching")).all():
        if f.subject not in bunched_routes:
            close_fault(session, kind="bunching", subject=f.subject, comment="Интервал восстановлен")
    opened["bunching"] = len(bunched_routes)
    opened["trip_not_started"] = _trips_not_started(session, net, vehicles, now_ms)
    return dict(opened)


NOT_STARTED_S = 10 * 60  # a trip this late to start, with no bus of its block on the road, is missing


def _trips_not_started(session: Session, net, vehicles, now_ms: int) -> int:
    """Trips that should have left 10-40 min ago while no bus is on them or still on their block's earlier
    trips; one incident each, closed when a bus takes the trip."""
    on_trip = {v.trip_id for v in vehicles if v.trip_id and now_ms - v.ts <= live.SILENT_MS}
    busy_blocks = {(net.trips[t].service_id, net.trips[t].block_id) for t in on_trip if t in net.trips}
    missing = set()
    for trip, sd, t_s in net.running_trips(now_ms, before_s=0, after_s=4 * NOT_STARTED_S):
        late = t_s - trip.start_s
        if not NOT_STARTED_S <= late <= 4 * NOT_STARTED_S or trip.trip_id in on_trip:
            continue
        if trip.block_id and (trip.service_id, trip.block_id) in busy_blocks:
            continue  # its bus is still on an earlier trip: late, not missing
        started = session.scalar(select(m.StopEvent.id).where(m.StopEvent.service_date == sd,
                                                              m.StopEvent.trip_id == trip.trip_id).limit(1))
        if started is not None:
            continue
        subject = f"{sd}:{trip.trip_id}"
        missing.add(subject)
        if session.get(m.Fault, ("trip_not_started", subject)) is None:
            stop = net.stops.get(trip.calls[0].stop_id, ("", 51.659, 35.652))
            start = f"{trip.start_s // 3600 % 24:02d}:{trip.start_s % 3600 // 60:02d}"
            open_fault(session, kind="trip_not_started", subject=subject,
                       description=f"Рейс {trip.trip_id} маршрута {net.routes.get(trip.route_id, ('',))[0]} "
                                   f"(отправление {start} от остановки «{stop[0]}») не вышел на линию. Trip not started.",
                       lat=stop[1], lon=stop[2], address=stop[0])
    for f in session.scalars(select(m.Fault).where(m.Fault.kind == "trip_not_started")).all():
        sd, _, tid = f.subject.partition(":")
        if tid in on_trip:
            close_fault(session, kind="trip_not_started", subject=f.subject, comment="Рейс вышел на линию")
    return len(missing)


def prune(session: Session, *, now_ms: int) -> None:
    session.execute(delete(m.Position).where(m.Position.ts < now_ms - POSITIONS_KEEP_DAYS * 86_400_000))
    session.execute(delete(m.StopEvent).where(m.StopEvent.arr_ts < now_ms - EVENTS_KEEP_DAYS * 86_400_000))


class TransitWatch:
    def __init__(self, maker: sessionmaker[Session], *, board_silence_s: float, every_s: float = CHECK_EVERY_S) -> None:
        self.maker, self.board_silence_s, self.every_s = maker, board_silence_s, every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._passes = 0

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            try:
                with self.maker() as session:
                    now_ms = clock.now_ms()
                    check(session, now_ms=now_ms, board_silence_s=self.board_silence_s)
                    if self._passes % 240 == 0:
                        prune(session, now_ms=now_ms)
                    session.commit()
                self._passes += 1
            except Exception:  # one bad pass must not end the watch
                log.exception("transit watch pass failed")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sc-transit-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)


def watch_service(app):
    settings = app.state.settings
    if not settings.run_ingest:
        return None
    return TransitWatch(app.state.sessionmaker, board_silence_s=settings.transit_board_silence_s)

