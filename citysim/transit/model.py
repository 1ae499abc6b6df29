"""How the city's buses actually run on a given day: the ground truth the product never sees.

Everything here is the simulated world's own business (the product's predictor must learn its
effects from reports, never read these numbers): segment speeds that fall in the rush hours on
the central streets, a daily weather factor, drivers faster or slower, traffic lights, dwell
times from the passengers that gathered since the previous bus (which is how bunching grows),
late starts, the odd breakdown and the odd on-board unit that goes quiet for a while.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from citysim.transit.feed import CarrierFeed, SimTrip, point_on

CITY_TZ = timezone(timedelta(hours=3))  # Kurchatov: Moscow time, no DST
CENTRE = (51.6590, 35.6520)
REPORT_EVERY_S = 10.0


@dataclass
class Variation:
    """The world's knobs (not the product's)."""

    rush_slowdown: float = 0.45  # central segments lose up to this share of their speed in the rush hours
    weekend_slowdown: float = 0.12  # the Saturday market, midday
    day_sigma: float = 0.04
    driver_sigma: float = 0.05
    segment_sigma: float = 0.07
    light_probability: float = 0.35
    late_start_probability: float = 0.08
    breakdown_probability: float = 0.004
    silence_probability: float = 0.004
    door_s: float = 9.0
    per_passenger_s: float = 2.2
    trip_id_share: float = 0.6  # share of buses whose on-board unit sends the trip id


@dataclass
class TripRun:
    trip: SimTrip
    vehicle_id: str
    service_date: str
    day0_ms: int  # epoch ms of the service day's start (local midnight, as GTFS counts)
    knots: list[tuple[int, float]] = field(default_factory=list)  # (ts ms, dist m): piecewise-linear motion
    arrivals: list[tuple[int, str, int, int]] = field(default_factory=list)  # (seq, stop_id, arr ms, dep ms)
    silent: tuple[int, int] | None = None  # ms interval without reports
    sends_trip_id: bool = True

    @property
    def start_ms(self) -> int:
        return self.knots[0][0]

    @property
    def end_ms(self) -> int:
        return self.knots[-1][0]

    def dist_at(self, ts: int) -> tuple[float, float]:
        """(dist, speed m/s) at a moment of the trip."""
        k = self.knots
        if ts <= k[0][0]:
            return k[0][1], 0.0
        for (t0, d0), (t1, d1) in zip(k, k[1:]):
            if ts <= t1:
                f = (ts - t0) / (t1 - t0) if t1 > t0 else 1.0
                return d0 + (d1 - d0) * f, (d1 - d0) / max((t1 - t0) / 1000, 1e-3)
        return k[-1][1], 0.0


def _unit(*parts) -> float:
    h = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2 ** 64


def _rush(hour: float) -> float:
    return math.exp(-((hour - 8.0) / 0.8) ** 2) + 0.9 * math.exp(-((hour - 17.5) / 1.0) ** 2)


def day_start_ms(service_date: date) -> int:
    return int(datetime(service_date.year, service_date.month, service_date.day, tzinfo=CITY_TZ).timestamp() * 1000)


class CityBuses:
    """Runs the feed's trips on one service day after another."""

    def __init__(self, feed: CarrierFeed, variation: Variation | None = None, seed: int = 7) -> None:
        self.feed = feed
        self.var = variation or Variation()
        self.seed = seed
        self.vehicles = self._vehicle_names()

    def _vehicle_names(self) -> dict[str, str]:
        """block id -> bus: each route's k-th block is run by the same bus every day."""
        out = {}
        for t in self.feed.trips.values():
            _, route, k = t.block_id.rsplit("-", 2)
            out[t.block_id] = f"{route}{int(k):02d}".rjust(4, "0")
        return {b: f"KUR-{v}" for b, v in out.items()}

    def _segment_speed(self, trip: SimTrip, i: int, hour: float, weekend: bool, rng: random.Random,
                       day_f: float, driver_f: float) -> float:
        a, b = trip.stops[i], trip.stops[i + 1]
        shape = self.feed.shapes[trip.shape_id]
        la, lo, _ = point_on(shape, (a[4] + b[4]) / 2)
        near = math.hypot((la - CENTRE[0]) * 111_320, (lo - CENTRE[1]) * 111_320 * 0.62)
        central = max(0.0, 1.0 - near / 1800)  # 1 at the centre, 0 beyond 1.8 km
        base = 8.0 + 3.0 * _unit("road", a[1], b[1])  # 29–40 km/h on a free road
        if weekend:
            slow = self.var.weekend_slowdown * central * math.exp(-((hour - 12.5) / 2.0) ** 2)
        else:
            slow = self.var.rush_slowdown * (0.35 + 0.65 * central) * _rush(hour)
        noise = math.exp(rng.gauss(0, self.var.segment_sigma))
        return base * (1 - slow) * day_f * driver_f * noise

    def _demand(self, stop_id: str, hour: float, weekend: bool) -> float:
        """Passengers per minute gathering at a stop."""
        pop = 0.2 + 1.2 * _unit("stop", stop_id)
        shape = (0.4 + 0.6 * math.exp(-((hour - 13) / 3.0) ** 2)) if weekend else (0.3 + _rush(hour))
        return pop * shape

    def run_day(self, service_date: date) -> list[TripRun]:
        """Every trip of the day, run in time order (each block by its bus, one after another)."""
        var = self.var
        rng = random.Random(f"{self.seed}-{service_date.isoformat()}")
        weekend = service_date.weekday() >= 5
        active = {s for s, days in self.feed.calendar.items() if days[service_date.weekday()] == "1"}
        day0 = day_start_ms(service_date)
        sd = service_date.strftime("%Y%m%d")
        day_f = math.exp(rng.gauss(0, var.day_sigma))
        trips = sorted((t for t in self.feed.trips.values() if t.service_id in active), key=lambda t: t.stops[0][3])
        bus_free: dict[str, int] = {}  # vehicle -> when it is back at a terminus, ms
        last_dep: dict[tuple[str, int, str], int] = {}  # (route, direction, stop) -> previous bus's departure ms
        runs = []
        for trip in trips:
            vehicle = self.vehicles[trip.block_id]
            driver_f = math.exp(rng.gauss(0, var.driver_sigma))
            sched0 = day0 + trip.stops[0][3] * 1000
            t = max(sched0, bus_free.get(vehicle, 0) + 90_000)
            if rng.random() < var.late_start_probability:
                t += int(rng.uniform(60, 360) * 1000)
            run = TripRun(trip, vehicle, sd, day0, sends_trip_id=_unit("unit", vehicle) < var.trip_id_share)
            breakdown_at = rng.randrange(1, len(trip.stops) - 1) if rng.random() < var.breakdown_probability else None
            stops = trip.stops
            run.knots.append((t - 120_000, stops[0][4]))  # standing at the first stop before leaving
            run.arrivals.append((stops[0][0], stops[0][1], t - 120_000, t))
            run.knots.append((t, stops[0][4]))
            for i in range(len(stops) - 1):
                a, b = stops[i], stops[i + 1]
                hour = ((t - day0) / 3_600_000)
                v = self._segment_speed(trip, i, hour, weekend, rng, day_f, driver_f)
                length = b[4] - a[4]
                travel = length / v
                if rng.random() < var.light_probability:  # a red light half-way
                    wait = rng.uniform(5, 45)
                    mid_t = t + int(travel / 2 * 1000)
                    run.knots.append((mid_t, a[4] + length / 2))
                    run.knots.append((mid_t + int(wait * 1000), a[4] + length / 2))
                    t = mid_t + int(wait * 1000) + int(travel / 2 * 1000)
                else:
                    t += int(travel * 1000)
                if breakdown_at == i + 1:
                    stuck = int(rng.uniform(15, 40) * 60_000)
                    run.knots.append((t - 1000, b[4] - 5))
                    run.knots.append((t - 1000 + stuck, b[4] - 5))
                    t += stuck
                run.knots.append((t, b[4]))
                arr = t
                if i + 1 < len(stops) - 1:
                    key = (trip.route_id, trip.direction_id, b[1])
                    gap_min = min((t - last_dep.get(key, t - 600_000)) / 60_000, 40)
                    waiting = rng.gauss(self._demand(b[1], hour, weekend) * gap_min, 1.0)
                    alighting = max(0.0, rng.gauss(2.0, 1.5))
                    people = max(0.0, waiting) + alighting
                    dwell = 0.0 if people < 0.5 else var.door_s + var.per_passenger_s * people
                    t += int(dwell * 1000)
                    last_dep[key] = t
                    if dwell:
                        run.knots.append((t, b[4]))
                run.arrivals.append((b[0], b[1], arr, t))
            bus_free[vehicle] = t
            if rng.random() < var.silence_probability:
                s = rng.randrange(run.start_ms, max(run.start_ms + 1, run.end_ms))
                run.silent = (s, s + int(rng.uniform(5, 15) * 60_000))
            runs.append(run)
        return runs

    def reports(self, runs: list[TripRun], *, every_s: float = REPORT_EVERY_S, gps_m: float = 4.0,
                seed: int = 0):
        """Position reports of a day's runs in time order: (ts, vehicle_id, payload dict)."""
        rng = random.Random(seed)
        out = []
        for run in runs:
            shape = self.feed.shapes[run.trip.shape_id]
            phase = _unit("phase", run.vehicle_id) * every_s * 1000
            ts = run.start_ms + int(phase)
            while ts <= run.end_ms:
                if not (run.silent and run.silent[0] <= ts < run.silent[1]):
                    dist, speed = run.dist_at(ts)
                    lat, lon, bearing = point_on(shape, dist)
                    k = math.cos(math.radians(lat))
                    lat += rng.gauss(0, gps_m) / 111_320
                    lon += rng.gauss(0, gps_m) / (111_320 * k)
                    payload = {"ts": ts, "lat": round(lat, 6), "lon": round(lon, 6), "speed": round(speed, 1),
                               "bearing": round(bearing), "route_id": run.trip.route_id}
                    if run.sends_trip_id:
                        payload["trip_id"] = run.trip.trip_id
                    out.append((ts, run.vehicle_id, payload))
                ts += int(every_s * 1000 * rng.uniform(0.8, 1.2))
        out.sort(key=lambda r: r[0])
        return out
