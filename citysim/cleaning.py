"""The city's cleaning machines: about 15 of them drive their day's sections in the scheduled windows
and report GPS over MQTT `city/fleet/{vehicle_id}` like the real trackers do.

The day is planned up front (deterministic from the seed), so the simulator also knows the truth:
which section windows it cleaned, half cleaned or skipped. Realism that the product must cope with:
GPS noise (Gaussian, clipped at ±10 m), silent gaps of half a minute to two minutes, driving between
jobs with the brushes up, one section skipped on purpose, one section cleaned only halfway, and one
machine that sits idle at the depot all day.

`CleaningCity(sections)` plans and generates fixes (for benches: any stretch of the day, as fast as
numpy goes); `CleaningSimulator(server, mqtt_url, user, password)` fetches the sections and their
windows over HTTP and publishes the fixes in real time (or `speed` times faster); without a broker
(`mqtt_url` empty or down) the fixes go over `POST /api/v1/cleaning/fixes` instead.
"""

from __future__ import annotations

import json
import logging
import math
import random
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

import numpy as np
import requests

log = logging.getLogger(__name__)
CITY_TZ = timezone(timedelta(hours=3))
LAT0, LON0 = 51.66, 35.65
M_LAT = 110_574.0
M_LON = 111_320.0 * math.cos(math.radians(LAT0))
DEPOT = (35.6395, 51.6480)  # the municipal yard on Промышленный проезд
# The fleet: (kind of sections it serves, what its tracker reports while working, how many, speed m/s).
FLEET = [("sweeping", "sweeping", 6, 1.5), ("washing", "washing", 3, 3.0), ("snow_clearing", "plowing", 3, 4.0),
         ("waste_collection", "none", 3, 2.0)]
TRANSIT_MPS = 9.0


def to_xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon - LON0) * M_LON, (lat - LAT0) * M_LAT


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    return x / M_LON + LON0, y / M_LAT + LAT0


@dataclass
class Job:
    section_id: int
    code: str
    kind: str
    window: tuple[datetime, datetime]
    path: np.ndarray           # metres, (n, 2)
    length: float
    share: float = 1.0         # how much of it the machine will clean (truth)
    start: datetime | None = None
    end: datetime | None = None


@dataclass
class Machine:
    id: str
    kind: str
    work: str
    speed: float
    idle: bool = False
    jobs: list[Job] = field(default_factory=list)


def _polyline(coords: list[list[float]]) -> tuple[np.ndarray, float]:
    pts = np.array([to_xy(c[0], c[1]) for c in coords], dtype=float)
    return pts, float(np.hypot(*np.diff(pts, axis=0).T).sum())


def _along(path: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Points at distances d along the polyline path."""
    seg = np.hypot(*np.diff(path, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    d = np.clip(d, 0, cum[-1])
    k = np.clip(np.searchsorted(cum, d, side="right") - 1, 0, len(seg) - 1)
    f = np.where(seg[k] > 0, (d - cum[k]) / np.where(seg[k] > 0, seg[k], 1), 0)
    return path[k] + f[:, None] * (path[k + 1] - path[k])


class CleaningCity:
    """A day of the fleet over the given sections (dicts: id, code, kind, geometry, windows [(start, end)])."""

    def __init__(self, sections: list[dict], *, seed: int = 15, every_s: float = 10.0, noise_m: float = 10.0,
                 fleet: list[tuple[str, str, int, float]] = FLEET) -> None:
        self.rng = random.Random(seed)
        self.every_s, self.noise_m = every_s, noise_m
        self.machines: list[Machine] = []
        n = 0
        for kind, work, count, speed in fleet:
            for _ in range(count):
                n += 1
                self.machines.append(Machine(id=f"КО-{700 + n}", kind=kind, work=work, speed=speed))
        sweepers = [m for m in self.machines if m.kind == "sweeping"]
        if sweepers:
            sweepers[-1].idle = True  # broken down: reports from the depot, never works
        self.truth: dict[tuple[int, datetime], str] = {}
        self._plan(sections)

    def _plan(self, sections: list[dict]) -> None:
        jobs: list[Job] = []
        for s in sections:
            path, length = _polyline(s["geometry"]["coordinates"])
            for w in s.get("windows", []):
                jobs.append(Job(s["id"], s["code"], s["kind"], (w[0], w[1]), path, length))
        jobs.sort(key=lambda j: (j.window[0], j.code))
        # One window skipped and one cleaned halfway, on purpose (the product must see both).
        if len(jobs) > 4:
            skipped = jobs[len(jobs) // 3]
            self.truth[(skipped.section_id, skipped.window[0])] = "missed"
            jobs[2 * len(jobs) // 3].share = 0.5
        free: dict[str, tuple[datetime | None, np.ndarray]] = {
            m.id: (None, np.array(to_xy(*DEPOT))) for m in self.machines}
        for job in jobs:
            if (job.section_id, job.window[0]) in self.truth:
                continue
            best = None
            for m in self.machines:
                if m.kind != job.kind or m.idle:
                    continue
                at, pos = free[m.id]
                travel = float(np.hypot(*(job.path[0] - pos))) / TRANSIT_MPS
                ready = job.window[0] if at is None else max(job.window[0], at + timedelta(seconds=travel + 60))
                finish = ready + timedelta(seconds=job.length * job.share / m.speed)
                if finish <= job.window[1] and (best is None or ready < best[1]):
                    best = (m, ready, finish)
            if best is None:
                self.truth[(job.section_id, job.window[0])] = "missed"  # no machine free in time
                continue
            m, ready, finish = best
            slack = (job.window[1] - finish).total_seconds()
            offset = timedelta(seconds=self.rng.uniform(0, min(slack, 1800)) if slack > 0 else 0)
            job.start, job.end = ready + offset, finish + offset
            m.jobs.append(job)
            free[m.id] = (job.end, _along(job.path, np.array([job.length * job.share]))[0])
            self.truth[(job.section_id, job.window[0])] = "done" if job.share >= 1 else "partly"

    # ---------------------------------------------------------------- tracks
    def _legs(self, m: Machine) -> list[tuple[float, float, np.ndarray, str, float]]:
        """(from s, to s, path, work, speed): driving to each job with the brushes up, then the job."""
        legs = []
        pos = np.array(to_xy(*DEPOT))
        for job in m.jobs:
            js, je = job.start.timestamp(), job.end.timestamp()
            travel = float(np.hypot(*(job.path[0] - pos))) / TRANSIT_MPS
            legs.append((js - travel, js, np.array([pos, job.path[0]]), "none", TRANSIT_MPS))
            part = _along(job.path, np.linspace(0, job.length * job.share, max(2, int(job.length / 5))))
            legs.append((js, je, part, m.work, m.speed))
            pos = part[-1]
        return legs

    def _machine_track(self, m: Machine, t0: datetime, t1: datetime):
        """Arrays (epoch s, x, y, work, speed) every every_s in [t0, t1): parked, driving or working."""
        start = math.ceil(t0.timestamp() / self.every_s) * self.every_s
        ts = np.arange(start, t1.timestamp(), self.every_s)
        depot = np.array(to_xy(*DEPOT))
        xy = np.tile(depot, (len(ts), 1))
        work = np.full(len(ts), "none", dtype=object)
        speed = np.zeros(len(ts))
        for a, b, path, w, v in self._legs(m):
            inside = (ts >= a) & (ts < b)
            after = ts >= b
            xy[after] = path[-1]  # parked where the leg ended until the next one starts
            if inside.any():
                seg_len = float(np.hypot(*np.diff(path, axis=0).T).sum())
                xy[inside] = _along(path, seg_len * (ts[inside] - a) / max(b - a, 1e-9))
                work[inside], speed[inside] = w, v
        return ts, xy, work, speed

    def fixes_between(self, t0: datetime, t1: datetime) -> list[dict]:
        """Every report of every machine in [t0, t1), with noise and gaps, as {vehicle, ts, lat, lon, speed, work}.

        Noise and gaps are a function of the machine and the time alone, so any stretch of the day
        (a bench's whole day, or the live loop's few seconds) gives the same reports."""
        out = []
        for m in self.machines:
            ts, xy, work, speed = self._machine_track(m, t0, t1)
            if not len(ts):
                continue
            key = zlib.crc32(m.id.encode())
            block = (ts // 600).astype(np.int64)  # a gap may start in any 10-minute block (about one an hour)
            gap_start = block * 600 + _unit(key, block, 1) * 600
            gap_len = 30 + _unit(key, block, 2) * 90
            in_gap = (_unit(key, block, 3) < 0.17) & (ts >= gap_start) & (ts < gap_start + gap_len)
            tick = (ts * 10).astype(np.int64)
            # Box–Muller from two uniforms; σ = noise / 2.5, clipped at the noise bound.
            u1, u2 = np.maximum(_unit(key, tick, 4), 1e-12), _unit(key, tick, 5)
            r = np.sqrt(-2 * np.log(u1)) * self.noise_m / 2.5
            nx = np.clip(r * np.cos(2 * np.pi * u2), -self.noise_m, self.noise_m)
            ny = np.clip(r * np.sin(2 * np.pi * u2), -self.noise_m, self.noise_m)
            lon = (xy[:, 0] + nx) / M_LON + LON0
            lat = (xy[:, 1] + ny) / M_LAT + LAT0
            for i in np.nonzero(~in_gap)[0]:
                out.append({"vehicle": m.id, "ts": int(ts[i] * 1000), "lat": round(float(lat[i]), 7),
                            "lon": round(float(lon[i]), 7), "speed": float(speed[i]), "work": work[i]})
        out.sort(key=lambda f: f["ts"])
        return out


def _unit(key: int, n: np.ndarray, salt: int) -> np.ndarray:
    """Uniform [0, 1) from (key, n, salt): a splitmix64 hash, vectorised, so any stretch repeats exactly."""
    with np.errstate(over="ignore"):
        z = (n.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64((key << 8) | salt)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


# -------------------------------------------------------------------- live

class CleaningSimulator:
    """Publishes the fleet's fixes as they happen (`speed` > 1 runs the city's clock faster)."""

    def __init__(self, server: str, mqtt_url: str, username: str, password: str, *, speed: float = 1.0,
                 seed: int = 15, every_s: float = 10.0, timeout: float = 10.0) -> None:
        self.server = server.rstrip("/")
        self.mqtt_url = mqtt_url
        self.username, self._password = username, password
        self.speed, self.seed, self.every_s, self.timeout = speed, seed, every_s, timeout
        self.published = 0
        self.city: CleaningCity | None = None
        self._day: date | None = None
        self._http = requests.Session()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = None

    def start(self) -> "CleaningSimulator":
        from citysim.mqtt import broker_up, mqtt_client

        if self.mqtt_url and broker_up(self.mqtt_url):
            self._client, (host, port) = mqtt_client(self.mqtt_url, f"citysim-fleet-{random.randrange(1 << 30):x}")
            self._client.connect_async(host, port, keepalive=30)
            self._client.loop_start()
        else:
            log.info("no MQTT broker: the cleaning machines report over POST /api/v1/cleaning/fixes")
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="cleaning-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()
        self._http.close()

    def _call(self, method: str, path: str, **kw):
        if "Authorization" not in self._http.headers:
            r = self._http.post(f"{self.server}/api/v1/auth/token", timeout=self.timeout,
                                data={"username": self.username, "password": self._password})
            r.raise_for_status()
            self._http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = self._http.request(method, f"{self.server}{path}", timeout=self.timeout, **kw)
        if r.status_code == 401:  # the token expired: log in again next time
            self._http.headers.pop("Authorization", None)
        r.raise_for_status()
        return r.json()

    def _get(self, path: str, **params):
        return self._call("GET", path, params=params)

    def _post(self, fixes: list[dict]) -> None:
        self._call("POST", "/api/v1/cleaning/fixes", json=fixes)

    def plan(self, day: date) -> CleaningCity:
        """The day's sections and windows from the product's API, planned into the fleet's routes."""
        sections = self._get("/api/v1/cleaning/sections")
        for s in sections:
            ws = self._get(f"/api/v1/cleaning/sections/{s['id']}/windows", **{"from": day.isoformat(),
                                                                               "to": day.isoformat()})
            s["windows"] = [(datetime.fromisoformat(w["start"]), datetime.fromisoformat(w["end"])) for w in ws]
        return CleaningCity(sections, seed=self.seed + day.toordinal(), every_s=self.every_s)

    def _run(self) -> None:
        wall0 = time.time()
        city0 = datetime.now(timezone.utc)
        last = city0
        while not self._stop.is_set():
            now = city0 + timedelta(seconds=(time.time() - wall0) * self.speed)
            day = now.astimezone(CITY_TZ).date()
            try:
                if day != self._day:
                    self.city, self._day = self.plan(day), day
                    start = datetime.combine(day, datetime.min.time(), CITY_TZ)
                    last = max(last, start)
                fixes = self.city.fixes_between(last, now)
                if self._client is None:
                    if fixes:
                        self._post(fixes)
                else:
                    for f in fixes:
                        vid = f.pop("vehicle")
                        self._client.publish(f"city/fleet/{vid}", json.dumps(f), qos=0)
                self.published += len(fixes)
                last = now
            except requests.RequestException as exc:
                log.warning("cleaning simulator cannot read the sections: %s", exc)
            self._stop.wait(max(0.5, self.every_s / self.speed / 2))


def main(argv: list[str] | None = None) -> int:
    """`python -m citysim.cleaning --server URL --user NAME [--mqtt-url URL] [--speed N]` (password in SC_SIM_PASSWORD)."""
    import argparse
    import os
    import signal

    parser = argparse.ArgumentParser(prog="python -m citysim.cleaning")
    parser.add_argument("--server", required=True)
    parser.add_argument("--user", default="dispatcher")
    parser.add_argument("--mqtt-url", default=os.environ.get("SC_MQTT_URL", ""))
    parser.add_argument("--speed", type=float, default=1.0, help="the city's clock runs this many times faster")
    args = parser.parse_args(argv)
    password = os.environ.get("SC_SIM_PASSWORD", "")
    if not password:
        parser.error("set SC_SIM_PASSWORD to the simulator user's password")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s sim.%(name)s: %(message)s")
    sim = CleaningSimulator(args.server, args.mqtt_url, args.user, password, speed=args.speed).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    sim.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
