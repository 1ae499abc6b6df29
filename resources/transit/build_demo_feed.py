"""Builds kurchatov_gtfs.zip, the demo GTFS feed of Kurchatov's city buses, from the demo base map.

Routes follow the streets of resources/city/kurchatov_streets.geojson (shortest paths between
named waypoints over the street graph); stops sit every ~400 m along them and are shared where
routes meet; the 8 stops served by the most trips are the smart stops (boards.csv). Run:

    .venv/bin/python resources/transit/build_demo_feed.py
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import math
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CITY = HERE.parent / "city"
M_PER_DEG = 111_320.0
COS = math.cos(math.radians(51.659))

# (route_id, short name, long name, colour, waypoints as (lon, lat) street-graph nodes)
ROUTES = [
    ("1", "1", "Промышленная — Автовокзал", "D32F2F",
     [(35.633, 51.6505), (35.672, 51.669)]),
    ("2", "2", "Южная — Молодёжная", "1976D2",
     [(35.642, 51.6478), (35.6745, 51.664), (35.666, 51.6668), (35.6455, 51.6675)]),
    ("3", "3", "Курская АЭС — Гайдара", "388E3C",
     [(35.609, 51.6735), (35.633, 51.664), (35.661, 51.6588), (35.656, 51.6705)]),
    ("5", "5", "Советская — Космонавтов", "F57C00",
     [(35.659, 51.647), (35.6515, 51.65), (35.6445, 51.672)]),
]
# Per service: (routes, first and last departure (h), headways (min): peak and off-peak, or one;
# the first block number). Routes 1 and 3 also run at night: the nuclear plant works in shifts.
SERVICE = {
    "WD": [("all", 6, 23.5, (10, 15), 1), (("1", "3"), 0, 5.5, (30,), 9)],
    "WE": [("all", 7, 23.5, (20,), 1), (("1", "3"), 0, 6.5, (40,), 9)],
}
SCHEDULE_SPEED_KMH = 21.0  # what the timetable assumes, dwell included: the planners' single figure
LAYOVER_MIN = 6
STOP_SPACING_M = 420
MERGE_M = 90


def xy(lon: float, lat: float) -> tuple[float, float]:
    return lon * M_PER_DEG * COS, lat * M_PER_DEG


def dist(a, b) -> float:
    (ax, ay), (bx, by) = xy(*a), xy(*b)
    return math.hypot(bx - ax, by - ay)


def street_graph() -> tuple[dict, dict]:
    streets = json.loads((CITY / "kurchatov_streets.geojson").read_text(encoding="utf-8"))
    graph: dict[tuple, list] = {}
    names: dict[frozenset, str] = {}
    for f in streets["features"]:
        pts = [tuple(c) for c in f["geometry"]["coordinates"]]
        for a, b in zip(pts, pts[1:]):
            d = dist(a, b)
            graph.setdefault(a, []).append((b, d))
            graph.setdefault(b, []).append((a, d))
            names[frozenset((a, b))] = f["properties"]["name"]
    return graph, names


def shortest(graph, a, b) -> list:
    best = {a: 0.0}
    prev = {}
    heap = [(0.0, a)]
    while heap:
        d, n = heapq.heappop(heap)
        if n == b:
            break
        if d > best[n]:
            continue
        for m, w in graph[n]:
            if d + w < best.get(m, math.inf):
                best[m], prev[m] = d + w, n
                heapq.heappush(heap, (d + w, m))
    path = [b]
    while path[-1] != a:
        path.append(prev[path[-1]])
    return path[::-1]


def route_path(graph, waypoints) -> list:
    out = [waypoints[0]]
    for a, b in zip(waypoints, waypoints[1:]):
        out += shortest(graph, a, b)[1:]
    return out


def cumulative(path) -> list[float]:
    acc = [0.0]
    for a, b in zip(path, path[1:]):
        acc.append(acc[-1] + dist(a, b))
    return acc


def point_at(path, acc, s):
    for i in range(1, len(path)):
        if acc[i] >= s:
            t = (s - acc[i - 1]) / max(acc[i] - acc[i - 1], 1e-9)
            (ax, ay), (bx, by) = path[i - 1], path[i]
            return (ax + (bx - ax) * t, ay + (by - ay) * t), i - 1
    return path[-1], len(path) - 2


def stop_name(point, seg_names, addresses) -> str:
    lon, lat = point
    near = min(addresses, key=lambda r: dist((r[1], r[0]), point))
    return f"{near[2]}"


def build() -> dict[str, str]:
    graph, seg_names = street_graph()
    addresses = []
    with open(CITY / "addresses.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            addresses.append((float(row["lat"]), float(row["lon"]), row["address"]))
    stops: list[dict] = []  # {"id", "point", "name", "trips"}

    def stop_for(point) -> dict:
        for s in stops:
            if dist(s["point"], point) < MERGE_M:
                return s
        s = {"id": f"KUR{len(stops) + 1:03d}", "point": point, "trips": 0}
        s["name"] = stop_name(point, seg_names, addresses)
        stops.append(s)
        return s

    lines = {"routes": [], "trips": [], "stop_times": [], "shapes": [], "route_stops": {}}
    for route_id, short, long_name, colour, waypoints in ROUTES:
        path = route_path(graph, waypoints)
        acc = cumulative(path)
        n = max(2, round(acc[-1] / STOP_SPACING_M) + 1)
        route_stops = []
        for k in range(n):
            s = acc[-1] * k / (n - 1)
            point, _ = point_at(path, acc, s)
            stop = stop_for(point)
            if not route_stops or route_stops[-1][0] is not stop:
                route_stops.append((stop, s))
        lines["routes"].append((route_id, short, long_name, colour))
        for direction in (0, 1):
            shape_pts = path if direction == 0 else path[::-1]
            st = route_stops if direction == 0 else [(stop, acc[-1] - s) for stop, s in route_stops[::-1]]
            lines["route_stops"][(route_id, direction)] = (shape_pts, st, acc[-1])
    # two stops nearest to one house still read apart
    seen: dict[str, int] = {}
    for s in stops:
        seen[s["name"]] = seen.get(s["name"], 0) + 1
    counter: dict[str, int] = {}
    for s in stops:
        if seen[s["name"]] > 1:
            counter[s["name"]] = counter.get(s["name"], 0) + 1
            s["name"] = f"{s['name']} ({counter[s['name']]})"

    files: dict[str, list[list]] = {
        "agency.txt": [["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang", "agency_phone"],
                       ["KPATP", "МУП «Курчатовское ПАТП»", "https://kurchatov.example/transport",
                        "Europe/Moscow", "ru", "+7 47131 4-00-00"]],
        "routes.txt": [["route_id", "agency_id", "route_short_name", "route_long_name", "route_type", "route_color",
                        "route_text_color"]],
        "trips.txt": [["route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "block_id",
                       "shape_id"]],
        "stop_times.txt": [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence",
                            "shape_dist_traveled"]],
        "shapes.txt": [["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence", "shape_dist_traveled"]],
        "calendar.txt": [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday", "start_date", "end_date"],
                         ["WD", 1, 1, 1, 1, 1, 0, 0, "20260101", "20271231"],
                         ["WE", 0, 0, 0, 0, 0, 1, 1, "20260101", "20271231"]],
        "calendar_dates.txt": [["service_id", "date", "exception_type"],
                               ["WD", "20270101", 2], ["WE", "20270101", 1]],
        "feed_info.txt": [["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                           "feed_end_date", "feed_version"],
                          ["Situation Center demo", "https://kurchatov.example", "ru", "20260101", "20271231",
                           "kurchatov-demo-1"]],
    }
    for route_id, short, long_name, colour in lines["routes"]:
        files["routes.txt"].append([route_id, "KPATP", short, long_name, 3, colour, "FFFFFF"])
    for (route_id, direction), (shape_pts, st, length) in lines["route_stops"].items():
        shape_id = f"R{route_id}D{direction}"
        acc = cumulative(shape_pts)
        for i, ((lon, lat), d) in enumerate(zip(shape_pts, acc)):
            files["shapes.txt"].append([shape_id, f"{lat:.6f}", f"{lon:.6f}", i + 1, f"{d:.1f}"])
    all_routes = tuple(r[0] for r in lines["routes"])
    for service_id, periods in SERVICE.items():
        for period, (route_ids, first_h, last_h, headways, first_block) in enumerate(periods):
            for route_id in (r for r in all_routes if r in route_ids or route_ids == "all"):
                run_s = {d: lines["route_stops"][(route_id, d)][2] / (SCHEDULE_SPEED_KMH / 3.6) for d in (0, 1)}
                cycle = run_s[0] + run_s[1] + 2 * LAYOVER_MIN * 60
                # departures from the first terminus; each bus does round trips (its block)
                deps = []
                t = round(first_h * 3600)
                while t <= last_h * 3600:
                    deps.append(t)
                    h = t / 3600
                    peak = len(headways) > 1 and (7 <= h < 9.5 or 16.5 <= h < 19)
                    t += (headways[0] if peak else headways[-1]) * 60
                blocks: list[float] = []  # when each bus is back at terminus 0
                for n, dep in enumerate(deps):
                    free = next((i for i, back in enumerate(blocks) if back <= dep), None)
                    if free is None:
                        blocks.append(0.0)
                        free = len(blocks) - 1
                    blocks[free] = dep + cycle
                    block_id = f"{service_id}-{route_id}-{first_block + free}"
                    for direction, start in ((0, dep), (1, dep + run_s[0] + LAYOVER_MIN * 60)):
                        shape_pts, st, length = lines["route_stops"][(route_id, direction)]
                        trip_id = f"{service_id}-{route_id}-{direction}-{period}{n + 1:03d}"
                        headsign = st[-1][0]["name"]
                        files["trips.txt"].append([route_id, service_id, trip_id, headsign, direction, block_id,
                                                   f"R{route_id}D{direction}"])
                        for seq, (stop, s) in enumerate(st, 1):
                            at = round(start + s / (SCHEDULE_SPEED_KMH / 3.6))
                            hms = f"{at // 3600:02d}:{at % 3600 // 60:02d}:{at % 60:02d}"
                            files["stop_times.txt"].append([trip_id, hms, hms, stop["id"], seq, f"{s:.1f}"])
                            stop["trips"] += 1
    files["stops.txt"] = [["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"]]
    for s in stops:
        lon, lat = s["point"]
        files["stops.txt"].append([s["id"], s["name"], f"{lat:.6f}", f"{lon:.6f}", 0])
    out = {}
    for name, rows in files.items():
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        out[name] = buf.getvalue()
    # the busiest stops, spread over the town (boards 600 m apart at least)
    smart: list[dict] = []
    for s in sorted(stops, key=lambda s: (-s["trips"], s["id"])):
        if len(smart) < 8 and all(dist(s["point"], o["point"]) >= 600 for o in smart):
            smart.append(s)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["stop_id", "board_name"])
    for s in sorted(smart, key=lambda s: s["id"]):
        w.writerow([s["id"], f"Табло «{s['name']}»"])
    out["boards.csv"] = buf.getvalue()
    return out


def main() -> None:
    files = build()
    with zipfile.ZipFile(HERE / "kurchatov_gtfs.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            if name.endswith(".txt"):
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # reproducible bytes
                zf.writestr(info, text, zipfile.ZIP_DEFLATED)
    (HERE / "boards.csv").write_text(files["boards.csv"], encoding="utf-8")
    stops = files["stops.txt"].count("\n") - 1
    trips = files["trips.txt"].count("\n") - 1
    print(f"kurchatov_gtfs.zip: {stops} stops, {trips} trips; boards.csv: 8 smart stops")


if __name__ == "__main__":
    main()
