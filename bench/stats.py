"""Stats and shift-report benchmark: prints figures, it is not a timed test.

A city with 100,000 incidents over two years (bench/incidents.py's fill, plus the status changes that
resolved them) and a year of telemetry of the demo buildings (the telemetry domain's demo seed_meters),
served by sc-server in its own process; then
  * p50/p99 of every endpoint GET /api/v1/stats lists (target p99 < 100 ms), a week for the period ones;
  * a week's shift report from POST to done (target < 10 s).

    .venv/bin/python bench/stats.py [--rows 100000] [--requests 100] [--energy-days 365] [--no-postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from incidents import fill_incidents, running_server, temp_postgres  # noqa: E402  (bench/incidents.py)

SUPERVISOR, PASSWORD = "bench-supervisor", "bench-password-123"


def fill(url: str, rows: int, energy_days: int) -> dict:
    """Incidents with their resolutions, a supervisor, archive audit entries and the buildings' year of readings."""
    from sqlalchemy import insert, select, text

    from backend.audit.models import AuditEntry
    from backend.auth.service import create_user
    from backend.db import make_engine, make_sessionmaker
    from backend.incidents.models import Incident, IncidentHistory
    from backend.energy.demo import seed_fault_alarms
    from backend.telemetry.demo import seed_meters

    t0 = time.perf_counter()
    fill_incidents(url, rows)
    t_inc = time.perf_counter() - t0
    engine = make_engine(url)
    sm = make_sessionmaker(engine)
    rng = random.Random(7)
    with sm() as s:
        create_user(s, username=SUPERVISOR, role="supervisor", password=PASSWORD)
        s.commit()
    with engine.begin() as conn:
        done = conn.execute(select(Incident.id, Incident.created_at, Incident.sla_due_at).where(
            Incident.status.in_(("resolved", "closed")))).all()
        batch = []
        for iid, created, due in done:
            # Most are resolved before their deadline, some after: a realistic SLA share.
            span = (due - created).total_seconds()
            at = created + timedelta(seconds=span * rng.uniform(0.1, 1.4))
            batch.append(dict(incident_id=iid, who="bench", at=at, field="status", old="in_progress", new="resolved"))
            if len(batch) >= 5000:
                conn.execute(insert(IncidentHistory), batch)
                batch = []
        if batch:
            conn.execute(insert(IncidentHistory), batch)
        now = datetime.now(timezone.utc)
        conn.execute(insert(AuditEntry), [dict(at=now - timedelta(minutes=rng.uniform(0, 20_000)), username="bench",
                                              action=rng.choice(["recording.playback", "recording.export"]),
                                              target=f"camera:{rng.randint(1, 40)}", details={"reason": "проверка"})
                                         for _ in range(2000)])
    t_hist = time.perf_counter() - t0 - t_inc
    seed_meters(sm, days=energy_days)
    seed_fault_alarms(sm)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    return {"incidents_s": round(t_inc, 1), "resolutions": len(done), "history_s": round(t_hist, 1),
            "energy_s": round(time.perf_counter() - t0 - t_inc - t_hist, 1)}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def measure(url: str, requests_n: int) -> None:
    s = requests.Session()
    tok = s.post(f"{url}/api/v1/auth/token", data={"username": SUPERVISOR, "password": PASSWORD})
    tok.raise_for_status()
    s.headers["Authorization"] = f"Bearer {tok.json()['access_token']}"
    endpoints = s.get(f"{url}/api/v1/stats").json()["endpoints"]
    now = datetime.now(timezone.utc)
    week = {"from": (now - timedelta(days=7)).isoformat(), "to": now.isoformat()}
    worst = 0.0
    for e in endpoints:
        path = e["path"]
        params = week if (path.endswith("/period") or path.endswith("/archive")) else None
        times = []
        for i in range(requests_n + 5):
            t = time.perf_counter()
            r = s.get(f"{url}{path}", params=params)
            dt = (time.perf_counter() - t) * 1000
            r.raise_for_status()
            if i >= 5:  # the first few warm the caches
                times.append(dt)
        p99 = pct(times, 0.99)
        worst = max(worst, p99)
        print(f"  {path:<40} p50 {statistics.median(times):7.1f} ms   p99 {p99:7.1f} ms   "
              f"({len(times)} requests{', a week' if params else ''})", flush=True)
    print(f"  worst stats p99 {worst:.1f} ms (target < 100 ms): {'OK' if worst < 100 else 'OVER'}")
    t = time.perf_counter()
    rep = s.post(f"{url}/api/v1/reports", json={"period": "custom", **week}).json()
    while rep["status"] not in ("done", "failed"):
        time.sleep(0.05)
        rep = s.get(f"{url}/api/v1/reports/{rep['id']}").json()
    took = time.perf_counter() - t
    print(f"  a week's shift report: {rep['status']} in {took:.2f} s (target < 10 s), "
          f"PDF {rep['pdf_size'] or 0:,} B, xlsx {rep['xlsx_size'] or 0:,} B", flush=True)


def run(kind: str, url: str, a) -> None:
    print(f"{kind}: filling {a.rows:,} incidents and {a.energy_days} days of telemetry…", flush=True)
    print(f"  filled: {fill(url, a.rows, a.energy_days)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sc-bench-stats-") as media, running_server(url, Path(media)) as server:
        measure(server, a.requests)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=100)
    p.add_argument("--energy-days", type=int, default=365)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument("--no-sqlite", action="store_true")
    a = p.parse_args()
    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs "
          f"(figures taken on a busy machine are upper bounds)", flush=True)
    if not a.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="sc-bench-stats-") as tmp:
            run("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", a)
    if not a.no_postgres:
        with temp_postgres() as pg:
            if pg is None:
                print("postgresql: not reachable, skipped")
            else:
                run("postgresql", pg, a)
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
