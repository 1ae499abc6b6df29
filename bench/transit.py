"""Transit figures: ETA accuracy of three predictors, position ingestion, board freshness, trip-updates.pb.

    .venv/bin/python bench/transit.py [--only eta,ingest,board,tripupdates,paint] [--learn-days 7]

eta: the simulated city (citysim.transit) runs the demo feed for `learn-days` days; its buses'
position reports go through the product's Tracker (backend.transit.tracker), whose stop events
teach the HistoryModel; a further day is then run and, every 30 s of each bus's reports, each
predictor predicts the bus's remaining stops. A prediction is scored against the simulator's true
arrival with the published ETA-accuracy buckets (by predicted minutes ahead): 0-3 min -30/+90 s,
3-6 min -60/+150 s, 6-10 min -60/+210 s, 10-15 min -90/+270 s; the score is the mean of the four
buckets' shares. The predictor never reads the simulator's variation parameters: only reports.
The other figures start the real server (see each function). Figures are printed, not asserted:
the machine is shared; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUCKETS = ((0, 3, -30, 90), (3, 6, -60, 150), (6, 10, -60, 210), (10, 15, -90, 270))
FEED = ROOT / "resources" / "transit" / "kurchatov_gtfs.zip"


def load_network(url: str):
    from backend.db import make_engine, make_sessionmaker, migrate
    from backend.transit import network
    from backend.transit.gtfs_import import import_feed

    engine = make_engine(url)
    migrate(engine)
    with make_sessionmaker(engine)() as s:
        import_feed(s, FEED)
        s.commit()
        return network.load(s)


def eta_accuracy(learn_days: int = 7, *, first_day: date = date(2026, 11, 16), sample_s: int = 30,
                 quiet: bool = False) -> dict:
    from backend.transit.predict import HistoryModel, predict_trip, schedule_only, schedule_plus_delay, trip_pace
    from backend.transit.tracker import Tracker
    from citysim.transit.feed import CarrierFeed
    from citysim.transit.model import CityBuses

    tmp = tempfile.mkdtemp(prefix="sc-bench-transit-")
    net = load_network(f"sqlite:///{tmp}/bench.sqlite3")
    city = CityBuses(CarrierFeed.read(FEED))
    model = HistoryModel(net.tz)
    t0 = time.perf_counter()
    n_reports = 0
    for k in range(learn_days):
        day = first_day + timedelta(days=k)
        tracker = Tracker(net)
        events = []
        for ts, vid, p in city.reports(city.run_day(day), seed=k):
            _, evs = tracker.update(vid, ts=ts, lat=p["lat"], lon=p["lon"], speed=p["speed"],
                                    bearing=p["bearing"], route_id=p["route_id"], trip_id=p.get("trip_id"))
            events += evs
            n_reports += 1
        model.learn(events)
    learn_s = time.perf_counter() - t0
    if not quiet:
        print(f"learned from {learn_days} days: {n_reports:,} reports, {model.samples:,} stop events "
              f"in {learn_s:.0f} s", flush=True)

    test_day = first_day + timedelta(days=learn_days)
    runs = city.run_day(test_day)
    truth = {(r.trip.trip_id, seq): arr for r in runs for seq, _, arr, _ in r.arrivals}
    tracker = Tracker(net)
    last_pred: dict[str, int] = {}
    seen: dict[tuple[str, str], list] = defaultdict(list)  # today's stop events per trip (what the server stores)
    errors: dict[str, list[list[float]]] = {p: [[] for _ in BUCKETS] for p in ("schedule", "delay", "ours")}
    for ts, vid, p in city.reports(runs, seed=99):
        v, evs = tracker.update(vid, ts=ts, lat=p["lat"], lon=p["lon"], speed=p["speed"], bearing=p["bearing"],
                                route_id=p["route_id"], trip_id=p.get("trip_id"))
        for e in evs:
            seen[(e.service_date, e.trip_id)].append(e)
        if v.trip is None or v.dist is None or ts - last_pred.get(vid, 0) < sample_s * 1000:
            continue
        last_pred[vid] = ts
        start = v.next_i + (1 if v.at_stop else 0)  # the stop it stands at has been reached
        preds = {
            "schedule": schedule_only(net, v.trip, v.service_date, next_i=start),
            "delay": schedule_plus_delay(net, v.trip, v.service_date, next_i=start, delay_s=v.delay_s or 0),
            "ours": [q for q in predict_trip(net, model, v.trip, v.service_date, now_ms=ts, dist=v.dist,
                                             next_i=v.next_i, arr_ts=v.arr_ts,
                                             pace=trip_pace(model, v.service_date,
                                                            seen[(v.service_date, v.trip.trip_id)])) if q.seq > (
                v.trip.calls[v.next_i].seq if v.at_stop else -1)],
        }
        for name, plist in preds.items():
            for q in plist:
                actual = truth.get((v.trip.trip_id, q.seq))
                if actual is None or actual < ts:
                    continue
                ahead_min = (q.arr_ms - ts) / 60_000
                for b, (lo, hi, early, late) in enumerate(BUCKETS):
                    if lo <= ahead_min < hi:
                        errors[name][b].append((actual - q.arr_ms) / 1000)
    result = {}
    for name, per_bucket in errors.items():
        shares, maes, counts = [], [], []
        for (lo, hi, early, late), errs in zip(BUCKETS, per_bucket):
            ok = sum(1 for e in errs if early <= e <= late)
            shares.append(100.0 * ok / len(errs) if errs else 0.0)
            maes.append(statistics.fmean(abs(e) for e in errs) if errs else 0.0)
            counts.append(len(errs))
        result[name] = {"score": statistics.fmean(shares), "shares": shares, "mae": maes, "n": counts,
                        "bias": [statistics.fmean(errs) if errs else 0.0 for errs in per_bucket],
                        "errors": per_bucket}
    return result


def print_eta(result: dict, learn_days: int) -> None:
    names = {"schedule": "schedule only", "delay": "schedule + current delay", "ours": "ours (learned)"}
    print(f"\n== ETA accuracy: {learn_days} simulated days learned, 1 day tested "
          f"(load average {os.getloadavg()[0]:.1f}) ==")
    head = "".join(f"{f'{lo}-{hi} min':>20}" for lo, hi, _, _ in BUCKETS)
    print(f"{'predictor':<26}{'score':>7}{head}")
    for key, label in names.items():
        r = result[key]
        cells = "".join(f"{s:>6.1f}% MAE {m:>4.0f}s" + " " * 2 for s, m in zip(r["shares"], r["mae"]))
        print(f"{label:<26}{r['score']:>6.1f}% {cells}")
    print(f"{'predictions per bucket':<26}{'':>7}" + "".join(f"{n:>20,}" for n in result['ours']['n']))
    gap = result["ours"]["score"] - result["delay"]["score"]
    print(f"ours - (schedule + delay) = {gap:+.1f} points (target: ours >= 85 % and >= +10 points)")


# ---------------------------------------------------------------- ingestion into PostgreSQL

def _pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")


def ingest_throughput(pg_url: str, *, reports: int = 60_000, batch: int = 1000, fleets: int = 5) -> dict:
    """The position writer (the MQTT subscriber's batches: parse, track, upsert vehicles, insert positions
    and stop events, drop counts) on PostgreSQL, fed a simulated weekday's reports as fast as it takes them."""
    from backend.db import make_engine, make_sessionmaker, migrate
    from backend.transit.gtfs_import import import_feed
    from backend.transit.ingest import PositionWriter
    from citysim.transit.feed import CarrierFeed
    from citysim.transit.model import CityBuses

    engine = make_engine(pg_url)
    migrate(engine)
    maker = make_sessionmaker(engine)
    with maker() as s:
        import_feed(s, FEED)
        s.commit()
    city = CityBuses(CarrierFeed.read(FEED))
    # A fleet `fleets` times the demo's: each copy runs its own simulated weekday, all on one clock, so a
    # batch spans about as much time as it would for a city that size (reports 10 s apart per bus).
    day0 = date(2026, 11, 18)
    rows = []
    for k in range(fleets):
        runs = city.run_day(day0 + timedelta(days=7 * k))
        shift = 7 * k * 86_400_000
        for ts, vid, p in city.reports(runs, seed=k):
            rows.append((ts - shift, f"{vid}-{k}", {**p, "ts": ts - shift}))
    rows.sort(key=lambda r: r[0])
    rows = rows[len(rows) // 3:][:reports]  # from the morning on
    writer = PositionWriter(maker)
    t0 = time.perf_counter()
    for i in range(0, len(rows), batch):
        chunk = rows[i:i + batch]
        writer.clock = lambda t=chunk[-1][0]: t / 1000
        writer.ingest([(vid, p) for _, vid, p in chunk])
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return {"positions": writer.stats["stored"], "seconds": elapsed, "rate": writer.stats["stored"] / elapsed,
            "stop_events": writer.stats["stop_events"], "dropped": dict(writer.dropped), "fleet": fleets * 22}


# ---------------------------------------------------------------- the server: freshness and trip-updates.pb

@contextlib.contextmanager
def transit_server(database_url: str, *, mqtt_url: str | None = None):
    """sc-server in its own process with the demo feed and boards (and MQTT ingest when mqtt_url is given)."""
    import subprocess

    import requests

    from bench.incidents import SECRET, _free_port

    port = _free_port()
    env = {**os.environ, "SC_SECRET_KEY": SECRET, "SC_RUN_RECORDER": "false", "SC_DEMO": "false",
           "SC_RUN_INGEST": "true" if mqtt_url else "false", "SC_MQTT_URL": mqtt_url or "",
           "SC_MEDIA_DIR": tempfile.mkdtemp(prefix="sc-bench-media-")}
    env.pop("SC_DATABASE_URL", None)
    from backend.db import make_engine, make_sessionmaker, migrate
    from backend.domain import DemoSeed
    from backend.transit.demo import seed
    from backend.config import Settings

    engine = make_engine(database_url)
    migrate(engine)
    seed(DemoSeed(maker=make_sessionmaker(engine), settings=Settings(database_url=database_url, secret_key=SECRET)))
    engine.dispose()
    proc = subprocess.Popen([sys.executable, "-m", "backend.cli", "--host", "127.0.0.1", "--port", str(port),
                             "--database-url", database_url], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except Exception:
            proc.kill()


def board_freshness(pg_url: str, mqtt_url: str, *, samples: int = 150) -> dict:
    """A bus's report published over MQTT → its state committed (polled in the database) → the board's data
    answered by the server; p50/p99 of the sum, per report. (The board page itself asks every 15 s.)"""
    import paho.mqtt.client as mqtt
    import psycopg
    import requests

    from citysim.transit.feed import CarrierFeed, point_on

    feed = CarrierFeed.read(FEED)
    trip = next(t for t in feed.trips.values() if t.route_id == "1" and t.direction_id == 0)
    shape = feed.shapes[trip.shape_id]
    with transit_server(pg_url, mqtt_url=mqtt_url) as url:
        pub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-transit-{os.getpid()}")
        pub.connect("127.0.0.1", 1883)
        pub.loop_start()
        time.sleep(2.0)  # the server's subscriber is up
        http = requests.Session()
        commit_ms, board_ms, total_ms = [], [], []
        with psycopg.connect(pg_url, autocommit=True) as db:
            for k in range(samples):
                ts = int(time.time() * 1000)
                lat, lon, bearing = point_on(shape, 50 + (k * 20) % 3000)
                body = {"ts": ts, "lat": lat, "lon": lon, "speed": 6.0, "bearing": bearing, "route_id": "1"}
                t0 = time.perf_counter()
                pub.publish("city/transit/vehicles/BENCH-1", json.dumps(body), qos=1)
                while True:
                    row = db.execute("SELECT ts FROM transit_vehicles WHERE vehicle_id = 'BENCH-1'").fetchone()
                    if row and row[0] >= ts:
                        break
                    if time.perf_counter() - t0 > 10:
                        raise RuntimeError("the report never arrived")
                    time.sleep(0.005)
                t1 = time.perf_counter()
                r = http.get(f"{url}/boards/KUR003/data", timeout=10)
                r.raise_for_status()
                t2 = time.perf_counter()
                commit_ms.append((t1 - t0) * 1000)
                board_ms.append((t2 - t1) * 1000)
                total_ms.append((t2 - t0) * 1000)
                time.sleep(0.05)
        pub.loop_stop()
        pub.disconnect()
    return {"commit": commit_ms, "board": board_ms, "total": total_ms}


def trip_updates_latency(pg_url: str, *, vehicles: int = 200, requests_n: int = 200) -> dict:
    """GET /gtfs-rt/trip-updates.pb with `vehicles` buses on trips (predictions for every stop ahead)."""
    import requests
    from google.transit import gtfs_realtime_pb2 as rt
    from sqlalchemy import insert, select

    from backend.db import make_engine, make_sessionmaker, migrate
    from backend.transit import models as m
    from backend.transit.gtfs_import import import_feed

    engine = make_engine(pg_url)
    migrate(engine)
    maker = make_sessionmaker(engine)
    with maker() as s:
        import_feed(s, FEED)
        s.commit()
    with transit_server(pg_url) as url:
        now = int(time.time() * 1000)
        from datetime import datetime, timedelta, timezone

        local = datetime.now(timezone(timedelta(hours=3)))
        sd = local.strftime("%Y%m%d")
        with maker() as s:
            trips = s.execute(select(m.Trip.trip_id).order_by(m.Trip.trip_id)).scalars().all()[:vehicles]
            seqs = {t: s.execute(select(m.StopTime.seq, m.StopTime.dist_m).where(m.StopTime.trip_id == t)
                                 .order_by(m.StopTime.seq)).all() for t in trips}
            rows = []
            for k, t in enumerate(trips):
                calls = seqs[t]
                i = 1 + k % (len(calls) - 2)
                rows.append({"vehicle_id": f"BENCH-{k:03d}", "ts": now, "lat": 51.66, "lon": 35.65, "speed": 6.0,
                             "bearing": 90.0, "route_id": t.split("-")[1], "trip_id": t, "service_date": sd,
                             "dist_m": (calls[i - 1][1] + calls[i][1]) / 2, "next_seq": calls[i][0], "delay_s": 60,
                             "arr_ts": None, "off_route": False, "matched": "reported",
                             "updated_at": datetime.now(timezone.utc)})
            s.execute(insert(m.Vehicle), rows)
            s.commit()
        http = requests.Session()
        http.get(f"{url}/gtfs-rt/trip-updates.pb")  # the network and the model are built once per process
        times, size, entities = [], 0, 0
        for _ in range(requests_n):
            t0 = time.perf_counter()
            r = http.get(f"{url}/gtfs-rt/trip-updates.pb")
            times.append((time.perf_counter() - t0) * 1000)
            size = len(r.content)
        msg = rt.FeedMessage()
        msg.ParseFromString(r.content)
        entities = len(msg.entity)
    # What one rebuild costs (every second at most, in the background): in this process, same database.
    from backend.transit import gtfsrt

    builds = []
    with maker() as s:
        gtfsrt.trip_updates(s, now_ms=int(time.time() * 1000))
        for _ in range(30):
            t0 = time.perf_counter()
            gtfsrt.trip_updates(s, now_ms=int(time.time() * 1000))
            builds.append((time.perf_counter() - t0) * 1000)
    engine.dispose()
    return {"ms": times, "bytes": size, "entities": entities, "build_ms": builds}


def board_first_paint(pg_url: str, *, loads: int = 5) -> list[float]:
    """The board page in QtWebEngine (Chromium, offscreen): from load() to the first arrival rows drawn."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage
    from PySide6.QtWidgets import QApplication

    from backend.transit.ingest import PositionWriter
    from citysim.transit.feed import CarrierFeed
    from citysim.transit.model import CityBuses

    app = QApplication.instance() or QApplication([])
    out = []
    with transit_server(pg_url) as url:
        from backend.db import make_engine, make_sessionmaker

        engine = make_engine(pg_url)
        maker = make_sessionmaker(engine)
        city = CityBuses(CarrierFeed.read(FEED))
        from datetime import datetime, timedelta, timezone

        today = datetime.now(timezone(timedelta(hours=3))).date()
        now = int(time.time() * 1000)
        reports = [r for r in city.reports(city.run_day(today)) if now - 15 * 60_000 <= r[0] <= now]
        writer = PositionWriter(maker)
        for i in range(0, len(reports), 500):
            writer.ingest([(vid, p) for _, vid, p in reports[i:i + 500]])
        engine.dispose()
        for _ in range(loads):
            page = QWebEnginePage()
            t0 = time.perf_counter()
            page.load(QUrl(f"{url}/boards/KUR003"))
            painted = None
            while time.perf_counter() - t0 < 30:
                loop = QEventLoop()
                QTimer.singleShot(20, loop.quit)
                loop.exec()
                box = []
                page.runJavaScript("document.querySelectorAll('#rows tr').length + "
                                   "((document.getElementById('empty') || {style: {}}).style.display === 'block' ? 1 : 0)",
                                   0, box.append)
                loop2 = QEventLoop()
                QTimer.singleShot(10, loop2.quit)
                loop2.exec()
                if box and box[0]:
                    painted = (time.perf_counter() - t0) * 1000
                    break
            out.append(painted if painted is not None else float("nan"))
            page.deleteLater()
            loop = QEventLoop()
            QTimer.singleShot(50, loop.quit)
            loop.exec()
    _ = app
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="eta,ingest,board,tripupdates,paint")
    ap.add_argument("--learn-days", type=int, default=7)
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    if "eta" in only:
        print_eta(eta_accuracy(args.learn_days), args.learn_days)
    from bench.incidents import temp_postgres

    if "ingest" in only:
        with temp_postgres() as pg:
            r = ingest_throughput(pg)
        print(f"\n== position ingestion into PostgreSQL (load average {os.getloadavg()[0]:.1f}) ==")
        print(f"{r['positions']:,} positions in {r['seconds']:.1f} s: {r['rate']:,.0f} positions/s "
              f"({r['stop_events']:,} stop events, {r['fleet']} buses, dropped {r['dropped'] or 0}; "
              f"target >= 5,000/s)")
        print("(the writer the MQTT subscriber hands its batches of up to 1,000 to: parse, track, write; "
              "the broker is not in this figure)")
    if "board" in only:
        with temp_postgres() as pg:
            r = board_freshness(pg, "mqtt://127.0.0.1:1883")
        print(f"\n== position received -> board data, PostgreSQL (load average {os.getloadavg()[0]:.1f}) ==")
        for k, label in (("commit", "MQTT publish -> bus state committed"), ("board", "board data answered"),
                         ("total", "report -> board data")):
            print(f"{label:<38} p50 {_pct(r[k], 50):7.1f} ms   p99 {_pct(r[k], 99):7.1f} ms")
        print("(target p99 < 2 s; the board page itself asks every 15 s)")
    if "tripupdates" in only:
        with temp_postgres() as pg:
            r = trip_updates_latency(pg)
        print(f"\n== trip-updates.pb, {r['entities']} buses on trips, PostgreSQL "
              f"(load average {os.getloadavg()[0]:.1f}) ==")
        print(f"served: p50 {_pct(r['ms'], 50):.1f} ms   p99 {_pct(r['ms'], 99):.1f} ms   {r['bytes']:,} bytes "
              f"(target p99 < 30 ms)")
        print(f"one rebuild (background, at most once a second): p50 {_pct(r['build_ms'], 50):.1f} ms   "
              f"p99 {_pct(r['build_ms'], 99):.1f} ms")
    if "paint" in only:
        with temp_postgres() as pg:
            r = board_first_paint(pg)
        print(f"\n== board page first rows in QtWebEngine (Chromium, offscreen) "
              f"(load average {os.getloadavg()[0]:.1f}) ==")
        print("loads: " + ", ".join(f"{x:.0f} ms" for x in r) + f"   median {_pct(r, 50):.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
