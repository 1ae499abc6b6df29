"""How fast the offline outbox accepts operations and how long 10,000 of them take to reach the server.

    .venv/bin/python bench/offline_sync.py [--ops 10000] [--workers 8] [--server-processes 2]

Starts a real backend (SQLite; `sc-server --workers 2`, as the backend is stateless between
requests) on a free port, queues the operations
offline (2,000 incidents × create, priority, comment, status, description), then drains
the outbox to the server and checks every incident arrived exactly once.
Targets (issue 3): 10,000 operations synced in < 60 s; local saves < 5 ms at p99.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.incidents import BENCH_PASSWORD as PASSWORD  # noqa: E402
from bench.incidents import BENCH_USER as USER  # noqa: E402
from bench.incidents import running_server  # noqa: E402


def prepare_database(tmp: str) -> str:
    """A migrated SQLite database with the bench's dispatcher; returns its URL."""
    from backend.auth.service import create_user
    from backend.db import make_engine, make_sessionmaker, migrate

    url = f"sqlite:///{tmp}/server.sqlite3"
    engine = make_engine(url)
    migrate(engine)
    with make_sessionmaker(engine)() as s:
        create_user(s, username=USER, role="dispatcher", password=PASSWORD)
        s.commit()
    engine.dispose()
    return url


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def local_saves(path: Path, synchronous: str, n: int) -> list[float]:
    """Wall time of n saves (create + edit + comment) into a fresh store in the given mode."""
    from app.offline.outbox import Outbox
    from app.offline.store import OfflineStore

    store = OfflineStore(path, synchronous=synchronous)
    outbox = Outbox(store, user=USER)
    times = []
    for i in range(n // 3):
        t = time.perf_counter()
        _, view = outbox.create({"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
                                 "address": "ул. Ленинградская, 1", "description": f"bench {i}"})
        times.append(time.perf_counter() - t)
        for fn in (lambda: outbox.patch(view["id"], {"priority": "high"}),
                   lambda: outbox.add_comment(view["id"], "бригада выехала")):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    store.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ops", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=8, help="connections the sync uses")
    ap.add_argument("--server-processes", type=int, default=2, help="server processes (sc-server --workers N)")
    args = ap.parse_args()

    from app.offline.outbox import Outbox
    from app.offline.store import OfflineStore
    from app.offline.sync import SyncEngine
    from backend_client.client import ApiClient

    with tempfile.TemporaryDirectory(prefix="sc-bench-") as tmp:
        # sc-server --workers N, as a deployment runs it (the incident bench's launcher)
        with running_server(prepare_database(tmp), Path(tmp) / "media", args.server_processes) as url:
            client = ApiClient(url)
            client.login(USER, PASSWORD)

            store = OfflineStore(Path(tmp) / "desk" / "store.sqlite3")
            outbox = Outbox(store, user=USER)
            per_incident = 5
            n_incidents = args.ops // per_incident
            saves: list[float] = []
            cpu: list[float] = []
            t0 = time.perf_counter()
            for i in range(n_incidents):
                steps = [
                    lambda: outbox.create({"category": "roads", "priority": "medium", "lat": 51.66, "lon": 35.65,
                                           "address": f"ул. Ленинградская, {i}", "description": f"bench {i}"}),
                ]
                t, tc = time.perf_counter(), time.thread_time()
                _, view = steps[0]()
                saves.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - tc)
                inc = view["id"]
                for fn in (lambda: outbox.patch(inc, {"priority": "high"}),
                           lambda: outbox.add_comment(inc, "бригада выехала"),
                           lambda: outbox.change_status(inc, "acknowledged"),
                           lambda: outbox.patch(inc, {"description": f"bench {i}, уточнено"})):
                    t, tc = time.perf_counter(), time.thread_time()
                    fn()
                    saves.append(time.perf_counter() - t)
                    cpu.append(time.thread_time() - tc)
            local_s = time.perf_counter() - t0
            queued = store.waiting()
            print(f"local: {queued} operations queued in {local_s:.2f} s = {queued / local_s:,.0f} ops/s; "
                  f"save p50 {pct(saves, 0.5) * 1000:.2f} ms, p99 {pct(saves, 0.99) * 1000:.2f} ms, "
                  f"max {max(saves) * 1000:.2f} ms; CPU per save p99 {pct(cpu, 0.99) * 1000:.2f} ms "
                  f"(SQLite WAL, synchronous=FULL: fsync per commit)")
            normal = local_saves(Path(tmp) / "normal" / "store.sqlite3", "NORMAL", 2000)
            print(f"local, synchronous=NORMAL (survives a crash of the app, not of the OS): "
                  f"save p50 {pct(normal, 0.5) * 1000:.2f} ms, p99 {pct(normal, 0.99) * 1000:.2f} ms")
            print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

            engine = SyncEngine(store, client, workers=args.workers, batch=1000)
            t0 = time.perf_counter()
            report = engine.drain()
            sync_s = time.perf_counter() - t0
            print(f"sync: {report.sent} operations reached the server in {sync_s:.1f} s = "
                  f"{report.sent / sync_s:,.0f} ops/s ({args.workers} connections; failed {report.failed}, "
                  f"conflicts {report.conflicts}, left {report.remaining})")
            total = client.request("GET", "/api/v1/incidents", params={"limit": 1})["total"]
            ok = total == n_incidents and report.sent == queued and report.remaining == 0
            print(f"check: server has {total} incidents for {n_incidents} created offline: "
                  f"{'exactly once each' if ok else 'MISMATCH'}")
            print(f"targets: sync < 60 s: {'yes' if sync_s < 60 else 'NO'}; "
                  f"save p99 < 5 ms: {'yes' if pct(saves, 0.99) < 0.005 else 'NO'} (FULL), "
                  f"{'yes' if pct(normal, 0.99) < 0.005 else 'NO'} (NORMAL)")
            store.close()
            return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
