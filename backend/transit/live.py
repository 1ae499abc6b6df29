"""The live picture: buses' states from the database, their predictions, the arrivals at a stop.

The history model is learned from the stored stop events (the last LEARN_DAYS days) and kept
per process for MODEL_TTL_S; the network is the active feed's (backend.transit.network).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.transit import clock
from backend.transit import models as m
from backend.transit import network as network_mod
from backend.transit.network import Network, TripInfo
from backend.transit.predict import HistoryModel, Prediction, predict_trip, trip_pace

LEARN_DAYS = 28
MODEL_TTL_S = 600.0
SILENT_MS = 3 * 60_000  # a bus that has not reported for this long is "not reporting"
DEPARTED_SHOWN_MS = 10 * 60_000
LOOKAHEAD_S = 90 * 60
MIN_LAYOVER_MS = 90_000
RECENT_MS = 3 * 3_600_000  # stop events that say how buses run today


@dataclass
class LiveTrip:
    vehicle: m.Vehicle
    trip: TripInfo
    service_date: str
    next_i: int
    predictions: list[Prediction]


class _ModelCache:
    """The learned model, per process. The first request (or a new feed) learns it in place; later it is
    relearned in the background every MODEL_TTL_S while requests keep using the one they have."""

    def __init__(self) -> None:
        self.model: HistoryModel | None = None
        self.net: Network | None = None
        self.built = 0.0
        self.lock = threading.Lock()
        self._relearning = False

    @staticmethod
    def _learn(session: Session, net: Network) -> HistoryModel:
        since = clock.now_ms() - LEARN_DAYS * 86_400_000
        rows = session.execute(select(m.StopEvent.service_date, m.StopEvent.trip_id, m.StopEvent.seq,
                                      m.StopEvent.stop_id, m.StopEvent.arr_ts, m.StopEvent.dep_ts)
                               .where(m.StopEvent.arr_ts >= since)).all()
        model = HistoryModel(net.tz)
        model.learn(rows)
        return model

    def _relearn(self, engine, net: Network) -> None:
        try:
            with Session(engine) as session:
                model = self._learn(session, net)
            with self.lock:
                if self.net is net:
                    self.model, self.built = model, time.monotonic()
        finally:
            self._relearning = False

    def get(self, session: Session, net: Network, *, refresh: bool = False) -> HistoryModel:
        with self.lock:
            if refresh or self.model is None or self.net is not net:
                self.model, self.net, self.built = self._learn(session, net), net, time.monotonic()
            elif time.monotonic() - self.built > MODEL_TTL_S and not self._relearning:
                self._relearning = True
                threading.Thread(target=self._relearn, args=(session.get_bind(), net), daemon=True,
                                 name="sc-transit-relearn").start()
            return self.model


models = _ModelCache()


def vehicle_state(v: m.Vehicle, net: Network | None, now_ms: int) -> str:
    if now_ms - v.ts > SILENT_MS:
        return "not_reporting"
    if v.off_route:
        return "off_route"
    if not v.trip_id or net is None or v.trip_id not in net.trips:
        return "no_trip"
    trip = net.trips[v.trip_id]
    if v.next_seq is not None and v.next_seq <= trip.calls[0].seq and v.arr_ts is None:
        return "at_terminus"
    return "in_service"


def next_index(trip: TripInfo, next_seq: int | None) -> int:
    if next_seq is None:
        return 0
    for i, c in enumerate(trip.calls):
        if c.seq >= next_seq:
            return i
    return len(trip.calls)


def live_trips(session: Session, net: Network, now_ms: int) -> list[LiveTrip]:
    """Buses on a trip that reported recently, with their predictions for the stops ahead."""
    model = models.get(session, net)
    # today's recent stop events: each bus's pace on its trip so far
    by_trip: dict[tuple[str, str], list] = defaultdict(list)
    for e in session.execute(select(m.StopEvent.service_date, m.StopEvent.trip_id, m.StopEvent.seq,
                                    m.StopEvent.stop_id, m.StopEvent.arr_ts, m.StopEvent.dep_ts)
                             .where(m.StopEvent.dep_ts >= now_ms - RECENT_MS)):
        by_trip[(e.service_date, e.trip_id)].append(e)
    out = []
    for v in session.scalars(select(m.Vehicle).where(m.Vehicle.trip_id.is_not(None),
                                                     m.Vehicle.ts >= now_ms - SILENT_MS)):
        trip = net.trips.get(v.trip_id)
        if trip is None or v.service_date is None:
            continue
        i = next_index(trip, v.next_seq)
        if i >= len(trip.calls):
            continue
        pace = trip_pace(model, v.service_date, by_trip.get((v.service_date, trip.trip_id), []))
        preds = predict_trip(net, model, trip, v.service_date, now_ms=max(now_ms, v.ts), dist=v.dist_m,
                             next_i=i, arr_ts=v.arr_ts, pace=pace)
        out.append(LiveTrip(v, trip, v.service_date, i, preds))
    return out


def arrivals(session: Session, net: Network, stop_id: str, now_ms: int, *, limit: int = 12) -> list[dict]:
    """Next arrivals at a stop: live buses, then trips not started (their block's bus, else the timetable),
    and the buses that left in the last ten minutes."""
    model = models.get(session, net)
    live = live_trips(session, net, now_ms)
    by_trip = {lt.trip.trip_id: lt for lt in live}
    by_block = {(lt.trip.service_id, lt.trip.block_id): lt for lt in live if lt.trip.block_id}
    out: list[dict] = []
    seen: set[str] = set()
    for trip, idx in net.calls_by_stop.get(stop_id, []):
        call = trip.calls[idx]
        if idx == len(trip.calls) - 1:
            continue  # the last stop: nobody boards there
        lt = by_trip.get(trip.trip_id)
        route = net.routes.get(trip.route_id, (trip.route_id, "", ""))[0]
        base = {"route_id": trip.route_id, "route": route, "trip_id": trip.trip_id, "headsign": trip.headsign}
        if lt is not None:
            sched = net.day_start_ms(lt.service_date) + call.arr_s * 1000
            if idx < lt.next_i:
                continue  # left already: the stop events below say when
            p = next((p for p in lt.predictions if p.seq == call.seq), None)
            if p is None:
                continue
            out.append({**base, "vehicle_id": lt.vehicle.vehicle_id, "scheduled_ms": sched,
                        "predicted_ms": p.arr_ms, "uncertainty_s": round(p.sigma_s), "status": "live"})
            seen.add(trip.trip_id)
            continue
        for sd in net.service_dates_around(now_ms):
            if trip.service_id not in net.active_services(sd):
                continue
            day0 = net.day_start_ms(sd)
            sched = day0 + call.arr_s * 1000
            if not now_ms - 120_000 <= sched <= now_ms + LOOKAHEAD_S * 1000:
                continue
            if day0 + trip.start_s * 1000 < now_ms - 60_000:
                continue  # should have started and no bus is on it: not shown as coming
            feeder = by_block.get((trip.service_id, trip.block_id))
            item = {**base, "vehicle_id": None, "scheduled_ms": sched, "predicted_ms": None,
                    "uncertainty_s": None, "status": "scheduled"}
            if feeder is not None and feeder.trip.start_s < trip.start_s and feeder.predictions:
                ready = feeder.predictions[-1].arr_ms + MIN_LAYOVER_MS
                preds = predict_trip(net, model, trip, sd, now_ms=now_ms, dist=None, next_i=0, not_before_ms=ready)
                p = next((p for p in preds if p.seq == call.seq), None)
                if p is not None:
                    item.update(vehicle_id=feeder.vehicle.vehicle_id, predicted_ms=p.arr_ms,
                                uncertainty_s=round(p.sigma_s) + 30, status="live")
            out.append(item)
    for e in session.scalars(select(m.StopEvent).where(m.StopEvent.stop_id == stop_id,
                                                       m.StopEvent.dep_ts >= now_ms - DEPARTED_SHOWN_MS)
                             .order_by(m.StopEvent.dep_ts.desc())):
        trip = net.trips.get(e.trip_id)
        if trip is None or e.trip_id in seen:
            continue
        call = next((c for c in trip.calls if c.seq == e.seq), None)
        if call is None or call is trip.calls[-1]:
            continue
        route = net.routes.get(trip.route_id, (trip.route_id, "", ""))[0]
        out.append({"route_id": trip.route_id, "route": route, "trip_id": trip.trip_id, "headsign": trip.headsign,
                    "vehicle_id": e.vehicle_id, "scheduled_ms": net.day_start_ms(e.service_date) + call.arr_s * 1000,
                    "predicted_ms": None, "departed_ms": e.dep_ts, "uncertainty_s": None, "status": "departed"})
    departed = [a for a in out if a["status"] == "departed"]
    coming = sorted((a for a in out if a["status"] != "departed"),
                    key=lambda a: a["predicted_ms"] or a["scheduled_ms"])
    return departed[:3] + coming[:limit]


def load_network(session: Session) -> Network | None:
    return network_mod.load(session)
