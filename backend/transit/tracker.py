"""From a bus's reports to its trip, its progress along the trip's shape, its delay and its stop events.

Pure (no database): the ingest keeps one Tracker per process, the bench drives one directly.
A report without a trip (or with one the schedule does not know) is matched to the trip it is
running: same route, on the trip's shape, moving forward along it, nearest its schedule.
A stop event is the time the bus reached a stop (within ARRIVE_M of it along the shape) and the
time it left (beyond the same distance), interpolated between reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backend.transit.gtfs_import import project
from backend.transit.network import Network, TripInfo

ARRIVE_M = 25.0
OFF_ROUTE_M = 80.0  # farther than this from the shape: not on this trip
MATCH_WINDOW_S = 1800  # a candidate trip's schedule must be within this of now at the bus's place


@dataclass
class StopEventRecord:
    service_date: str
    trip_id: str
    route_id: str
    vehicle_id: str
    seq: int
    stop_id: str
    arr_ts: int
    dep_ts: int


@dataclass
class VehicleState:
    vehicle_id: str
    ts: int = 0
    lat: float = 0.0
    lon: float = 0.0
    speed: float | None = None
    bearing: float | None = None
    route_id: str | None = None
    trip: TripInfo | None = None
    service_date: str | None = None
    dist: float | None = None
    seg_i: int = 0  # shape segment of the last projection (searches start near it)
    next_i: int = 0  # index into trip.calls of the first call not yet departed
    arr_ts: int | None = None  # arrival at calls[next_i], when the bus is there
    delay_s: int | None = None
    matched: str = "none"  # reported | matched | none
    off_route: bool = False
    last_dep_ts: int | None = None  # departure from calls[next_i - 1]
    history: list[tuple[int, float]] = field(default_factory=list)  # (ts, dist) of the current trip
    backwards: int = 0  # reports in a row that went back along the shape
    prev_pos: tuple[float, float] | None = None  # the report before this one (for the direction of travel)

    @property
    def at_stop(self) -> bool:
        return self.arr_ts is not None


class Tracker:
    def __init__(self, network: Network) -> None:
        self.net = network
        self.vehicles: dict[str, VehicleState] = {}

    def update(self, vehicle_id: str, *, ts: int, lat: float, lon: float, speed: float | None = None,
               bearing: float | None = None, route_id: str | None = None,
               trip_id: str | None = None) -> tuple[VehicleState, list[StopEventRecord]]:
        v = self.vehicles.get(vehicle_id) or VehicleState(vehicle_id)
        self.vehicles[vehicle_id] = v
        v.prev_pos = (v.lat, v.lon) if v.ts else None
        v.ts, v.lat, v.lon, v.speed, v.bearing = ts, lat, lon, speed, bearing
        v.route_id = route_id or v.route_id
        events: list[StopEventRecord] = []
        trip = self.net.trips.get(trip_id) if trip_id else None
        if trip is not None and (v.trip is None or v.trip.trip_id != trip.trip_id):
            events += self._finish(v)
            sd = self._service_date(trip, ts)
            self._start(v, trip, sd, "reported", lat, lon)
        elif trip is None and (v.trip is None or self._trip_over(v, lat, lon)):
            events += self._finish(v)
            found = self._next_in_block(v, ts, lat, lon) or self._match(v, ts, lat, lon)
            if found is None:
                v.trip, v.service_date, v.dist, v.delay_s, v.matched = None, None, None, None, "none"
                return v, events
            self._start(v, found[0], found[1], "matched", lat, lon)
        if v.trip is None:
            return v, events
        events += self._advance(v, ts, lat, lon)
        return v, events

    # matching -----------------------------------------------------------------------------------
    def _service_date(self, trip: TripInfo, ts: int) -> str:
        best = None
        for sd in self.net.service_dates_around(ts):
            t_s = (ts - self.net.day_start_ms(sd)) / 1000
            gap = max(trip.start_s - t_s, t_s - trip.end_s, 0)
            if best is None or gap < best[0]:
                best = (gap, sd)
        return best[1]

    def _next_in_block(self, v: VehicleState, ts: int, lat: float, lon: float) -> tuple[TripInfo, str] | None:
        """After a trip, its bus runs the next trip of its block (when it is there, at that trip's start)."""
        t = v.trip
        if t is None or not t.block_id or v.next_i < len(t.calls):
            return None
        block = self.net.blocks.get((t.service_id, t.block_id), [])
        later = [b for b in block if b.start_s >= t.end_s]
        if not later:
            return None
        nxt = later[0]
        dist, off, _ = project(self.net.shapes[nxt.shape_id], lat, lon)
        if off > OFF_ROUTE_M or dist > nxt.calls[1].dist_m:
            return None
        return nxt, v.service_date

    def _match(self, v: VehicleState, ts: int, lat: float, lon: float) -> tuple[TripInfo, str] | None:
        if v.prev_pos is None:
            return None  # one report says nothing of the direction; wait for the next
        best = None
        for trip, sd, t_s in self.net.running_trips(ts, before_s=MATCH_WINDOW_S, after_s=MATCH_WINDOW_S,
                                                   route_id=v.route_id):
            pts = self.net.shapes.get(trip.shape_id)
            if not pts:
                continue
            dist, off, _ = project(pts, lat, lon)
            if off > OFF_ROUTE_M:
                continue
            if dist > trip.calls[-1].dist_m - ARRIVE_M:  # at the far terminus: that trip is over
                continue
            gap = abs(trip.sched_at(dist) - t_s)
            # direction: a bus that moved since its last report must have moved forward on this shape
            if v.prev_pos is not None:
                prev_dist, prev_off, _ = project(pts, *v.prev_pos)
                if prev_off <= OFF_ROUTE_M and prev_dist > dist + 15:
                    continue
            if gap <= MATCH_WINDOW_S and (best is None or gap < best[0]):
                best = (gap, trip, sd)
        return (best[1], best[2]) if best else None

    def _trip_over(self, v: VehicleState, lat: float, lon: float) -> bool:
        t = v.trip
        if v.next_i >= len(t.calls) or v.backwards >= 2:  # done, or going the other way: not this trip
            return True
        _, off, _ = project(self.net.shapes[t.shape_id], lat, lon, start_i=max(0, v.seg_i - 2))
        return off > 2 * OFF_ROUTE_M

    def _start(self, v: VehicleState, trip: TripInfo, sd: str, how: str, lat: float, lon: float) -> None:
        v.trip, v.service_date, v.matched = trip, sd, how
        v.route_id = trip.route_id
        v.dist, v.seg_i, v.next_i, v.arr_ts, v.last_dep_ts = None, 0, 0, None, None
        v.history, v.backwards = [], 0

    def _finish(self, v: VehicleState) -> list[StopEventRecord]:
        """A trip left: a bus standing at its last stop has arrived there."""
        out = []
        if v.trip is not None and v.arr_ts is not None and v.next_i == len(v.trip.calls) - 1:
            c = v.trip.calls[v.next_i]
            out.append(StopEventRecord(v.service_date, v.trip.trip_id, v.trip.route_id, v.vehicle_id, c.seq,
                                       c.stop_id, v.arr_ts, v.arr_ts))
        return out

    # progress -----------------------------------------------------------------------------------
    def _advance(self, v: VehicleState, ts: int, lat: float, lon: float) -> list[StopEventRecord]:
        t = v.trip
        pts = self.net.shapes[t.shape_id]
        dist, off, seg = project(pts, lat, lon, start_i=max(0, v.seg_i - 2) if v.dist is not None else 0)
        v.off_route = off > OFF_ROUTE_M
        if v.off_route:
            return []
        prev_ts, prev_dist = (v.history[-1] if v.history else (ts, dist))
        if v.dist is not None and dist < v.dist:  # GPS jitter backwards: hold the bus where it was
            v.backwards = v.backwards + 1 if dist < v.dist - 40 else v.backwards
            dist = v.dist
        elif v.dist is not None and dist > v.dist + 10:
            v.backwards = 0
        v.dist, v.seg_i = dist, seg
        v.history.append((ts, dist))
        if len(v.history) > 400:
            del v.history[:200]
        events = []
        calls = t.calls
        while v.next_i < len(calls):
            c = calls[v.next_i]
            if v.arr_ts is None:
                if dist < c.dist_m - ARRIVE_M and v.next_i > 0:
                    break
                if v.next_i == 0 and dist < c.dist_m - ARRIVE_M:
                    break
                v.arr_ts = _cross(prev_ts, prev_dist, ts, dist, c.dist_m - ARRIVE_M)
            if dist <= c.dist_m + ARRIVE_M or v.next_i == len(calls) - 1:
                if v.next_i == len(calls) - 1:  # the last stop: arrival is the whole event
                    events.append(StopEventRecord(v.service_date, t.trip_id, t.route_id, v.vehicle_id, c.seq,
                                                  c.stop_id, v.arr_ts, v.arr_ts))
                    v.next_i += 1
                    v.last_dep_ts, v.arr_ts = v.arr_ts, None
                break
            dep = max(v.arr_ts, _cross(prev_ts, prev_dist, ts, dist, c.dist_m + ARRIVE_M))
            events.append(StopEventRecord(v.service_date, t.trip_id, t.route_id, v.vehicle_id, c.seq, c.stop_id,
                                          v.arr_ts, dep))
            v.next_i += 1
            v.last_dep_ts, v.arr_ts = dep, None
        day0 = self.net.day_start_ms(v.service_date)
        v.delay_s = round((ts - day0) / 1000 - t.sched_at(dist))
        return events


def _cross(t0: int, d0: float, t1: int, d1: float, at: float) -> int:
    """When the bus passed `at` metres, interpolated between two reports."""
    if d1 <= d0 or at <= d0:
        return t0 if at <= d0 else t1
    if at >= d1:
        return t1
    return round(t0 + (t1 - t0) * (at - d0) / (d1 - d0))
