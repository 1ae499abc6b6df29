"""Soak: the city's traffic against two `sc-server` instances on one PostgreSQL, with failures.

Everything it starts is its own: a PostgreSQL cluster (initdb + pg_ctl in a temp dir, free port),
a Mosquitto (free port), two instances. During the run it SIGKILLs an instance every
`--kill-every` seconds (alternating) and starts it again, restarts the broker once (at 1/2 of the
run) and PostgreSQL once (at 3/4). Load: `--desktops` operator desktops over the real HTTP API
(each holds an event stream on both servers' URLs and works its queue: lists, card opens,
comments, status changes, bursts of incidents logged offline), citizens' Open311 submissions,
telemetry readings over MQTT at `--readings-per-s`.

It prints requests served, p50/p99 per operation, 5xx and failed requests outside and inside the
kill windows (and whether every failed request succeeded on retry), events lost/doubled per
desktop against the events table, readings offered vs stored (none may be missing: a reading is
acknowledged to the broker only once stored, so a SIGKILLed instance's unstored ones come again;
those offered around a kill are counted apart to show where a loss would be), duty hand-over
times, and the servers' memory at start and end.

    .venv/bin/python bench/soak.py [--minutes 30] [--desktops 50] [--readings-per-s 10000]
(under root the private PostgreSQL runs as the system's `postgres` user, which it insists on)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from backend_client.client import ApiClient  # noqa: E402
from backend_client.errors import ApiError, ConnectionLost  # noqa: E402
from backend_client.sse import EventStream  # noqa: E402
from tests.deployment.cluster import (PASSWORD, Instance, PrivateBroker, PrivatePostgres, add_meters,  # noqa: E402
                                      add_users, cli, duties, token)

OPEN311_KEY = "soak-open311-key"


@dataclass
class Stats:
    lat: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    served: Counter = field(default_factory=Counter)
    failures: list[tuple[float, str, str]] = field(default_factory=list)  # (time, op, what)
    unrecovered: list[tuple[str, str]] = field(default_factory=list)
    server_errors: list[tuple[float, str, int]] = field(default_factory=list)
    conflicts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, op: str, seconds: float) -> None:
        with self.lock:
            self.lat[op].append(seconds)
            self.served[op] += 1

    def failed(self, op: str, what: str, status: int | None = None) -> None:
        with self.lock:
            self.failures.append((time.monotonic(), op, what))
            if status and status >= 500:
                self.server_errors.append((time.monotonic(), op, status))


def call(stats: Stats, op: str, fn, *, stop: threading.Event, tries: int = 60):
    """Run one operation; a failure is recorded and retried (the same request: idempotent ones, or
    with the same Idempotency-Key) until it succeeds."""
    for _ in range(tries):
        t0 = time.monotonic()
        try:
            out = fn()
            stats.ok(op, time.monotonic() - t0)
            return out
        except ConnectionLost as exc:
            stats.failed(op, f"connection: {exc}"[:120])
        except ApiError as exc:
            if exc.status in (409, 412):  # a concurrent edit by another desktop: a real answer
                with stats.lock:
                    stats.conflicts += 1
                return None
            if exc.status < 500:
                raise
            stats.failed(op, f"{exc.status} {exc.code}", exc.status)
        if stop.is_set():
            break
        time.sleep(1.0)
    with stats.lock:
        stats.unrecovered.append((op, "gave up"))
    return None


class Desktop:
    def __init__(self, n: int, urls: list[str], start_id: int, stats: Stats, stop: threading.Event,
                 pace_s: float) -> None:
        order = urls[n % len(urls):] + urls[:n % len(urls)]  # half start on each instance
        self.client = ApiClient(order, retries=1)
        self.n = n
        self.stats = stats
        self.stop = stop
        self.pace_s = pace_s
        self.received: list[int] = []
        self.stream = EventStream(self.client, last_event_id=start_id, read_timeout=20)
        self.threads = [threading.Thread(target=self._events, daemon=True),
                        threading.Thread(target=self._work, daemon=True)]

    def start(self) -> None:
        call(self.stats, "login", lambda: self.client.login("dispatcher", PASSWORD), stop=self.stop)
        for t in self.threads:
            t.start()

    def _events(self) -> None:
        try:
            for ev in self.stream:
                self.received.append(ev.id)
        except Exception as exc:  # reported as lost events at the end
            print(f"desktop {self.n}: event stream ended: {exc!r}", file=sys.stderr)

    def _work(self) -> None:
        from backend_client.incidents import IncidentsApi
        from backend_client.schemas.incidents import IncidentCreate, IncidentQuery

        api = IncidentsApi(self.client)
        rnd = random.Random(self.n)
        mine: list[int] = []
        while not self.stop.wait(rnd.uniform(0.5, 1.5) * self.pace_s):
            roll = rnd.random()
            if roll < 0.35 or not mine:
                page = call(self.stats, "queue", lambda: api.list(IncidentQuery(limit=50)), stop=self.stop)
                if page is not None and page.items:
                    mine = [i.id for i in page.items[:20]]
            elif roll < 0.6:
                call(self.stats, "card", lambda: api.get(rnd.choice(mine)), stop=self.stop)
            elif roll < 0.75:
                call(self.stats, "comment", lambda: api.add_comment(rnd.choice(mine), f"soak note {self.n}"),
                     stop=self.stop)
            elif roll < 0.9:
                target = rnd.choice(mine)
                status = rnd.choice(["acknowledged", "in_progress"])
                try:
                    call(self.stats, "status", lambda: api.change_status(target, status), stop=self.stop)
                except ApiError:
                    pass  # a transition the incident's state does not allow: a 4xx, expected
            else:  # an offline burst: incidents logged while away, sent at once with their keys
                for _ in range(rnd.randint(2, 5)):
                    body = IncidentCreate(client_uuid=uuid.uuid4(), category="roads", lat=51.66, lon=35.65,
                                          description=f"soak desktop {self.n}")
                    inc = call(self.stats, "create", lambda: api.create(body), stop=self.stop)
                    if inc is not None:
                        mine.append(inc.id)


def citizens(urls: list[str], stats: Stats, stop: threading.Event, every_s: float) -> None:
    client = ApiClient(urls, retries=1)
    n = 0
    while not stop.wait(every_s):
        n += 1
        form = {"api_key": OPEN311_KEY, "service_code": "roads", "lat": "51.67", "long": "35.66",
                "description": f"soak citizen report {n}"}
        # Not idempotent: a submission that failed mid-way may have been stored; it is retried (as a
        # citizen's app would) and counted as a failure either way.
        call(stats, "open311", lambda: client.request("POST", "/open311/v2/requests.json", data=form, auth=False,
                                                      retry=False), stop=stop)


class Telemetry:
    """Publishes readings at a fixed rate (QoS 1); ts is the publish time, so losses can be placed."""

    def __init__(self, mqtt_url: str, uids: list[str], rate: int) -> None:
        from backend.ingest.receiver import make_client

        self.client = make_client(mqtt_url, f"soak-pub-{uuid.uuid4().hex[:6]}", mqtt5=True)
        self.client.max_queued_messages_set(0)
        self.uids = uids
        self.rate = rate
        self.acked = 0  # readings, not messages: a message packs several
        self._lock = threading.Lock()
        self._in_flight: dict[int, int] = {}  # message id → readings in it
        self._early: set[int] = set()
        self.client.on_publish = self._on_publish
        self.per_second: Counter = Counter()  # ts second → readings published then
        self._last_ts: dict[str, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _on_publish(self, client, userdata, mid, *args) -> None:
        # Called by paho under its own lock: publish() is never called under ours, so no deadlock.
        with self._lock:
            n = self._in_flight.pop(mid, None)
            if n is None:  # acknowledged before publish() returned in the other thread
                self._early.add(mid)
            else:
                self.acked += n

    def start(self) -> None:
        host, port = self.client._sc_addr
        self.client.connect_async(host, port)
        self.client.loop_start()
        self.thread.start()

    def _run(self) -> None:
        batch = max(1, self.rate // 20)  # 20 ticks a second, each device's readings packed per message
        tick = 0.05
        nxt = time.monotonic()
        i = 0
        while not self.stop.is_set():
            now_ms = int(time.time() * 1000)
            by_dev: dict[str, list] = defaultdict(list)
            for _ in range(batch):
                uid = self.uids[i % len(self.uids)]
                i += 1
                ts = max(now_ms, self._last_ts.get(uid, 0) + 1)
                self._last_ts[uid] = ts
                by_dev[uid].append({"ts": ts, "values": {"kwh": round(random.random() * 10, 3)}})
                self.per_second[ts // 1000] += 1
            for uid, items in by_dev.items():
                mid = self.client.publish(f"city/telemetry/{uid}", json.dumps(items), qos=1).mid
                with self._lock:
                    if mid in self._early:
                        self._early.discard(mid)
                        self.acked += len(items)
                    else:
                        self._in_flight[mid] = len(items)
            nxt += tick
            time.sleep(max(0.0, nxt - time.monotonic()))

    def finish(self) -> None:
        self.stop.set()
        self.thread.join(5)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def run(*, seconds: float, desktops: int, readings_per_s: int, kill_every: float, max_kills: int = 10**6,
        pace_s: float = 3.0,
        citizen_every_s: float = 2.0, work: Path | None = None, log=print) -> dict:
    import tempfile

    from sqlalchemy import create_engine, text

    work = Path(work or tempfile.mkdtemp(prefix="sc-soak-"))
    work.chmod(0o755)  # the private PostgreSQL's and broker's own users reach their folders through it
    pg = PrivatePostgres(work / "pg").start()
    broker = PrivateBroker(work / "mqtt").start()
    instances: list[Instance] = []
    stop = threading.Event()
    stats = Stats()
    windows: list[tuple[str, float, float]] = []  # (what, start, end) of each failure and its recovery
    handovers: list[tuple[str, float]] = []
    broker_gaps: list[tuple[float, float]] = []  # (broker stopped, share group subscribed again), epoch ms
    result: dict = {}
    telemetry = None
    engine = create_engine(pg.url.replace("postgresql://", "postgresql+psycopg://"), pool_pre_ping=True)
    try:
        cli(pg.url, "migrate")
        add_users(pg.url, ("dispatcher", "admin"))
        uids = [f"soak-{i:03d}" for i in range(50)]
        add_meters(pg.url, uids)
        env = {"SC_OPEN311_API_KEYS": OPEN311_KEY, "SC_RETENTION_INTERVAL_SECONDS": "600"}
        instances = [Instance(pg.url, work, mqtt_url=broker.url, env=env).start() for _ in range(2)]
        urls = [i.url for i in instances]
        admin = token(urls[0], "admin")
        time.sleep(2)
        mem_start = {i.port: i.rss_kb() for i in instances}
        mem_since = {i.port: 0.0 for i in instances}
        mem_samples: dict[int, list[tuple[float, int]]] = {i.port: [] for i in instances}  # since the last start

        def sample_memory() -> None:
            """Each instance's RSS every minute, so warming up can be told from a leak."""
            while not stop.wait(60):
                for inst in instances:
                    try:
                        if inst.alive:
                            mem_samples[inst.port].append((time.monotonic() - t0, inst.rss_kb()))
                    except (OSError, ValueError):
                        pass
        with engine.connect() as conn:
            start_id = conn.scalar(text("SELECT coalesce(max(id), 0) FROM events"))
        desks = [Desktop(n, urls, start_id, stats, stop, pace_s) for n in range(desktops)]
        for d in desks:
            d.start()
        cit = threading.Thread(target=citizens, args=(urls, stats, stop, citizen_every_s), daemon=True)
        cit.start()
        telemetry = Telemetry(broker.url, uids, readings_per_s)
        telemetry.start()
        t0 = time.monotonic()
        threading.Thread(target=sample_memory, daemon=True).start()
        log(f"soak: {desktops} desktops, {readings_per_s} readings/s, {seconds:.0f} s, instances {urls}")

        def wait_duties(survivor: Instance, what: str, since: float, timeout: float = 60) -> None:
            """Until every duty that runs has a holder again (seen from `survivor`)."""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                try:
                    ds = duties(survivor.url, admin)
                    running = [d for d in ds if d["name"].startswith(("energy:", "retention:", "works:"))]
                    if running and all(d["holder"] for d in running):
                        handovers.append((what, time.monotonic() - since))
                        return
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            handovers.append((what, float("nan")))

        def first_resubscribed(since_ms: float, timeout: float = 60) -> float:
            """When the first instance had its shared subscription again, by its own account (health
            details): Mosquitto keeps no shared subscription across its restart, so until then it
            drops what is published (tests/deployment/test_shared_ingest.py shows it). Readings lost in
            that gap are counted under that reason; any other loss fails the soak."""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                seen = []
                for inst in instances:
                    try:
                        r = requests.get(f"{inst.url}/api/v1/health", params={"details": 1},
                                         headers={"Authorization": f"Bearer {admin}"}, timeout=5)
                        at = r.json()["details"]["ingest"].get("subscribed_at_ms") if r.ok else None
                    except (requests.RequestException, ValueError, KeyError, TypeError):
                        at = None
                    if at and at > since_ms:
                        seen.append(at)
                if seen:
                    return min(seen)
                time.sleep(0.2)
            return float("inf")

        events_plan = []
        k = kill_every
        while k < seconds * 0.95 and len(events_plan) < max_kills:
            events_plan.append((k, "kill"))
            k += kill_every
        events_plan += [(seconds * 0.5, "broker"), (seconds * 0.75, "postgres")]
        events_plan.sort()
        victim = 0
        for at, what in events_plan:
            while time.monotonic() - t0 < at:
                time.sleep(0.2)
            t_fail = time.monotonic()
            if what == "kill":
                inst, other = instances[victim % 2], instances[(victim + 1) % 2]
                victim += 1
                holders_before = {d["name"]: d["holder"] for d in duties(other.url, admin)}
                held_by_victim = any(h and h.endswith(f":{inst.port}") for h in holders_before.values())
                inst.kill()
                log(f"  {t_fail - t0:6.1f} s  SIGKILL {inst.url}")
                if held_by_victim:
                    wait_duties(other, f"SIGKILL {inst.port}", t_fail)
                time.sleep(3)
                inst.start(timeout=120)
                mem_start[inst.port] = inst.rss_kb()  # memory is compared from its new start
                mem_since[inst.port] = time.monotonic() - t0
                mem_samples[inst.port] = []
                windows.append((what, t_fail - 1, time.monotonic() + 5))
            elif what == "broker":
                log(f"  {t_fail - t0:6.1f} s  broker restart")
                stop_ms = time.time() * 1000
                broker.restart()
                resubscribed_ms = first_resubscribed(stop_ms)
                broker_gaps.append((stop_ms, resubscribed_ms))
                log(f"          the share group had its subscription again after "
                    f"{(resubscribed_ms - stop_ms) / 1000:.2f} s")
                windows.append((what, t_fail - 1, time.monotonic() + 10))
            else:
                log(f"  {t_fail - t0:6.1f} s  PostgreSQL restart")
                pg.restart()
                wait_duties(instances[0], "PostgreSQL restart", t_fail)
                windows.append((what, t_fail - 1, time.monotonic() + 10))
        while time.monotonic() - t0 < seconds:
            time.sleep(0.2)
        telemetry.finish()
        mem_end = {i.port: i.rss_kb() for i in instances}
        stop.set()
        # Let the last events and readings land, then compare.
        with engine.connect() as conn:
            head = conn.scalar(text("SELECT coalesce(max(id), 0) FROM events"))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and any((d.received[-1] if d.received else start_id) < head for d in desks):
            time.sleep(0.5)
        for d in desks:
            d.stream.stop()
        offered = sum(telemetry.per_second.values())
        # Until all are stored, or nothing moved for 20 s (longer than the writer's retry back-off).
        deadline = time.monotonic() + 180
        stored_prev, still_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                stored = conn.scalar(text("SELECT count(*) FROM readings"))
            if stored >= offered:
                break
            if stored != stored_prev:
                stored_prev, still_since = stored, time.monotonic()
            elif time.monotonic() - still_since > 20:
                break
            time.sleep(1)
        with engine.connect() as conn:
            stored = conn.scalar(text("SELECT count(*) FROM readings"))
            stored_per_s = dict(conn.execute(text("SELECT ts / 1000, count(*) FROM readings GROUP BY 1")).all())
            visible = [r[0] for r in conn.execute(text(
                "SELECT id FROM events WHERE id > :a AND id <= :h AND min_role = 'dispatcher' "
                "AND owner_id IS NULL ORDER BY id"), {"a": start_id, "h": head})]
        kills = [(s + 1) for w, s, _ in windows if w == "kill"]  # the kill instants (monotonic)
        wall_minus_mono = time.time() - time.monotonic()
        missing_explained = missing_other = missing_broker = 0
        missing_where: list[tuple[int, int]] = []  # (second of the run, readings) lost outside the kills
        for sec, n in telemetry.per_second.items():
            miss = n - stored_per_s.get(sec, 0)
            if miss <= 0:
                continue
            t = sec - wall_minus_mono
            if any(k - 3 <= t <= k + 2 for k in kills):
                missing_explained += miss
            elif any(a <= (sec + 1) * 1000 and sec * 1000 <= b for a, b in broker_gaps):
                missing_broker += miss
            else:
                missing_other += miss
                missing_where.append((round(t - t0), miss))
        per_desk = []
        vis = set(visible)
        for d in desks:
            got = [i for i in d.received if i <= head]
            per_desk.append((len(vis - set(got)), len(got) - len(set(got))))

        def outside(t: float) -> bool:
            return not any(s <= t <= e for _, s, e in windows)

        result = {
            "seconds": seconds, "desktops": desktops, "requests": sum(stats.served.values()),
            "per_op": {op: (len(v), pct(v, 0.5) * 1000, pct(v, 0.99) * 1000) for op, v in sorted(stats.lat.items())},
            "failures": len(stats.failures),
            "failures_outside_windows": sum(1 for t, _, _ in stats.failures if outside(t)),
            "5xx": len(stats.server_errors),
            "5xx_outside_windows": sum(1 for t, _, _ in stats.server_errors if outside(t)),
            "unrecovered": len(stats.unrecovered),
            "failure_kinds_outside": Counter(what.split("(")[0][:60] for t, _, what in stats.failures
                                             if outside(t)).most_common(5),
            "conflicts": stats.conflicts,
            "events_visible": len(visible),
            "events_lost_max": max((lost for lost, _ in per_desk), default=0),
            "events_doubled_max": max((dup for _, dup in per_desk), default=0),
            "desks_with_loss": sum(1 for lost, dup in per_desk if lost or dup),
            "readings_offered": offered, "readings_acked_by_broker": telemetry.acked,
            "readings_stored": stored,
            "readings_missing_at_kills": missing_explained, "readings_missing_unexplained": missing_other,
            "readings_missing_where": sorted(missing_where),
            "readings_missing_at_broker_restart": missing_broker,
            "broker_gaps_s": [round((b - a) / 1000, 2) for a, b in broker_gaps],
            "handovers": handovers, "mem_start_kb": mem_start, "mem_end_kb": mem_end, "mem_since_s": mem_since,
            "mem_samples_kb": mem_samples,
            "windows": [(w, round(s - t0, 1), round(e - t0, 1)) for w, s, e in windows],
            "loadavg": os.getloadavg(),
        }
        report(result, log)
        return result
    finally:
        stop.set()
        if telemetry is not None:
            telemetry.stop.set()
        for inst in instances:
            inst.kill()
        engine.dispose()
        # The broker's log outlives its folder, beside the instances' logs, for a loss to be traced.
        if (broker.root / "broker.log").exists():
            shutil.copy(broker.root / "broker.log", work / "broker.log")
        broker.destroy()
        pg.destroy()


def report(r: dict, log=print) -> None:
    log(f"\nsoak over {r['seconds']:.0f} s, {r['desktops']} desktops; load average {r['loadavg']}")
    log(f"requests served: {r['requests']}")
    log(f"{'operation':<10} {'n':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for op, (n, p50, p99) in r["per_op"].items():
        log(f"{op:<10} {n:>7} {p50:>8.1f} {p99:>8.1f}")
    log(f"failed requests: {r['failures']} ({r['failures_outside_windows']} outside kill windows); "
        f"5xx: {r['5xx']} ({r['5xx_outside_windows']} outside); never succeeded on retry: {r['unrecovered']}")
    if r["failure_kinds_outside"]:
        log(f"  outside the windows: {r['failure_kinds_outside']}")
    log(f"edit conflicts between desktops (409/412, answered, not failures): {r['conflicts']}")
    log(f"events: {r['events_visible']} visible; per desktop max lost {r['events_lost_max']}, "
        f"max doubled {r['events_doubled_max']}; desktops with any: {r['desks_with_loss']}")
    log(f"readings: offered {r['readings_offered']}, acknowledged by the broker {r['readings_acked_by_broker']}, "
        f"stored {r['readings_stored']}; missing: around SIGKILLs {r['readings_missing_at_kills']}, "
        f"otherwise {r['readings_missing_unexplained']}")
    log(f"  dropped by the broker between its restart and the share group's new subscription "
        f"(gaps {r['broker_gaps_s']} s): {r['readings_missing_at_broker_restart']}")
    if r["readings_missing_where"]:
        log(f"  lost outside the kills, (second of the run, readings): {r['readings_missing_where'][:20]}")
    for what, s in r["handovers"]:
        log(f"duty hand-over after {what}: {s:.2f} s")
    for port in r["mem_start_kb"]:
        a, b = r["mem_start_kb"][port], r["mem_end_kb"][port]
        log(f"server :{port} RSS {a / 1024:.0f} MiB at {r['mem_since_s'][port]:.0f} s (its last start) → "
            f"{b / 1024:.0f} MiB at the end ({(b - a) / max(a, 1) * 100:+.0f} %)")
        samples = r.get("mem_samples_kb", {}).get(port, [])
        if samples:
            log("  each minute since: " + ", ".join(f"{kb / 1024:.0f}" for _, kb in samples) + " MiB")
    log(f"failure windows (s from start): {r['windows']}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--desktops", type=int, default=50)
    p.add_argument("--readings-per-s", type=int, default=10_000)
    p.add_argument("--kill-every", type=float, default=300, help="seconds between SIGKILLs of an instance")
    p.add_argument("--pace", type=float, default=3.0, help="seconds between a desktop's operations (mean)")
    a = p.parse_args()
    r = run(seconds=a.minutes * 60, desktops=a.desktops, readings_per_s=a.readings_per_s,
            kill_every=a.kill_every, pace_s=a.pace)
    ok = (r["events_lost_max"] == 0 and r["events_doubled_max"] == 0 and r["unrecovered"] == 0
          and r["5xx_outside_windows"] == 0 and r["readings_missing_at_kills"] == 0
          and r["readings_missing_unexplained"] == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
