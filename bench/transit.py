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
    from backend.transit.predict import HistoryModel, predict_trip, schedule_only, schedule_plus_delay
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
    errors: dict[str, list[list[float]]] = {p: [[] for _ in BUCKETS] for p in ("schedule", "delay", "ours")}
    for ts, vid, p in city.reports(runs, seed=99):
        v, _ = tracker.update(vid, ts=ts, lat=p["lat"], lon=p["lon"], speed=p["speed"], bearing=p["bearing"],
                              route_id=p["route_id"], trip_id=p.get("trip_id"))
        if v.trip is None or v.dist is None or ts - last_pred.get(vid, 0) < sample_s * 1000:
            continue
        last_pred[vid] = ts
        start = v.next_i + (1 if v.at_stop else 0)  # the stop it stands at has been reached
        preds = {
            "schedule": schedule_only(net, v.trip, v.service_date, next_i=start),
            "delay": schedule_plus_delay(net, v.trip, v.service_date, next_i=start, delay_s=v.delay_s or 0),
            "ours": [q for q in predict_trip(net, model, v.trip, v.service_date, now_ms=ts, dist=v.dist,
                                             next_i=v.next_i, arr_ts=v.arr_ts) if q.seq > (
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
        result[name] = {"score": statistics.fmean(shares), "shares": shares, "mae": maes, "n": counts}
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="eta,ingest,board,tripupdates,paint")
    ap.add_argument("--learn-days", type=int, default=7)
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    if "eta" in only:
        print_eta(eta_accuracy(args.learn_days), args.learn_days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
