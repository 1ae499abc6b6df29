"""Telemetry figures: MQTT ingestion into SQLite and PostgreSQL, the series endpoint, the chart redraw.

    .venv/bin/python bench/telemetry.py [--only ingest,series,chart] [--db sqlite,postgresql]
        [--rate 12000] [--seconds 20] [--meters 200] [--days 365]

Ingestion: a publisher process offers `rate` readings/s over the real broker (127.0.0.1:1883) to
MqttIngest → TelemetryWriter (the server's code path: parse, insert-once, hourly/daily rollups,
counters, coalesced events); prints readings stored/s over the window and the lag from a
reading's timestamp (set when published) to its commit. Series: `meters` × `days` of 15-minute
readings with their rollups bulk-loaded, then GET /api/v1/energy/series in-process for day,
month and year ranges. Chart: EnergyChart.set_series + render of a year of one meter.
Figures are printed, not asserted: this 2-core machine is shared.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

MQTT_URL = "mqtt://127.0.0.1:1883"
PG_ADMIN = os.environ.get("SC_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
Q_MS = 900_000


# ---------------------------------------------------------------- databases

class Database:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.tmp = Path(tempfile.mkdtemp(prefix="sc-bench-"))
        if kind == "sqlite":
            self.url = f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        else:
            import psycopg

            self.name = f"sc_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN, autocommit=True) as c:
                c.execute(f'CREATE DATABASE "{self.name}"')
            self.url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name
        from backend.db import make_engine, make_sessionmaker, migrate

        self.engine = make_engine(self.url)
        migrate(self.engine)
        self.sm = make_sessionmaker(self.engine)

    def drop(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)  # a 7 M-reading SQLite file is ~1 GB
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as c:
                c.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{self.name}'")
                c.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


def add_meters(sm, n: int, prefix: str) -> list[tuple[int, str]]:
    from backend.telemetry.models import Device, Site

    with sm() as s:
        site = Site(code=f"{prefix}-site", name="Bench", kind="office", address="", lat=51.66, lon=35.65,
                    open_hour=8, close_hour=18, open_days="01234")
        s.add(site)
        s.flush()
        devs = [Device(uid=f"{prefix}-{i:04d}", site_id=site.id, name=f"meter {i}", kind="meter",
                       resource="electricity", key="kwh", unit="kWh", interval_s=900) for i in range(n)]
        s.add_all(devs)
        s.commit()
        return [(d.id, d.uid) for d in devs]


# ---------------------------------------------------------------- ingestion

def publisher(root: str, uids: list[str], rate: float, seconds: float, per_msg: int, ready, counter) -> None:
    from backend.ingest.mqtt import make_client

    client = make_client(MQTT_URL, f"sc-bench-pub-{uuid.uuid4().hex[:6]}")
    client.max_queued_messages_set(0)
    client.connect(*client._sc_addr)
    client.loop_start()
    ready.wait()
    last = {u: 0 for u in uids}
    start = time.monotonic()
    sent = 0
    i = 0
    while True:
        elapsed = time.monotonic() - start
        if elapsed >= seconds:
            break
        due = int(elapsed * rate) - sent
        if due <= 0:
            time.sleep(0.002)
            continue
        for _ in range(max(1, due // per_msg)):
            uid = uids[i % len(uids)]
            i += 1
            now = int(time.time() * 1000)
            items = []
            for _k in range(per_msg):
                ts = max(now, last[uid] + 1)
                last[uid] = ts
                items.append({"ts": ts, "values": {"kwh": 1.0}})
            client.publish(f"{root}/{uid}", json.dumps(items if per_msg > 1 else items[0]), qos=0)
            sent += per_msg
    counter.value = sent
    time.sleep(1)
    client.loop_stop()
    client.disconnect()


def bench_ingest(kind: str, rate: float, seconds: float, per_msg: int, meters: int) -> dict:
    from backend.ingest.mqtt import MqttIngest
    from backend.telemetry.ingest import TelemetryWriter

    db = Database(kind)
    try:
        uids = [u for _, u in add_meters(db.sm, meters, f"in{per_msg}")]
        root = f"sc-bench/{uuid.uuid4().hex[:6]}"
        writer = TelemetryWriter(db.sm)
        svc = MqttIngest(MQTT_URL, writer, topic_root=root, batch_size=5000, batch_wait_s=0.2)
        svc.start()
        assert svc.connected.wait(15), "broker not reachable"
        ctx = mp.get_context("spawn")
        ready, counter = ctx.Event(), ctx.Value("q", 0)
        proc = ctx.Process(target=publisher, args=(root, uids, rate, seconds, per_msg, ready, counter))
        proc.start()
        time.sleep(1.5)  # let the publisher connect
        ready.set()
        t0 = time.monotonic()
        warm = seconds * 0.2
        time.sleep(warm)
        s0, w0 = writer.stats["stored"], time.monotonic()
        writer.lags_ms.clear()
        time.sleep(seconds - warm)
        s1, w1 = writer.stats["stored"], time.monotonic()
        backlog = svc.queue.qsize()
        proc.join(30)
        deadline = time.monotonic() + 120
        while svc.queue.qsize() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)
        lags = sorted(writer.lags_ms)
        svc.stop()
        return {"db": kind, "per_msg": per_msg, "offered_per_s": round(counter.value / seconds),
                "stored_per_s": round((s1 - s0) / (w1 - w0)), "stored_total": writer.stats["stored"],
                "published": counter.value, "backlog_at_end": backlog, "dropped": svc.dropped,
                "lag_p50_ms": lags[len(lags) // 2] if lags else None,
                "lag_p99_ms": lags[int(len(lags) * 0.99)] if lags else None,
                "batches": writer.stats["batches"], "elapsed_s": round(time.monotonic() - t0, 1)}
    finally:
        db.drop()


# ---------------------------------------------------------------- series

def load_history(db: Database, meters: int, days: int) -> tuple[list[str], int, float]:
    import numpy as np

    from backend.citytime import local_day_start
    from backend.telemetry.demo import _rollup_rows
    from backend.telemetry.service import _bulk
    from resources.city.meters import buildings, consumption

    devs = add_meters(db.sm, meters, "hist")
    blds = buildings()
    end = int(time.time() * 1000) // Q_MS * Q_MS
    start = local_day_start(end - days * 86_400_000)
    t = np.arange(start, end, Q_MS, dtype=np.int64)
    t0 = time.monotonic()
    total = 0
    for i, (dev_id, _uid) in enumerate(devs):
        v = consumption(blds[i % len(blds)], "electricity", t)
        with db.sm() as s:
            _bulk(s, "readings", ("device_id", "key", "ts", "value"),
                  zip([dev_id] * len(t), ["kwh"] * len(t), t.tolist(), v.tolist()))
            _bulk(s, "readings_hourly", ("device_id", "key", "bucket", "count", "sum", "min", "max"),
                  _rollup_rows(dev_id, "kwh", t, v, lambda x: x - x % 3_600_000))
            _bulk(s, "readings_daily", ("device_id", "key", "bucket", "count", "sum", "min", "max"),
                  _rollup_rows(dev_id, "kwh", t, v, local_day_start))
            s.commit()
        total += len(t)
    if db.kind == "postgresql":
        with db.engine.connect() as c:
            c.exec_driver_sql("ANALYZE")
            c.commit()
    return [u for _, u in devs], total, time.monotonic() - t0


def bench_series(kind: str, meters: int, days: int, requests: int) -> dict:
    import random

    from fastapi.testclient import TestClient

    from backend.app import create_app
    from backend.auth.service import create_user
    from backend.config import Settings

    db = Database(kind)
    try:
        uids, total, load_s = load_history(db, meters, days)
        settings = Settings(database_url=db.url, secret_key="b" * 48, run_ingest=False, run_recorder=False,
                            media_dir=str(db.tmp / "media"))
        app = create_app(settings)
        with app.state.sessionmaker() as s:
            create_user(s, username="bench", role="dispatcher", password="bench-password-1")
            s.commit()
        out = {"db": kind, "readings": total, "load_s": round(load_s, 1), "requests_per_range": requests}
        with TestClient(app) as c:
            tok = c.post("/api/v1/auth/token", data={"username": "bench", "password": "bench-password-1"}).json()
            c.headers["Authorization"] = f"Bearer {tok['access_token']}"
            end = int(time.time() * 1000)
            rng = random.Random(7)
            for name, span, extra in (("day", 86_400_000, {}), ("month", 30 * 86_400_000, {}),
                                      ("year", 365 * 86_400_000, {}),
                                      ("week+baseline", 7 * 86_400_000, {"baseline": "true"}),
                                      ("year+baseline", 365 * 86_400_000, {"baseline": "true"})):
                times, cpu, res, n = [], [], None, 0
                for i in range(requests + 20):  # the first 20 only warm caches after the bulk load
                    uid = rng.choice(uids)
                    to = end - rng.randint(0, 20) * 86_400_000
                    t0, c0 = time.perf_counter(), time.process_time()
                    r = c.get("/api/v1/energy/series", params={"device": uid, "from": to - span, "to": to,
                                                               "points": 1000, **extra})
                    if i >= 20:
                        times.append((time.perf_counter() - t0) * 1000)
                        cpu.append((time.process_time() - c0) * 1000)
                    assert r.status_code == 200, r.text
                    res, n = r.json()["resolution"], len(r.json()["ts"])
                times.sort()
                cpu.sort()
                # cpu: this process's CPU (client + app + SQLite; not the PostgreSQL server's).
                out[name] = {"resolution": res, "buckets": n, "p50_ms": round(times[len(times) // 2], 1),
                             "cpu_p50_ms": round(cpu[len(cpu) // 2], 1),
                             "cpu_p99_ms": round(cpu[min(len(cpu) - 1, int(len(cpu) * 0.99))], 1),
                             "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1)}
        app.state.engine.dispose()
        return out
    finally:
        db.drop()


# ---------------------------------------------------------------- chart

def bench_chart(runs: int = 15) -> dict:
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from resources.city.meters import buildings, consumption
    from widgets.energy.chart import EnergyChart

    app = QApplication.instance() or QApplication([])
    end = int(time.time() * 1000) // Q_MS * Q_MS
    t = np.arange(end - 365 * 86_400_000, end, Q_MS, dtype=np.int64)
    v = consumption(buildings()[0], "heat", t)
    base = (v * 0.95).tolist()
    chart = EnergyChart()
    chart.resize(1400, 700)
    chart.show()
    chart.set_x_range(int(t[0]), int(t[-1]))
    app.processEvents()
    times, cpu = [], []
    for i in range(runs):
        vals = v * (1 + 0.01 * i)
        t0, c0 = time.perf_counter(), time.thread_time()
        chart.set_series(t, vals, Q_MS, baseline=base, low=(v * 0.8).tolist(), high=(v * 1.2).tolist())
        chart.set_previous(t, vals * 0.9, 0)
        chart.plot.grab()  # renders the scene now
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    only_curve = []
    for i in range(runs):
        t0 = time.perf_counter()
        chart.curve.setData(chart._x(t), v * (1 + 0.01 * i))
        chart.plot.grab()
        only_curve.append((time.perf_counter() - t0) * 1000)
    chart.close()
    times.sort()
    only_curve.sort()
    cpu.sort()
    # CPU time of the GUI thread: the work itself, without waits for a core on a busy machine.
    return {"points": len(t), "full_redraw_p50_ms": round(times[len(times) // 2], 1),
            "full_redraw_cpu_p50_ms": round(cpu[len(cpu) // 2], 1),
            "full_redraw_max_ms": round(times[-1], 1), "curve_only_p50_ms": round(only_curve[len(only_curve) // 2], 1)}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", default="ingest,series,chart")
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--rate", type=float, default=12_000)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--per-msg", default="1,10", help="readings per MQTT message (ThingsBoard list shape)")
    p.add_argument("--meters", type=int, default=200)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--requests", type=int, default=200)
    a = p.parse_args()
    only, dbs = a.only.split(","), a.db.split(",")
    if "ingest" in only:
        for kind in dbs:
            for per in map(int, a.per_msg.split(",")):
                print("ingest", json.dumps(bench_ingest(kind, a.rate, a.seconds, per, a.meters)), flush=True)
    if "series" in only:
        for kind in dbs:
            print("series", json.dumps(bench_series(kind, a.meters, a.days, a.requests)), flush=True)
    if "chart" in only:
        print("chart", json.dumps(bench_chart()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
