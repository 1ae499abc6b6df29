"""The carrier's own copy of its timetable, read straight from the GTFS zip (the simulator's ground)."""

from __future__ import annotations

import csv
import io
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

DEMO_FEED = Path(__file__).resolve().parents[2] / "resources" / "transit" / "kurchatov_gtfs.zip"
DEMO_BOARDS = DEMO_FEED.with_name("boards.csv")
M_PER_DEG = 111_320.0


def hms(text: str) -> int:
    h, m, s = (int(x) for x in text.split(":"))
    return h * 3600 + m * 60 + s


@dataclass
class SimTrip:
    trip_id: str
    route_id: str
    service_id: str
    direction_id: int
    block_id: str
    shape_id: str
    stops: list[tuple[int, str, int, int, float]]  # (seq, stop_id, arr_s, dep_s, dist_m)


@dataclass
class CarrierFeed:
    stops: dict[str, tuple[float, float]]
    trips: dict[str, SimTrip]
    shapes: dict[str, list[tuple[float, float, float]]]  # (lat, lon, dist_m)
    calendar: dict[str, str]  # service_id -> "1111100"
    junctions: set[tuple[float, float]] = field(default_factory=set)  # shape points shared by several streets

    @classmethod
    def read(cls, path: Path = DEMO_FEED) -> "CarrierFeed":
        with zipfile.ZipFile(path) as zf:
            def rows(name):
                return list(csv.DictReader(io.TextIOWrapper(zf.open(name), encoding="utf-8-sig")))
            stops = {r["stop_id"]: (float(r["stop_lat"]), float(r["stop_lon"])) for r in rows("stops.txt")}
            shapes: dict[str, list] = {}
            for r in sorted(rows("shapes.txt"), key=lambda r: (r["shape_id"], int(r["shape_pt_sequence"]))):
                shapes.setdefault(r["shape_id"], []).append(
                    (float(r["shape_pt_lat"]), float(r["shape_pt_lon"]), float(r["shape_dist_traveled"])))
            st: dict[str, list] = {}
            for r in rows("stop_times.txt"):
                st.setdefault(r["trip_id"], []).append((int(r["stop_sequence"]), r["stop_id"], hms(r["arrival_time"]),
                                                         hms(r["departure_time"]), float(r["shape_dist_traveled"])))
            trips = {r["trip_id"]: SimTrip(r["trip_id"], r["route_id"], r["service_id"], int(r["direction_id"]),
                                           r["block_id"], r["shape_id"], sorted(st[r["trip_id"]]))
                     for r in rows("trips.txt")}
            days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
            calendar = {r["service_id"]: "".join(r[d] for d in days) for r in rows("calendar.txt")}
        count: dict[tuple, int] = {}
        for pts in shapes.values():
            for la, lo, _ in pts[1:-1]:
                count[(la, lo)] = count.get((la, lo), 0) + 1
        return cls(stops, trips, shapes, calendar, {p for p, n in count.items() if n > 2})


def point_on(shape: list[tuple[float, float, float]], dist: float) -> tuple[float, float, float]:
    """(lat, lon, bearing°) at a distance along a shape."""
    for (la1, lo1, d1), (la2, lo2, d2) in zip(shape, shape[1:]):
        if dist <= d2 or (la2, lo2, d2) == shape[-1]:
            f = 0.0 if d2 == d1 else min(max((dist - d1) / (d2 - d1), 0.0), 1.0)
            k = math.cos(math.radians(la1))
            bearing = math.degrees(math.atan2((lo2 - lo1) * k, la2 - la1)) % 360
            return la1 + (la2 - la1) * f, lo1 + (lo2 - lo1) * f, bearing
    la, lo, _ = shape[-1]
    return la, lo, 0.0
