"""GTFS static import: read with gtfs-kit, validate, refuse a feed with errors whole, load one that passes.

Validation reads every table as text first (pandas, the tables gtfs-kit knows), so each problem
names its file, line and field; errors refuse the feed and leave the active one in force;
warnings (service in the past, unused stops, a missing optional file) are reported and kept with
the feed, as the field's validators treat them. A feed that passes is read again by gtfs-kit for
its typed tables and loaded under a new feed id, then made active in the same transaction.
"""

from __future__ import annotations

import hashlib
import math
import re
import zipfile
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path

import gtfs_kit
import gtfs_kit.constants
import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from backend.transit import models as m

REQUIRED_FILES = ("agency", "stops", "routes", "trips", "stop_times")
OPTIONAL_WARN = ("shapes", "feed_info")  # missing: a warning (positions are then matched on stop lines)
REQUIRED_FIELDS = {
    "agency": ("agency_name", "agency_url", "agency_timezone"),
    "stops": ("stop_id",),
    "routes": ("route_id", "route_type"),
    "trips": ("route_id", "service_id", "trip_id"),
    "stop_times": ("trip_id", "stop_id", "stop_sequence"),
    "calendar": ("service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                 "start_date", "end_date"),
    "calendar_dates": ("service_id", "date", "exception_type"),
    "shapes": ("shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"),
    "frequencies": ("trip_id", "start_time", "end_time", "headway_secs"),
}
PRIMARY_KEYS = {"stops": ("stop_id",), "routes": ("route_id",), "trips": ("trip_id",),
                "stop_times": ("trip_id", "stop_sequence"), "calendar": ("service_id",),
                "calendar_dates": ("service_id", "date"), "shapes": ("shape_id", "shape_pt_sequence")}
TIME_RE = re.compile(r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$")
DATE_RE = re.compile(r"^\d{8}$")
MAX_PROBLEMS = 1000  # a broken feed can have a million; the first thousand say enough


@dataclass
class Problem:
    severity: str  # error | warning
    file: str
    line: int | None  # 1-based line of the file (the header is line 1); None for the file as a whole
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "") + (f" [{self.field}]" if self.field else "")
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    truncated: bool = False

    def add(self, severity: str, file: str, line: int | None, fld: str | None, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(Problem(severity, file, line, fld, message))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


class FeedRefused(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__(f"GTFS feed refused: {len(report.errors)} error(s)")
        self.report = report


def time_to_s(text: str) -> int | None:
    m_ = TIME_RE.match(text)
    return int(m_[1]) * 3600 + int(m_[2]) * 60 + int(m_[3]) if m_ else None


def _float(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def read_text_tables(path: Path, report: Report) -> dict[str, pd.DataFrame]:
    """Every GTFS table gtfs-kit knows, as text, with a `sc_line` column (the file's line number)."""
    tables: dict[str, pd.DataFrame] = {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.add("error", Path(path).name, None, None, f"not a readable GTFS zip: {exc}")
        return tables
    with zf:
        names = {Path(n).name: n for n in zf.namelist() if not n.endswith("/")}
        for name in names:
            if name.endswith(".txt") and Path(name).stem not in gtfs_kit.constants.DTYPES:
                report.add("warning", name, None, None, "file not in the GTFS specification; ignored")
        for table in gtfs_kit.constants.DTYPES:
            name = f"{table}.txt"
            if name not in names:
                continue
            try:
                with zf.open(names[name]) as f:
                    df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                     skipinitialspace=True)
            except pd.errors.EmptyDataError:
                df = pd.DataFrame()
            except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
                report.add("error", name, None, None, f"cannot be read as UTF-8 CSV: {exc}")
                continue
            df.columns = [str(c).strip() for c in df.columns]
            df = df.apply(lambda col: col.str.strip()) if len(df) else df
            df["sc_line"] = range(2, len(df) + 2)
            tables[table] = df
    return tables


def validate_tables(t: dict[str, pd.DataFrame], report: Report, *, today: date | None = None) -> None:
    today = today or date.today()
    for table in REQUIRED_FILES:
        if table not in t or t[table].empty:
            report.add("error", f"{table}.txt", None, None, "required file is missing or empty")
    if "calendar" not in t and "calendar_dates" not in t:
        report.add("error", "calendar.txt", None, None, "neither calendar.txt nor calendar_dates.txt is present")
    for table in OPTIONAL_WARN:
        if table not in t:
            report.add("warning", f"{table}.txt", None, None, "optional file is missing")
    usable = {}
    for table, df in t.items():
        name = f"{table}.txt"
        missing = [c for c in REQUIRED_FIELDS.get(table, ()) if c not in df.columns]
        for c in missing:
            report.add("error", name, 1, c, "required column is missing")
        if missing:
            continue
        usable[table] = df
        for c in REQUIRED_FIELDS.get(table, ()):
            for line in df.loc[df[c] == "", "sc_line"]:
                report.add("error", name, int(line), c, "required value is empty")
        if table in PRIMARY_KEYS:
            key = list(PRIMARY_KEYS[table])
            for line in df.loc[df.duplicated(key, keep="first"), "sc_line"]:
                report.add("error", name, int(line), ",".join(key), "duplicate key")
    _check_stops(usable.get("stops"), report)
    _check_routes(usable.get("routes"), report)
    _check_calendar(usable.get("calendar"), usable.get("calendar_dates"), report, today)
    _check_shapes(usable.get("shapes"), report)
    _check_trips(usable, report)
    _check_frequencies(usable.get("frequencies"), usable.get("trips"), report)


def _check_stops(df, report: Report) -> None:
    if df is None:
        return
    loc = df["location_type"] if "location_type" in df.columns else pd.Series([""] * len(df), index=df.index)
    for row, lt in zip(df.itertuples(index=False), loc):
        needs_position = lt in ("", "0", "1", "2")
        for c, lo, hi in (("stop_lat", -90, 90), ("stop_lon", -180, 180)):
            text = getattr(row, c, "") if c in df.columns else ""
            if not text:
                if needs_position:
                    report.add("error", "stops.txt", row.sc_line, c, "required for a stop, station or entrance")
                continue
            v = _float(text)
            if v is None or not lo <= v <= hi:
                report.add("error", "stops.txt", row.sc_line, c, f"{text!r} is not a coordinate in [{lo}, {hi}]")
        if needs_position and not (getattr(row, "stop_name", "") if "stop_name" in df.columns else ""):
            report.add("error", "stops.txt", row.sc_line, "stop_name", "required for a stop, station or entrance")


def _check_routes(df, report: Report) -> None:
    if df is None:
        return
    short = df["route_short_name"] if "route_short_name" in df.columns else pd.Series([""] * len(df), index=df.index)
    long_ = df["route_long_name"] if "route_long_name" in df.columns else pd.Series([""] * len(df), index=df.index)
    for line, rt, s, lg in zip(df["sc_line"], df["route_type"], short, long_):
        if rt and _int(rt) is None:
            report.add("error", "routes.txt", int(line), "route_type", f"{rt!r} is not an integer")
        if not s and not lg:
            report.add("error", "routes.txt", int(line), "route_short_name", "a route needs a short or a long name")


def _valid_date(text: str) -> date | None:
    if not DATE_RE.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _check_calendar(cal, dates, report: Report, today: date) -> None:
    last_day: date | None = None
    if cal is not None:
        for row in cal.itertuples(index=False):
            for day in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
                if getattr(row, day) not in ("0", "1"):
                    report.add("error", "calendar.txt", row.sc_line, day, f"{getattr(row, day)!r} is not 0 or 1")
            start, end = _valid_date(row.start_date), _valid_date(row.end_date)
            for c, v in (("start_date", start), ("end_date", end)):
                if v is None and getattr(row, c):
                    report.add("error", "calendar.txt", row.sc_line, c, f"{getattr(row, c)!r} is not a date YYYYMMDD")
            if start and end and end < start:
                report.add("error", "calendar.txt", row.sc_line, "end_date", "ends before it starts")
            if end:
                last_day = max(last_day or end, end)
    if dates is not None:
        for row in dates.itertuples(index=False):
            d = _valid_date(row.date)
            if d is None and row.date:
                report.add("error", "calendar_dates.txt", row.sc_line, "date", f"{row.date!r} is not a date YYYYMMDD")
            elif d:
                last_day = max(last_day or d, d)
            if row.exception_type not in ("1", "2", ""):
                report.add("error", "calendar_dates.txt", row.sc_line, "exception_type",
                           f"{row.exception_type!r} is not 1 (added) or 2 (removed)")
    if last_day and last_day < today:
        report.add("warning", "calendar.txt" if cal is not None else "calendar_dates.txt", None, None,
                   f"all service dates are in the past (the last is {last_day.isoformat()})")


def _check_shapes(df, report: Report) -> None:
    if df is None:
        return
    for row in df.itertuples(index=False):
        for c, lo, hi in (("shape_pt_lat", -90, 90), ("shape_pt_lon", -180, 180)):
            v = _float(getattr(row, c))
            if getattr(row, c) and (v is None or not lo <= v <= hi):
                report.add("error", "shapes.txt", row.sc_line, c, f"{getattr(row, c)!r} is not a coordinate")
        if row.shape_pt_sequence and _int(row.shape_pt_sequence) is None:
            report.add("error", "shapes.txt", row.sc_line, "shape_pt_sequence", "not an integer")


def _check_trips(t: dict[str, pd.DataFrame], report: Report) -> None:
    trips, st, stops, routes = t.get("trips"), t.get("stop_times"), t.get("stops"), t.get("routes")
    services = set()
    for name in ("calendar", "calendar_dates"):
        if name in t:
            services |= set(t[name]["service_id"])
    shapes = set(t["shapes"]["shape_id"]) if "shapes" in t else set()
    route_ids = set(routes["route_id"]) if routes is not None else None
    if trips is not None:
        has_shape = "shape_id" in trips.columns
        for row in trips.itertuples(index=False):
            if route_ids is not None and row.route_id and row.route_id not in route_ids:
                report.add("error", "trips.txt", row.sc_line, "route_id", f"route {row.route_id!r} is not in routes.txt")
            if services and row.service_id and row.service_id not in services:
                report.add("error", "trips.txt", row.sc_line, "service_id",
                           f"service {row.service_id!r} is in neither calendar.txt nor calendar_dates.txt")
            if has_shape and row.shape_id and row.shape_id not in shapes:
                report.add("error", "trips.txt", row.sc_line, "shape_id", f"shape {row.shape_id!r} is not in shapes.txt")
        if routes is not None:
            for line, rid in zip(routes["sc_line"], routes["route_id"]):
                if rid not in set(trips["route_id"]):
                    report.add("warning", "routes.txt", int(line), "route_id", f"route {rid!r} has no trips")
    if st is None:
        return
    trip_ids = set(trips["trip_id"]) if trips is not None else set()
    stop_ids = set(stops["stop_id"]) if stops is not None else set()
    arr = st["arrival_time"] if "arrival_time" in st.columns else pd.Series([""] * len(st), index=st.index)
    dep = st["departure_time"] if "departure_time" in st.columns else pd.Series([""] * len(st), index=st.index)
    by_trip: dict[str, list] = defaultdict(list)
    for line, trip, stop, seq, a, d in zip(st["sc_line"], st["trip_id"], st["stop_id"], st["stop_sequence"], arr, dep):
        line = int(line)
        if trip and trip_ids and trip not in trip_ids:
            report.add("error", "stop_times.txt", line, "trip_id", f"trip {trip!r} is not in trips.txt")
        if stop and stop_ids and stop not in stop_ids:
            report.add("error", "stop_times.txt", line, "stop_id", f"stop {stop!r} is not in stops.txt")
        n = _int(seq) if seq else None
        if seq and (n is None or n < 0):
            report.add("error", "stop_times.txt", line, "stop_sequence", f"{seq!r} is not a non-negative integer")
        ta, td = (time_to_s(a) if a else None), (time_to_s(d) if d else None)
        for c, text, v in (("arrival_time", a, ta), ("departure_time", d, td)):
            if text and v is None:
                report.add("error", "stop_times.txt", line, c, f"{text!r} is not a time HH:MM:SS")
        if n is not None:
            by_trip[trip].append((n, line, ta, td if td is not None else ta))
    for trip, calls in by_trip.items():
        calls.sort()
        if len(calls) < 2:
            report.add("error", "stop_times.txt", calls[0][1], "trip_id", f"trip {trip!r} has fewer than two stops")
            continue
        for end in (calls[0], calls[-1]):
            if end[2] is None:
                report.add("error", "stop_times.txt", end[1], "arrival_time",
                           "the first and last stop of a trip need times")
        last = None
        for _, line, ta, td in calls:
            if ta is not None and last is not None and ta < last:
                report.add("error", "stop_times.txt", line, "arrival_time", "earlier than the previous stop's departure")
            if td is not None and ta is not None and td < ta:
                report.add("error", "stop_times.txt", line, "departure_time", "earlier than the arrival")
            last = td if td is not None else last
    if trips is not None:
        for line, tid in zip(trips["sc_line"], trips["trip_id"]):
            if tid and tid not in by_trip:
                report.add("error", "trips.txt", int(line), "trip_id", f"trip {tid!r} has no stop times")
    if stops is not None:
        used = set(st["stop_id"])
        parents = set(stops["parent_station"]) if "parent_station" in stops.columns else set()
        for line, sid in zip(stops["sc_line"], stops["stop_id"]):
            if sid not in used and sid not in parents:
                report.add("warning", "stops.txt", int(line), "stop_id", f"stop {sid!r} is not served by any trip")


def _check_frequencies(df, trips, report: Report) -> None:
    if df is None:
        return
    trip_ids = set(trips["trip_id"]) if trips is not None else set()
    for row in df.itertuples(index=False):
        if trip_ids and row.trip_id not in trip_ids:
            report.add("error", "frequencies.txt", row.sc_line, "trip_id", f"trip {row.trip_id!r} is not in trips.txt")
        a, b, h = time_to_s(row.start_time), time_to_s(row.end_time), _int(row.headway_secs)
        if a is None:
            report.add("error", "frequencies.txt", row.sc_line, "start_time", "not a time HH:MM:SS")
        if b is None:
            report.add("error", "frequencies.txt", row.sc_line, "end_time", "not a time HH:MM:SS")
        if h is None or h <= 0:
            report.add("error", "frequencies.txt", row.sc_line, "headway_secs", "not a positive integer")
        if a is not None and b is not None and b <= a:
            report.add("error", "frequencies.txt", row.sc_line, "end_time", "not after start_time")


def validate(path: str | Path, *, today: date | None = None) -> Report:
    report = Report()
    tables = read_text_tables(Path(path), report)
    if tables or not report.errors:
        validate_tables(tables, report, today=today)
    return report


# Loading -----------------------------------------------------------------------------------------

M_PER_DEG = 111_320.0


def _metres(points: list[tuple[float, float]]) -> list[float]:
    acc, out = 0.0, [0.0]
    for (la1, lo1), (la2, lo2) in zip(points, points[1:]):
        k = math.cos(math.radians((la1 + la2) / 2))
        acc += math.hypot((la2 - la1) * M_PER_DEG, (lo2 - lo1) * M_PER_DEG * k)
        out.append(acc)
    return out


def project(points: list[list[float]], lat: float, lon: float, *, start_i: int = 0) -> tuple[float, float, int]:
    """(distance along, metres off, segment index) of the point's projection on a [[lat, lon, dist], ...] line."""
    best = (math.inf, 0.0, start_i)
    k = math.cos(math.radians(lat))
    for i in range(start_i, len(points) - 1):
        la1, lo1, d1 = points[i]
        la2, lo2, d2 = points[i + 1]
        ax, ay = (lo1 - lon) * M_PER_DEG * k, (la1 - lat) * M_PER_DEG
        bx, by = (lo2 - lon) * M_PER_DEG * k, (la2 - lat) * M_PER_DEG
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        t = 0.0 if seg2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / seg2))
        off = math.hypot(ax + dx * t, ay + dy * t)
        if off < best[0]:
            best = (off, d1 + (d2 - d1) * t, i)
    return best[1], best[0], best[2]


def _service_rows(feed, feed_id: int) -> list[dict]:
    rows: dict[str, dict] = {}
    if feed.calendar is not None:
        for r in feed.calendar.itertuples(index=False):
            days = "".join(str(int(getattr(r, d))) for d in
                           ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
            rows[r.service_id] = {"feed_id": feed_id, "service_id": r.service_id, "days": days,
                                  "start_date": r.start_date, "end_date": r.end_date, "added": [], "removed": []}
    if feed.calendar_dates is not None:
        for r in feed.calendar_dates.itertuples(index=False):
            row = rows.setdefault(r.service_id, {"feed_id": feed_id, "service_id": r.service_id, "days": "0000000",
                                                 "start_date": "", "end_date": "", "added": [], "removed": []})
            row["added" if int(r.exception_type) == 1 else "removed"].append(r.date)
    return list(rows.values())


def import_feed(session: Session, path: str | Path, *, name: str | None = None,
                today: date | None = None) -> tuple[m.Feed, Report]:
    """Validate and load; raises FeedRefused (nothing changed) when the feed has errors."""
    path = Path(path)
    report = validate(path, today=today)
    if report.errors:
        raise FeedRefused(report)
    feed = gtfs_kit.read_feed(path, dist_units="m")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    row = m.Feed(name=name or path.name, sha256=digest, active=False,
                 warnings=[asdict(p) for p in report.warnings[:200]], counts={})
    session.add(row)
    session.flush()
    fid = row.id

    stops = {r.stop_id: (float(r.stop_lat), float(r.stop_lon), r.stop_name or "")
             for r in feed.stops.itertuples(index=False) if pd.notna(r.stop_lat) and pd.notna(r.stop_lon)}
    session.execute(insert(m.Stop), [{"feed_id": fid, "stop_id": k, "name": v[2], "lat": v[0], "lon": v[1]}
                                     for k, v in stops.items()])
    routes = feed.routes
    session.execute(insert(m.Route), [
        {"feed_id": fid, "route_id": r.route_id,
         "short_name": r.route_short_name if "route_short_name" in routes.columns and pd.notna(r.route_short_name) else "",
         "long_name": r.route_long_name if "route_long_name" in routes.columns and pd.notna(r.route_long_name) else "",
         "route_type": int(r.route_type),
         "color": (r.route_color if "route_color" in routes.columns and pd.notna(r.route_color) else "") or ""}
        for r in routes.itertuples(index=False)])
    session.execute(insert(m.Service), _service_rows(feed, fid))

    # Shapes in metres measured here: feeds give shape_dist_traveled in any unit, or none.
    shapes: dict[str, list[list[float]]] = {}
    if feed.shapes is not None:
        for sid, g in feed.shapes.sort_values(["shape_id", "shape_pt_sequence"]).groupby("shape_id", sort=False):
            pts = list(zip(g["shape_pt_lat"].astype(float), g["shape_pt_lon"].astype(float)))
            shapes[sid] = [[la, lo, round(d, 1)] for (la, lo), d in zip(pts, _metres(pts))]

    st = feed.stop_times.sort_values(["trip_id", "stop_sequence"])
    trips = feed.trips
    cols = trips.columns
    trip_rows, st_rows = [], []
    patterns: dict[tuple, list[float]] = {}
    calls_by_trip = {tid: g for tid, g in st.groupby("trip_id", sort=False)}
    for r in trips.itertuples(index=False):
        g = calls_by_trip.get(r.trip_id)
        if g is None:
            continue
        stop_seq = tuple(g["stop_id"])
        shape_id = r.shape_id if "shape_id" in cols and pd.notna(r.shape_id) and r.shape_id in shapes else ""
        if not shape_id:  # no shape: the line through the stops stands in for it
            shape_id = "~" + "|".join(stop_seq)[:120]
            if shape_id not in shapes:
                pts = [stops[s][:2] for s in stop_seq]
                shapes[shape_id] = [[la, lo, round(d, 1)] for (la, lo), d in zip(pts, _metres(pts))]
        key = (shape_id, stop_seq)
        if key not in patterns:
            dists, i = [], 0
            for s in stop_seq:
                d, _, i = project(shapes[shape_id], stops[s][0], stops[s][1], start_i=i)
                dists.append(round(d, 1))
            patterns[key] = dists
        trip_rows.append({"feed_id": fid, "trip_id": r.trip_id, "route_id": r.route_id, "service_id": r.service_id,
                          "direction_id": int(r.direction_id) if "direction_id" in cols and pd.notna(r.direction_id) else 0,
                          "shape_id": shape_id,
                          "block_id": r.block_id if "block_id" in cols and pd.notna(r.block_id) else "",
                          "headsign": (r.trip_headsign if "trip_headsign" in cols and pd.notna(r.trip_headsign) else "")
                          or stops[stop_seq[-1]][2]})
        arr = [time_to_s(a) if isinstance(a, str) else None for a in g["arrival_time"]]
        dep = [time_to_s(d) if isinstance(d, str) else None for d in g["departure_time"]]
        arr = [a if a is not None else d for a, d in zip(arr, dep)]
        dists = patterns[key]
        _interpolate(arr, dists)
        dep = [d if d is not None else a for a, d in zip(arr, dep)]
        for seq, s, a, d, dist in zip(g["stop_sequence"], stop_seq, arr, dep, dists):
            st_rows.append({"feed_id": fid, "trip_id": r.trip_id, "seq": int(seq), "stop_id": s,
                            "arr_s": a, "dep_s": d, "dist_m": dist})
    used_shapes = {t["shape_id"] for t in trip_rows}
    session.execute(insert(m.Shape), [{"feed_id": fid, "shape_id": k, "points": v}
                                      for k, v in shapes.items() if k in used_shapes])
    for chunk in range(0, len(trip_rows), 5000):
        session.execute(insert(m.Trip), trip_rows[chunk:chunk + 5000])
    for chunk in range(0, len(st_rows), 20000):
        session.execute(insert(m.StopTime), st_rows[chunk:chunk + 20000])
    if feed.frequencies is not None:
        session.execute(insert(m.Frequency), [
            {"feed_id": fid, "trip_id": r.trip_id, "start_s": time_to_s(r.start_time),
             "end_s": time_to_s(r.end_time), "headway_s": int(r.headway_secs)}
            for r in feed.frequencies.itertuples(index=False)])
    row.counts = {"stops": len(stops), "routes": len(routes), "trips": len(trip_rows),
                  "stop_times": len(st_rows), "shapes": len(used_shapes),
                  "timezone": str(feed.agency["agency_timezone"].iloc[0])}
    previous = session.scalars(select(m.Feed.id).where(m.Feed.active.is_(True))).all()
    session.execute(update(m.Feed).where(m.Feed.active.is_(True)).values(active=False))
    row.active = True
    for old in previous:  # the schedule tables keep only the active feed; the feed rows remain as history
        for model in (m.Stop, m.Route, m.Trip, m.StopTime, m.Shape, m.Service, m.Frequency):
            session.execute(delete(model).where(model.feed_id == old))
    session.flush()
    return row, report


def _interpolate(times: list[int | None], dists: list[float]) -> None:
    """Fill stops without times (allowed between timepoints) in proportion to distance."""
    last = 0
    for i in range(1, len(times)):
        if times[i] is None:
            continue
        if i - last > 1:
            span = (dists[i] - dists[last]) or 1.0
            for j in range(last + 1, i):
                times[j] = round(times[last] + (times[i] - times[last]) * (dists[j] - dists[last]) / span)
        last = i
