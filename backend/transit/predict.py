"""Arrival predictions learned from history, and the two usual ones the bench compares them with.

The model learns, from observed stop events, the running time of each stop-to-stop segment and
the dwell at each stop, by day type (weekday / weekend) and hour of the day, as medians with a
spread (robust to the odd breakdown). A prediction walks the trip from the bus's place: the rest
of the current segment in proportion to the distance left, then learned dwell and running times
at the hours the bus will be there. Where history is thin it falls back to coarser keys and last
to the timetable. Pure: no database; the service feeds it events, the bench feeds it directly.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from backend.transit.network import Network, TripInfo, day_type

MIN_SAMPLES = 3
BASE_SIGMA_S = 15.0


def day_group(service_date: str) -> str:
    return "weekday" if day_type(service_date) == "weekday" else "weekend"


@dataclass(frozen=True, slots=True)
class Prediction:
    seq: int
    stop_id: str
    arr_ms: int
    dep_ms: int
    sigma_s: float


def _median_spread(values: list[float]) -> tuple[float, float]:
    """Median and a robust spread. A median rather than a mean: besides shrugging off the odd breakdown, it
    sits early in the right-skewed segment times, and riders are served by predictions the bus rarely beats
    (a mean-based variant scored worse in bench/transit.py)."""
    v = sorted(values)
    n = len(v)
    med = v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2
    q1, q3 = v[n // 4], v[(3 * n) // 4 if n > 3 else n - 1]
    return med, max((q3 - q1) / 1.35, 1.0)


class HistoryModel:
    """Running times per (from stop, to stop) and dwells per stop, by day group and hour."""

    def __init__(self, tz) -> None:
        self.tz = tz
        self._run: dict[tuple, list[float]] = defaultdict(list)
        self._dwell: dict[tuple, list[float]] = defaultdict(list)
        self.run: dict[tuple, tuple[float, float]] = {}
        self.dwell: dict[tuple, tuple[float, float]] = {}
        self.samples = 0

    def _hour(self, ts_ms: int) -> int:
        return datetime.fromtimestamp(ts_ms / 1000, self.tz).hour

    def learn(self, events: Iterable) -> None:
        """Stop events (objects with service_date, trip_id, seq, stop_id, arr_ts, dep_ts), any order."""
        by_trip: dict[tuple, list] = defaultdict(list)
        for e in events:
            by_trip[(e.service_date, e.trip_id)].append(e)
        for (sd, _), evs in by_trip.items():
            g = day_group(sd)
            evs.sort(key=lambda e: e.seq)
            for a, b in zip(evs, evs[1:]):
                run = (b.arr_ts - a.dep_ts) / 1000
                if 0 < run < 3600:
                    h = self._hour(a.dep_ts)
                    self._run[(a.stop_id, b.stop_id, g, h)].append(run)
                    self._run[(a.stop_id, b.stop_id, g, None)].append(run)
            for e in evs[1:-1]:
                dwell = (e.dep_ts - e.arr_ts) / 1000
                if 0 <= dwell < 1800:
                    h = self._hour(e.arr_ts)
                    self._dwell[(e.stop_id, g, h)].append(dwell)
                    self._dwell[(e.stop_id, g, None)].append(dwell)
            self.samples += len(evs)
        self.run = {k: _median_spread(v) for k, v in self._run.items() if len(v) >= MIN_SAMPLES}
        self.dwell = {k: _median_spread(v) for k, v in self._dwell.items() if len(v) >= MIN_SAMPLES}

    def run_time(self, a: str, b: str, group: str, hour: int, scheduled: float) -> tuple[float, float]:
        for key in ((a, b, group, hour), (a, b, group, None)):
            if (hit := self.run.get(key)) is not None:
                return hit
        return scheduled, max(30.0, 0.25 * scheduled)

    def dwell_time(self, stop: str, group: str, hour: int, scheduled: float) -> tuple[float, float]:
        for key in ((stop, group, hour), (stop, group, None)):
            if (hit := self.dwell.get(key)) is not None:
                return hit
        return scheduled, 20.0


PACE_PRIOR_S = 240.0  # seconds of "as usual" the bus's own pace is weighed against


def trip_pace(model: HistoryModel, service_date: str, events: Iterable) -> float:
    """How this bus runs today against the usual (its driver, today's weather and traffic): the ratio of its
    observed segment times on this trip to the learned ones, shrunk towards 1 while it has run little."""
    group = day_group(service_date)
    evs = sorted(events, key=lambda e: e.seq)
    actual = expected = 0.0
    for a, b in zip(evs, evs[1:]):
        if b.seq != a.seq + 1 and b.seq - a.seq > 1:
            continue
        usual = model.run.get((a.stop_id, b.stop_id, group, model._hour(a.dep_ts))) or \
            model.run.get((a.stop_id, b.stop_id, group, None))
        if usual is None:
            continue
        actual += (b.arr_ts - a.dep_ts) / 1000
        expected += usual[0]
    pace = (actual + PACE_PRIOR_S) / (expected + PACE_PRIOR_S)
    return min(max(pace, 0.6), 1.8)


def predict_trip(net: Network, model: HistoryModel, trip: TripInfo, service_date: str, *, now_ms: int,
                 dist: float | None, next_i: int, arr_ts: int | None = None,
                 not_before_ms: int | None = None, pace: float = 1.0) -> list[Prediction]:
    """Predictions for trip.calls[next_i:] of a bus at `dist` (None: not yet at the first stop);
    `pace` scales the learned running times (trip_pace)."""
    calls = trip.calls
    if next_i >= len(calls):
        return []
    day0 = net.day_start_ms(service_date)
    group = day_group(service_date)
    out: list[Prediction] = []
    t = now_ms
    var = 0.0
    i = next_i
    if dist is None or (i == 0 and arr_ts is None):
        # before the first stop: it leaves at its time, or when the bus can
        start = max(day0 + calls[0].dep_s * 1000, not_before_ms or now_ms, now_ms)
        out.append(Prediction(calls[0].seq, calls[0].stop_id, start, start, BASE_SIGMA_S))
        t, i = start, 1
    elif arr_ts is not None:  # standing at calls[i]
        c = calls[i]
        if i == 0:
            dep = max(now_ms, day0 + c.dep_s * 1000)
            sd = BASE_SIGMA_S
        else:
            dwell, sd = model.dwell_time(c.stop_id, group, model._hour(arr_ts), c.dep_s - c.arr_s)
            dep = max(now_ms, arr_ts + round(dwell * 1000))
        out.append(Prediction(c.seq, c.stop_id, arr_ts, dep, sd))
        var += sd * sd
        t, i = dep, i + 1
    else:  # between calls[i-1] and calls[i]
        a, b = calls[i - 1], calls[i]
        run, sd = model.run_time(a.stop_id, b.stop_id, group, model._hour(now_ms), b.arr_s - a.dep_s)
        run *= pace
        span = b.dist_m - a.dist_m
        left = 1.0 - (min(max(dist - a.dist_m, 0.0), span) / span if span > 0 else 1.0)
        arr = now_ms + round(run * left * 1000)
        var += (sd * left) ** 2
        if i == len(calls) - 1:
            out.append(Prediction(b.seq, b.stop_id, arr, arr, math.sqrt(var) + BASE_SIGMA_S))
            return out
        dwell, dsd = model.dwell_time(b.stop_id, group, model._hour(arr), b.dep_s - b.arr_s)
        var += dsd * dsd
        out.append(Prediction(b.seq, b.stop_id, arr, arr + round(dwell * 1000), math.sqrt(var) + BASE_SIGMA_S))
        t, i = arr + round(dwell * 1000), i + 1
    while i < len(calls):
        a, b = calls[i - 1], calls[i]
        run, sd = model.run_time(a.stop_id, b.stop_id, group, model._hour(t), b.arr_s - a.dep_s)
        arr = t + round(run * pace * 1000)
        var += sd * sd
        if i == len(calls) - 1:
            out.append(Prediction(b.seq, b.stop_id, arr, arr, math.sqrt(var) + BASE_SIGMA_S))
            break
        dwell, dsd = model.dwell_time(b.stop_id, group, model._hour(arr), b.dep_s - b.arr_s)
        var += dsd * dsd
        dep = arr + round(dwell * 1000)
        out.append(Prediction(b.seq, b.stop_id, arr, dep, math.sqrt(var) + BASE_SIGMA_S))
        t, i = dep, i + 1
    return out


def schedule_only(net: Network, trip: TripInfo, service_date: str, *, next_i: int) -> list[Prediction]:
    day0 = net.day_start_ms(service_date)
    return [Prediction(c.seq, c.stop_id, day0 + c.arr_s * 1000, day0 + c.dep_s * 1000, 0.0)
            for c in trip.calls[next_i:]]


def schedule_plus_delay(net: Network, trip: TripInfo, service_date: str, *, next_i: int,
                        delay_s: float) -> list[Prediction]:
    """The usual real-time prediction: the timetable shifted by the bus's current delay."""
    d = round(delay_s * 1000)
    return [Prediction(p.seq, p.stop_id, p.arr_ms + d, p.dep_ms + d, 0.0)
            for p in schedule_only(net, trip, service_date, next_i=next_i)]
