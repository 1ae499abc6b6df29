"""City-works figures: the legality check with 10,000 permits, and a day of cleaning coverage.

    .venv/bin/python bench/works.py [--only check,coverage] [--permits 10000] [--checks 2000]
        [--machines 50] [--km 300]

Check: `permits` permits (lines, polygons and points of every status) scattered over a 12 × 12 km
town, then GET /api/v1/works/check at random places, over HTTP against a real uvicorn server on
SQLite, one client at a time; prints p50/p95/p99 of the round trip.

Coverage: a street grid of about `km` km (with pairs of parallel streets 20 m apart) cut into
sections with day and night schedules; citysim.cleaning drives `machines` machines reporting every
10 s (GPS noise ±10 m, gaps, a skipped and a half-done window, an idle machine) for a whole day;
the fixes are stored, then coverage.compute classifies every window; prints the time, and the
confusion table against the simulator's truth. Figures are printed, not asserted: the machine is
shared; each block prints the load average it ran under.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITY_TZ = timezone(timedelta(hours=3))


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _backend(tmp: Path):
    from tests.conftest import make_backend

    b = make_backend(f"sqlite:///{tmp / 'bench.sqlite3'}", tmp)
    b.add_user("dispatcher", "dispatcher")
    return b


def bench_check(permits: int, checks: int) -> None:
    import requests

    from backend.works.check import index
    from backend.works.geo import to_lonlat
    from backend.works.models import Permit
    from tests.conftest import TEST_PASSWORD, LiveServer

    tmp = Path(tempfile.mkdtemp(prefix="bench-works-"))
    b = _backend(tmp)
    rng = random.Random(15)
    now = datetime.now(timezone.utc)
    rows = []
    statuses = ["granted"] * 6 + ["applied", "suspended", "closed", "expired"]
    for i in range(permits):
        x, y = rng.uniform(-6000, 6000), rng.uniform(-6000, 6000)
        kind = i % 3
        if kind == 0:
            a = rng.uniform(0, 6.28)
            import math
            length = rng.uniform(30, 200)
            geometry = {"type": "LineString", "coordinates": [list(to_lonlat(x, y)),
                                                              list(to_lonlat(x + length * math.cos(a),
                                                                             y + length * math.sin(a)))]}
            extra = {"width_m": 3.0}
        elif kind == 1:
            geometry, extra = {"type": "Point", "coordinates": list(to_lonlat(x, y))}, {"radius_m": 15.0}
        else:
            ring = [list(to_lonlat(x + dx, y + dy)) for dx, dy in ((0, 0), (25, 0), (25, 15), (0, 15), (0, 0))]
            geometry, extra = {"type": "Polygon", "coordinates": [ring]}, {}
        rows.append(Permit(number=f"B-{i:05d}", kind="excavation", purpose="water", description="", address="",
                           contractor="ООО «Бенч»", contractor_inn="4634000000", licence_until=None, responsible="",
                           responsible_phone="", geometry=geometry, valid_from=now - timedelta(days=10),
                           valid_to=now + timedelta(days=10), hours_from="00:00", hours_to="24:00",
                           status=statuses[i % len(statuses)], restore_by=None, documents=[], version=1,
                           created_at=now, updated_at=now, **extra))
    with b.sessionmaker() as s:
        s.add_all(rows)
        s.commit()
        t0 = time.perf_counter()
        index(s)
        build_ms = (time.perf_counter() - t0) * 1000
    server = LiveServer(b).start()
    http = requests.Session()
    token = http.post(f"{server.url}/api/v1/auth/token", data={"username": "dispatcher", "password": TEST_PASSWORD})
    http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    points = []
    for _ in range(checks):
        if rng.random() < 0.5:  # half of the checks on a permit's place, half anywhere
            g = rows[rng.randrange(permits)].geometry
            c = g["coordinates"] if g["type"] == "Point" else (g["coordinates"][0] if g["type"] == "LineString"
                                                                else g["coordinates"][0][0])
            points.append((c[1] + 1e-5, c[0] + 1e-5))
        else:
            lon, lat = to_lonlat(rng.uniform(-6000, 6000), rng.uniform(-6000, 6000))
            points.append((lat, lon))
    for lat, lon in points[:50]:  # warm-up
        http.get(f"{server.url}/api/v1/works/check", params={"lat": lat, "lon": lon})
    times, verdicts = [], {}
    for lat, lon in points:
        t0 = time.perf_counter()
        r = http.get(f"{server.url}/api/v1/works/check", params={"lat": lat, "lon": lon})
        times.append((time.perf_counter() - t0) * 1000)
        r.raise_for_status()
        verdicts[r.json()["verdict"]] = verdicts.get(r.json()["verdict"], 0) + 1
    server.stop()
    q = statistics.quantiles(times, n=100)
    print(f"\n== legality check: {permits:,} permits, {checks:,} checks over HTTP ({_load()}) ==")
    print(f"index build {build_ms:.0f} ms (once per registry change)")
    print(f"round trip p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {max(times):.1f} ms")
    print("verdicts:", ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))


def street_grid(km: float) -> list[dict]:
    """Sections of ~500 m on a grid of streets 250 m apart, every fifth street with a parallel twin 20 m away."""
    sections = []
    n = 0
    step, piece = 250.0, 500.0
    side = 1.0
    while True:  # the side of the square whose grid has about `km` of streets
        lines = int(side // step) + 1
        if 2 * lines * side * 1.2 >= km * 1000:
            break
        side += step
    from citysim.cleaning import to_lonlat

    def add(x0, y0, x1, y1):
        nonlocal n
        n += 1
        kind = ("sweeping", "sweeping", "washing", "waste_collection")[n % 4]
        rules = {"sweeping": [{"pattern": "daily", "start": "06:00", "end": "22:00"}],
                 "washing": [{"pattern": "daily", "start": "22:00", "end": "24:00"},
                             {"pattern": "daily", "start": "00:00", "end": "06:00"}],
                 "waste_collection": [{"pattern": "daily", "start": "07:00", "end": "13:00"}]}[kind]
        sections.append({"id": n, "code": f"G-{n:04d}", "name": f"G-{n:04d}", "kind": kind, "service": "bench",
                         "geometry": {"type": "LineString", "coordinates": [list(to_lonlat(x0, y0)),
                                                                            list(to_lonlat(x1, y1))]},
                         "schedule": rules})

    lines = int(side // step) + 1
    for k in range(lines):
        offsets = [0.0, 20.0] if k % 5 == 0 else [0.0]
        for off in offsets:
            c = -side / 2 + k * step + off
            for a in range(int(side // piece)):
                s0 = -side / 2 + a * piece
                add(s0, c, s0 + piece, c)       # east-west
                add(c, s0, c, s0 + piece)       # north-south
    return sections


def bench_coverage(machines: int, km: float) -> None:
    from backend.auth.service import system_user
    from backend.cleaning import coverage, service
    from backend.cleaning.schedule import parse_rules, windows_on
    from backend_client.schemas.cleaning import SectionCreate
    from citysim.cleaning import CleaningCity

    tmp = Path(tempfile.mkdtemp(prefix="bench-cleaning-"))
    b = _backend(tmp)
    day = date(2026, 6, 10)
    grid = street_grid(km)
    with b.sessionmaker() as s:
        user = system_user(s, "bench", "bench")
        ids = {}
        for sec in grid:
            made = service.create_section(s, user=user, data=SectionCreate(**{k: sec[k] for k in (
                "code", "name", "kind", "service", "geometry", "schedule")}))
            ids[sec["id"]] = made.id
        s.commit()
        total_km = sum(x.length_m for x in service.list_sections(s)) / 1000
    for sec in grid:
        sec["id"] = ids[sec["id"]]
        sec["windows"] = windows_on(parse_rules(sec["schedule"]), day)
    share = {"sweeping": 0.5, "washing": 0.25, "waste_collection": 0.25}
    counts = {k: max(1, int(machines * f)) for k, f in share.items()}
    counts["sweeping"] += machines - sum(counts.values())
    fleet = [(k, {"sweeping": "sweeping", "washing": "washing", "waste_collection": "none"}[k], counts[k],
              {"sweeping": 1.5, "washing": 3.0, "waste_collection": 2.0}[k]) for k in share]
    t0 = time.perf_counter()
    city = CleaningCity(grid, seed=42, every_s=10.0, fleet=fleet)
    start = datetime.combine(day, datetime.min.time(), CITY_TZ)
    fixes = [{"vehicle_id" if k == "vehicle" else k: v for k, v in f.items()}
             for f in city.fixes_between(start, start + timedelta(days=1))]
    sim_s = time.perf_counter() - t0
    with b.sessionmaker() as s:
        for k in range(0, len(fixes), 50_000):
            service.ingest_fixes(s, fixes[k:k + 50_000])
        s.commit()
    with b.sessionmaker() as s:
        t0 = time.perf_counter()
        result = coverage.compute(s, day=day, now=start + timedelta(days=1, hours=1))
        compute_s = time.perf_counter() - t0
    got = {(r.section_id, r.window_start): r.state for r in result.sections}
    truth = city.truth
    states = ("done", "partly", "missed")
    table = {(t, g): 0 for t in states for g in (*states, "not_due")}
    for k, t in truth.items():
        table[(t, got.get(k, "not_due"))] += 1
    correct = sum(table[(t, t)] for t in states)
    print(f"\n== coverage of a day: {len(city.machines)} machines every 10 s, {total_km:.0f} km of sections "
          f"({len(grid)} sections, {len(truth)} windows) ({_load()}) ==")
    print(f"{len(fixes):,} fixes simulated in {sim_s:.1f} s; coverage.compute (load, map-match, cover) "
          f"{compute_s:.1f} s")
    print(f"classified like the simulator's truth: {correct}/{len(truth)} = {100 * correct / len(truth):.2f} %")
    print("truth \\ computed   " + "".join(f"{g:>9}" for g in (*states, "not_due")))
    for t in states:
        print(f"{t:<18}" + "".join(f"{table[(t, g)]:>9}" for g in (*states, "not_due")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="check,coverage")
    ap.add_argument("--permits", type=int, default=10_000)
    ap.add_argument("--checks", type=int, default=2_000)
    ap.add_argument("--machines", type=int, default=50)
    ap.add_argument("--km", type=float, default=300.0)
    args = ap.parse_args()
    only = set(args.only.split(","))
    if "check" in only:
        bench_check(args.permits, args.checks)
    if "coverage" in only:
        bench_coverage(args.machines, args.km)


if __name__ == "__main__":
    main()
