"""Smart intersections benchmark: prints figures, it is not a timed test.

  * closed loop in SUMO: a weekday is simulated under the city's base plan, its controller
    events go through the product (PostgreSQL), the product computes the day's 15-minute
    measures and recommends (a) Webster's plan from the day's average counts (the fair
    single plan) and (b) time-of-day plans from the measured counts; then the evening peak
    hour (17:00–18:00, 15 min warm-up, same random seed) is simulated under each: mean delay
    per vehicle and its 95th percentile from SUMO's tripinfo (timeLoss). Target: ≥ 10 % less.
  * ingestion of the day's controller events into PostgreSQL (target ≥ 20,000 events/s);
  * a day of 15-minute measures for the 4 intersections with atspm (target < 2 s);
  * controller event → phase bar repainted on screen, p99 (target < 300 ms): MQTT → ingest →
    event stream → the real Intersections panel, offscreen Qt.

    .venv/bin/python bench/signals.py [--pg postgresql://postgres@127.0.0.1:5432/postgres] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

CITY = timezone(timedelta(hours=3))
DAY = datetime(2026, 12, 2, tzinfo=CITY)  # a Wednesday
DAY_MS = int(DAY.timestamp() * 1000)
# The city's time-of-day periods: night, morning shoulder and peak, midday, evening peak, evening.
PERIODS = (("00:00", "06:30"), ("06:30", "07:15"), ("07:15", "09:00"), ("09:00", "16:30"), ("16:30", "18:30"),
           ("18:30", "24:00"))
PEAK = (17 * 3600, 18 * 3600)
WARMUP_S = 900


def load() -> str:
    return "load average %.2f %.2f %.2f" % os.getloadavg()


def make_db(admin_url: str) -> str:
    import psycopg

    name = f"sc_bench_signals_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_db(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as c:
        c.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')


def simulate(workdir: Path, begin: float, end: float, *, seed: int, schedule: dict | None = None,
             tripinfo: Path | None = None, step: float = 1.0) -> dict[str, list[list[int]]]:
    from citysim.traffic.sim import TrafficSimulator

    events: dict[str, list[list[int]]] = {}
    sim = TrafficSimulator(sink=lambda uid, ev: events.setdefault(uid, []).extend(ev), realtime=False, day=DAY,
                           workdir=workdir, step_s=step, seed=seed, tripinfo=tripinfo, publish_every_s=60)
    for uid, msg in (schedule or {}).items():
        sim.command(uid, msg)
    sim.run(begin, end)
    return events


def delays(tripinfo: Path) -> np.ndarray:
    """timeLoss of the vehicles that set off in the peak hour (the warm-up's are left out)."""
    root = ET.parse(tripinfo).getroot()
    return np.array([float(t.get("timeLoss")) for t in root.iter("tripinfo")
                     if PEAK[0] <= float(t.get("depart")) < PEAK[1]])


def plan_text(p) -> str:
    greens = " / ".join(f"{g:.0f}" for _, g in sorted(p.splits.items()))
    return f"{p.period_start}–{p.period_end} C={p.cycle:.0f} s greens {greens}"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default=os.environ.get("SC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--skip-screen", action="store_true", help="leave out the event → phase bar latency")
    args = ap.parse_args()
    print(f"signals bench, {load()} (the machine is shared: figures are indicative)")

    from sqlalchemy import select

    from backend.auth.models import User
    from backend.domain import DemoSeed
    from backend.signals import measures, service
    from backend.signals.demo import seed
    from backend.signals.ingest import writer_for
    from backend.signals.recommend import recommend
    from backend_client.schemas.signals import RecommendIn
    from tests.conftest import make_backend

    tmp = Path(tempfile.mkdtemp(prefix="sc-bench-signals-"))
    db = make_db(args.pg)
    url = args.pg.rsplit("/", 1)[0] + "/" + db
    try:
        b = make_backend(url, tmp)
        b.add_user("supervisor", "supervisor")
        seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))

        # 1. The measured day, under the base plan (90 s, the city's "before").
        t0 = time.perf_counter()
        day_events = simulate(tmp / "day", 0, 24 * 3600, seed=args.seed)
        n = sum(len(v) for v in day_events.values())
        print(f"simulated a weekday of the 4 intersections in SUMO: {time.perf_counter() - t0:.1f} s, "
              f"{n:,} controller events")

        # 2. Ingestion into PostgreSQL: the day's events in batches of 10,000 per controller.
        writer = writer_for(b.app)
        now_ms = DAY_MS + 25 * 3_600_000
        batches = [(uid, evs[i:i + 10_000]) for uid, evs in day_events.items() for i in range(0, len(evs), 10_000)]
        t0 = time.perf_counter()
        stored = 0
        for uid, chunk in batches:
            stored += writer.ingest([(uid, chunk)], now_ms=now_ms).stored
        dt = time.perf_counter() - t0
        print(f"ingestion into PostgreSQL: {stored:,} events in {dt:.2f} s = {stored / dt:,.0f} events/s "
              f"(target ≥ 20,000), {load()}")

        # 3. A day of measures for the 4 intersections (atspm imported first: a server pays that once).
        t0 = time.perf_counter()
        import atspm  # noqa: F401

        print(f"importing atspm (once per server process): {time.perf_counter() - t0:.2f} s")
        t0 = time.perf_counter()
        with b.sessionmaker() as s:
            rows = measures.compute(s, start=DAY_MS, end=DAY_MS + 86_400_000)
            s.commit()
        dt = time.perf_counter() - t0
        print(f"a day of 15-minute measures, 4 intersections (atspm): {rows} phase-bins in {dt:.2f} s "
              f"(target < 2 s), {load()}")

        # 4. Recommendations from what was measured.
        single: dict[str, dict] = {}
        tod: dict[str, dict] = {}
        with b.sessionmaker() as s:
            sup = s.scalar(select(User).where(User.username == "supervisor"))
            until = DAY_MS + 86_400_000
            print("\nplans recommended from the measured day (greens per stage: main street / cross street):")
            for ctl in service.list_controllers(s):
                avg = recommend(s, uid=ctl.uid, user=sup, data=RecommendIn(
                    period_start="00:00", period_end="24:00", days="all", lookback_days=1, until=until, save=True,
                    name="Webster, day average"))
                single[ctl.uid] = {"command": "schedule", "plans": [_cmd(avg.plan)]}
                plans = []
                for a, z in PERIODS:
                    r = recommend(s, uid=ctl.uid, user=sup, data=RecommendIn(
                        period_start=a, period_end=z, days="weekday", lookback_days=1, until=until, save=True))
                    plans.append((r.plan, r.total_flow_ratio))
                tod[ctl.uid] = {"command": "schedule", "plans": [_cmd(p) for p, _ in plans]}
                print(f"  {ctl.uid}:")
                print(f"    day average   {plan_text(avg.plan)}  (Y = {avg.total_flow_ratio:.2f})")
                for p, y in plans:
                    print(f"    time of day   {plan_text(p)}  (Y = {y:.2f})")
            s.commit()

        # 5. The evening peak hour under each.
        results = {}
        for name, schedule in (("day-average Webster plan", single), ("recommended time-of-day plans", tod)):
            trip = tmp / f"trip-{len(results)}.xml"
            t0 = time.perf_counter()
            simulate(tmp / f"peak{len(results)}", PEAK[0] - WARMUP_S, PEAK[1] + 600, seed=args.seed + 1,
                     schedule=schedule, tripinfo=trip, step=0.5)
            d = delays(trip)
            results[name] = d
            print(f"\nevening peak 17:00–18:00 under the {name}: {len(d):,} vehicles, mean delay "
                  f"{d.mean():.1f} s, p95 {np.percentile(d, 95):.1f} s (simulated in {time.perf_counter() - t0:.1f} s)")
        base, rec = (results["day-average Webster plan"], results["recommended time-of-day plans"])
        cut = 100 * (1 - rec.mean() / base.mean())
        cut95 = 100 * (1 - np.percentile(rec, 95) / np.percentile(base, 95))
        verdict = "met" if cut >= 10 else "NOT met"
        print(f"\nmean delay cut by the recommended plans: {cut:.1f} % (target ≥ 10 %: {verdict}); "
              f"p95 cut {cut95:.1f} %")
        b.app.state.engine.dispose()
    finally:
        drop_db(args.pg, db)
    if not args.skip_screen:
        screen_latency()
    print(load())
    return 0


def _cmd(p) -> dict:
    return {"id": p.id, "pattern": p.pattern, "period_start": p.period_start, "period_end": p.period_end,
            "days": p.days, "cycle": p.cycle, "offset": p.offset,
            "splits": [p.splits[i] for i in sorted(p.splits)], "sequence": p.sequence or list(range(len(p.splits)))}


def screen_latency(samples: int = 100) -> None:
    """Controller event over MQTT → the panel's tile repainted with it (SQLite backend, live server)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import paho.mqtt.client as mqtt

    from app.main import build_context
    from app.settings import AppSettings
    from backend.domain import DemoSeed
    from backend.signals.demo import seed
    from backend.signals.ingest import writer_for
    from backend.signals.mqtt import SignalsMqtt
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD, LiveServer, make_backend
    from widgets.signals.panel import IntersectionsPanel

    tmp = Path(tempfile.mkdtemp(prefix="sc-bench-signals-ui-"))
    os.environ["SC_DESK_CONFIG_DIR"] = str(tmp / "cfg")
    os.environ["SC_DESK_DATA_DIR"] = str(tmp / "data")
    b = make_backend(f"sqlite:///{tmp / 'ui.sqlite3'}", tmp)
    b.add_user("dispatcher", "dispatcher")
    seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
    link = b.app.state.signals_mqtt = SignalsMqtt("mqtt://127.0.0.1:1883", writer_for(b.app), batch_wait_s=0.01)
    link.start()
    server = LiveServer(b).start()
    client = ApiClient(server.url)
    ctx = build_context(client, client.login("dispatcher", TEST_PASSWORD), AppSettings.load(tmp / "desk.json"))
    ctx.events.start()
    panel = IntersectionsPanel(ctx)
    panel.resize(1200, 800)
    panel.show()
    painted: dict[int, float] = {}
    tile = None

    def spin(until, timeout=10.0):
        end = time.monotonic() + timeout
        while not until() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)
        return until()

    spin(lambda: len(panel.tiles) == 4)
    tile = panel.tiles["kommun-kosmonavtov"]
    original = tile.set_state

    def set_state(state):
        # The panel hands the tile its new state; repaint() paints it now, as the screen would.
        original(state)
        tile.repaint()
        for g in state.groups:
            if g.since is not None and g.since not in painted:
                painted[g.since] = time.monotonic()

    tile.set_state = set_state
    pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    pub.connect("127.0.0.1", 1883)
    pub.loop_start()
    spin(lambda: link.connected.is_set())
    lat = []
    for i in range(samples):
        ts = int(time.time() * 1000)
        phase, other = (2, 4) if i % 2 == 0 else (4, 2)
        sent = time.monotonic()
        # The other stage's yellow and this one's green, as a controller logs a stage change.
        pub.publish("city/signals/kommun-kosmonavtov/events", json.dumps([[ts, 8, other], [ts, 1, phase]]), qos=0)
        if spin(lambda: ts in painted, timeout=5):
            lat.append((painted[ts] - sent) * 1000)
        spin(lambda: False, timeout=0.15)
    pub.loop_stop()
    pub.disconnect()
    ctx.events.stop()
    ctx.tasks.shutdown(wait=True)
    link.stop()
    server.stop()
    if lat:
        lat.sort()
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
        print(f"\ncontroller event → phase bar repainted: {len(lat)}/{samples} seen, p50 "
              f"{statistics.median(lat):.0f} ms, p99 {p99:.0f} ms (target < 300 ms), {load()}")
    else:
        print("\ncontroller event → phase bar: no event reached the panel")


if __name__ == "__main__":
    sys.exit(main())
