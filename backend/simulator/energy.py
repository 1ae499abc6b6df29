"""The demo city's municipal buildings and their meters: a year of history and live readings.

History: `seed_energy(maker)` makes ~40 buildings with electricity (kWh), heat (Gcal) and water
(m³) meters and a year of 15-minute consumption with daily, weekly and seasonal shape plus a
few injected faults. To stay quick for `make run` it stores the hourly and daily rollups of the
whole year (computed with numpy) but the raw 15-minute readings only for the last RAW_DAYS;
charts of longer ranges read the rollups anyway. Run again, it only fills the gap up to now.

Live: `EnergySimulator` publishes each meter's reading for every completed quarter hour to
city/telemetry/{uid} over MQTT, from the same model (faults that last include).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.simulator import city
from backend.telemetry.ingest import CITY_UTC_OFFSET_MS, DAY_MS, HOUR_MS, local_day_start, write_readings
from backend.telemetry.models import Device, HourlyRollup, Reading, Site

log = logging.getLogger(__name__)

Q_MS = 15 * 60_000
RAW_DAYS = 14
KEYS = {"electricity": ("kwh", "kWh"), "heat": ("gcal", "Gcal"), "water": ("m3", "m³")}
SHORT = {"electricity": "el", "heat": "heat", "water": "water"}
RES_NAMES = {"electricity": "Электроэнергия", "heat": "Тепловая энергия", "water": "Холодная вода"}

# kind → (count, name pattern, area m² range, open days, open hour, close hour)
KINDS = {
    "school": (9, "МБОУ «Средняя общеобразовательная школа № {n}»", (3500, 7000), "012345", 8, 18),
    "kindergarten": (13, "МБДОУ «Детский сад № {n}»", (1400, 2600), "01234", 7, 19),
    "clinic": (6, "{name}", (2500, 9000), "012345", 8, 20),
    "office": (8, "{name}", (1200, 5000), "01234", 9, 18),
    "sport": (4, "{name}", (2000, 6000), "0123456", 8, 22),
}
NAMED = {
    "clinic": ["ОБУЗ «Курчатовская ЦРБ», поликлиника", "Детская поликлиника", "Стоматологическая поликлиника",
               "Женская консультация", "Филиал поликлиники в микрорайоне Поповка", "Станция скорой помощи"],
    "office": ["Администрация города Курчатова", "МФЦ «Мои документы»", "Управление образования",
               "Управление социальной защиты", "Городской архив", "Курчатовская городская дума",
               "МКУ «Благоустройство»", "Центральная городская библиотека"],
    "sport": ["ФОК «Олимп»", "Ледовая арена", "Плавательный бассейн «Нептун»", "ДЮСШ «Энергия»"],
}


@dataclass(frozen=True)
class Building:
    code: str
    kind: str
    name: str
    address: str
    lat: float
    lon: float
    area: float
    open_days: str
    open_hour: int
    close_hour: int

    def meter_uid(self, resource: str) -> str:
        return f"{self.code}-{SHORT[resource]}"


@dataclass(frozen=True)
class Fault:
    """Extra consumption on one meter: `factor` × normal + `add` per quarter hour, in [start, end)."""

    code: str
    resource: str
    start: int
    end: int | None
    factor: float = 1.0
    add: float = 0.0
    silent: bool = False  # the meter sends nothing


def buildings() -> list[Building]:
    rng = random.Random(51_66)
    places = list(city.addresses())
    rng.shuffle(places)
    out = []
    for kind, (count, pattern, (a0, a1), days, h0, h1) in KINDS.items():
        for i in range(count):
            name = pattern.format(n=i + 1 if kind != "kindergarten" else 2 * i + 1,
                                  name=NAMED.get(kind, [""] * count)[i])
            p = places.pop()
            out.append(Building(code=f"kur-{kind}-{i + 1}", kind=kind, name=name, address=p.address, lat=p.lat,
                                lon=p.lon, area=float(rng.randint(a0, a1)), open_days=days, open_hour=h0,
                                close_hour=h1))
    return out


def faults(anchor: int) -> list[Fault]:
    """Injected faults, placed relative to the seeding time (whole quarter hours)."""
    day = local_day_start(anchor)
    return [
        # A stuck heating valve at school № 3 over one night and day (the screenshot's alarm).
        Fault("kur-school-3", "heat", day - 4 * DAY_MS + 20 * HOUR_MS, day - 3 * DAY_MS + 16 * HOUR_MS, factor=2.6),
        # A leaking cistern in kindergarten № 9 since two days ago, still running.
        Fault("kur-kindergarten-5", "water", day - 2 * DAY_MS + 3 * HOUR_MS, None, add=0.04),
        # Lights left on in the administration for a weekend night three weeks ago.
        Fault("kur-office-1", "electricity", day - 20 * DAY_MS + 19 * HOUR_MS, day - 19 * DAY_MS + 7 * HOUR_MS,
              add=9.0),
        # The polyclinic's electricity meter fell silent for eight hours ten days ago.
        Fault("kur-clinic-1", "electricity", day - 10 * DAY_MS + 2 * HOUR_MS, day - 10 * DAY_MS + 10 * HOUR_MS,
              silent=True),
        # The ice arena's chillers over-ran for two days two months ago.
        Fault("kur-sport-2", "electricity", day - 60 * DAY_MS, day - 58 * DAY_MS, factor=1.8),
    ]


def _outdoor_temp(t: np.ndarray) -> np.ndarray:
    """°C in Kurchatov: seasonal (coldest late January), a daily swing and slow weather."""
    days = (t + CITY_UTC_OFFSET_MS) / DAY_MS
    season = 6.5 - 13.0 * np.cos(2 * np.pi * (days - 20) / 365.25)
    hour = (days % 1) * 24
    daily = 4.0 * np.cos(2 * np.pi * (hour - 15) / 24)
    weather = 1.6 * np.sin(2 * np.pi * days / 5.3) + 1.1 * np.sin(2 * np.pi * days / 8.9 + 1.3)
    return season + daily + weather, season


def consumption(b: Building, resource: str, t: np.ndarray, fault_list: list[Fault] | None = None) -> np.ndarray:
    """Use per quarter hour starting at each t (epoch ms); NaN where the meter was silent."""
    local = t + CITY_UTC_OFFSET_MS
    hour = (local % DAY_MS) / HOUR_MS
    weekday = ((local // DAY_MS) + 3) % 7  # 1970-01-01 was a Thursday
    doy = ((local / DAY_MS) % 365.25)
    open_day = np.isin(weekday, [int(d) for d in b.open_days])
    is_open = open_day & (hour >= b.open_hour) & (hour < b.close_hour)
    span = max(b.close_hour - b.open_hour, 1)
    occ = np.where(is_open, 0.7 + 0.3 * np.sin(np.pi * np.clip(hour - b.open_hour, 0, span) / span), 0.0)
    if b.kind == "school":
        occ = occ * np.where((doy > 151) & (doy < 243), 0.15, 1.0)  # summer holidays
    seed = zlib.crc32(f"{b.code}/{resource}".encode()) ^ int(t[0] // Q_MS) & 0xFFFFFFFF
    rng = np.random.default_rng(seed)
    noise = 1 + 0.06 * rng.standard_normal(len(t))
    temp, season = _outdoor_temp(t)
    if resource == "electricity":
        dark = 0.5 + 0.5 * np.cos(2 * np.pi * (doy - 355) / 365.25)
        v = b.area * (0.0006 + occ * 0.0025 * (1 + 0.3 * dark)) * noise
        if b.kind == "sport" and b.code.endswith("-2"):
            v = v + b.area * 0.0012  # the ice arena's chillers run day and night
    elif resource == "heat":
        heating = season < 9.0
        coef = b.area * 2.3e-6 / 4  # Gcal per quarter hour per kelvin
        setback = np.where(is_open, 1.0, 0.85)
        v = (np.where(heating, coef * np.maximum(0.0, 20.0 - temp) * setback, 0.0)
             + occ * b.area * 1.2e-6) * noise
    else:
        base = occ * b.area * 0.00011 * np.exp(0.35 * rng.standard_normal(len(t)))
        cleaning = (~is_open) & (rng.random(len(t)) < 0.02)
        v = np.where(is_open, base, np.where(cleaning, 0.01 + 0.03 * rng.random(len(t)), 0.0))
    v = np.maximum(v, 0.0)
    for f in fault_list or ():
        if f.code != b.code or f.resource != resource:
            continue
        inside = (t >= f.start) & ((t < f.end) if f.end is not None else True)
        v = np.where(inside, v * f.factor + f.add, v)
        if f.silent:
            v = np.where(inside, np.nan, v)
    return np.round(v, 5 if resource == "heat" else 3)


# ---------------------------------------------------------------------------- seeding

def _ensure_sites(s: Session) -> dict[str, Device]:
    from backend_client.schemas.telemetry import UNITS

    existing = {x.code: x for x in s.scalars(select(Site).where(Site.code.like("kur-%")))}
    devices = {d.uid: d for d in s.scalars(select(Device).where(Device.uid.like("kur-%")))}
    for b in buildings():
        site = existing.get(b.code)
        if site is None:
            site = Site(code=b.code, name=b.name, kind=b.kind, address=b.address, lat=b.lat, lon=b.lon,
                        open_hour=b.open_hour, close_hour=b.close_hour, open_days=b.open_days)
            s.add(site)
            s.flush()
        for resource, (key, unit) in KEYS.items():
            uid = b.meter_uid(resource)
            if uid not in devices:
                devices[uid] = Device(uid=uid, site_id=site.id, name=f"{RES_NAMES[resource]}, ввод 1",
                                      kind="meter", resource=resource, key=key, unit=UNITS[resource], interval_s=900)
                s.add(devices[uid])
    s.flush()
    return devices


def _bulk(s: Session, table: str, cols: tuple[str, ...], rows) -> None:
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    else:
        marks = ", ".join("?" * len(cols))
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", list(rows))


def _rollup_rows(dev_id: int, key: str, t: np.ndarray, v: np.ndarray, bucket_of) -> list[tuple]:
    ok = ~np.isnan(v)
    t, v = t[ok], v[ok]
    if not len(t):
        return []
    b = bucket_of(t)
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]])
    counts = np.diff(np.r_[starts, len(b)])
    sums = np.add.reduceat(v, starts)
    mins = np.minimum.reduceat(v, starts)
    maxs = np.maximum.reduceat(v, starts)
    return [(dev_id, key, int(bb), int(c), float(su), float(mn), float(mx))
            for bb, c, su, mn, mx in zip(b[starts], counts, sums, mins, maxs)]


def seed_energy(maker: sessionmaker[Session], *, days: int = 365, raw_days: int = RAW_DAYS,
                now_ms: int | None = None) -> dict[str, int]:
    """Create the buildings, meters, history and fault alarms; on a later run fill the gap to now."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    end = now_ms - now_ms % Q_MS  # the quarter in progress is not over yet
    with maker() as s:
        devices = _ensure_sites(s)
        by_id = {d.id: d for d in devices.values()}
        have = s.scalar(select(func.count()).select_from(HourlyRollup).where(
            HourlyRollup.device_id.in_(list(by_id)))) or 0
        if have:
            stats = _top_up(s, devices, end)
            s.commit()
            return stats
        start = local_day_start(end - days * DAY_MS)
        raw_from = end - raw_days * DAY_MS
        t = np.arange(start, end, Q_MS, dtype=np.int64)
        fl = faults(end)
        hourly, daily, raw = [], [], []
        sites = {x.code: x for x in buildings()}
        for uid, dev in devices.items():
            b = sites[uid.rsplit("-", 1)[0]]
            v = consumption(b, dev.resource, t, fl)
            hourly += _rollup_rows(dev.id, dev.key, t, v, lambda x: x - x % HOUR_MS)
            daily += _rollup_rows(dev.id, dev.key, t, v, local_day_start)
            sel = (t >= raw_from) & ~np.isnan(v)
            raw += [(dev.id, dev.key, int(a), float(c)) for a, c in zip(t[sel], v[sel])]
        _bulk(s, "readings_hourly", ("device_id", "key", "bucket", "count", "sum", "min", "max"), hourly)
        _bulk(s, "readings_daily", ("device_id", "key", "bucket", "count", "sum", "min", "max"), daily)
        _bulk(s, "readings", ("device_id", "key", "ts", "value"), raw)
        s.execute(update(Device).where(Device.id.in_(list(by_id)))
                  .values(last_seen_at=datetime.fromtimestamp(end / 1000, timezone.utc)))
        _fault_alarms(s, devices, fl, end)
        s.commit()
        return {"meters": len(devices), "hourly": len(hourly), "daily": len(daily), "raw": len(raw)}


def _top_up(s: Session, devices: dict[str, Device], end: int) -> dict[str, int]:
    """Readings from each meter's last one up to `end`, through the normal write path (rollups too)."""
    sites = {x.code: x for x in buildings()}
    last = dict(s.execute(select(Reading.device_id, func.max(Reading.ts)).where(
        Reading.device_id.in_([d.id for d in devices.values()])).group_by(Reading.device_id)).all())
    fl = faults(end)
    rows = []
    for uid, dev in devices.items():
        first = int(last.get(dev.id) or end - Q_MS) + Q_MS
        if first >= end:
            continue
        first = max(first, end - 31 * DAY_MS)
        t = np.arange(first, end, Q_MS, dtype=np.int64)
        v = consumption(sites[uid.rsplit("-", 1)[0]], dev.resource, t, fl)
        rows += [(dev.id, dev.key, int(a), float(c)) for a, c in zip(t, v) if not np.isnan(c)]
    if rows:
        write_readings(s, rows)
        s.execute(update(Device).where(Device.uid.like("kur-%"))
                  .values(last_seen_at=datetime.fromtimestamp(end / 1000, timezone.utc)))
    return {"meters": len(devices), "raw": len(rows)}


def _fault_alarms(s: Session, devices: dict[str, Device], fl: list[Fault], end: int) -> None:
    """The alarms the rules would have raised for the injected faults (past ones cleared)."""
    from backend.energy.alarms import clear_alarm, raise_alarm

    kinds = {"heat": ("over_baseline", "critical", "2.6× the expected heat for 20 h"),
             "water": ("water_leak", "critical", "Water flowed without a pause for 24 h"),
             "electricity": ("night_use", "major", "Lights left on in the closed building")}
    for f in fl:
        dev = devices[f"{f.code}-{SHORT[f.resource]}"]
        if f.silent:
            type_, sev, msg = "silent_meter", "warning", "No readings for 8 h"
        elif f.code == "kur-sport-2":
            type_, sev, msg = "over_baseline", "major", "1.8× the expected use for 48 h"
        else:
            type_, sev, msg = kinds[f.resource]
        # The rules notice a leak after a day and an excess after a few hours.
        noticed = f.start + (DAY_MS if type_ == "water_leak" else 4 * HOUR_MS)
        at = datetime.fromtimestamp(min(noticed, end) / 1000, timezone.utc)
        alarm = raise_alarm(s, device=dev, type_=type_, severity=sev, message=msg, period_start=f.start, now=at)
        if f.end is not None and f.end <= end:
            clear_alarm(s, alarm, period_end=f.end, now=datetime.fromtimestamp(f.end / 1000, timezone.utc))


# ---------------------------------------------------------------------------- live

class EnergySimulator:
    """Publishes every meter's reading for each completed quarter hour over MQTT; start()/stop()."""

    def __init__(self, mqtt_url: str, *, interval_s: float = 900, topic_root: str = "city/telemetry") -> None:
        self.mqtt_url = mqtt_url
        self.interval_ms = int(interval_s * 1000)
        self.topic_root = topic_root
        self.buildings = buildings()
        self.published = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client = None

    def payloads(self, slot_start: int) -> list[tuple[str, str]]:
        """(topic, payload) of every meter for the quarter starting at slot_start."""
        fl = faults(slot_start)
        t = np.array([slot_start], dtype=np.int64)
        out = []
        for b in self.buildings:
            for resource, (key, _) in KEYS.items():
                v = consumption(b, resource, t, fl)[0]
                if not np.isnan(v):
                    out.append((f"{self.topic_root}/{b.meter_uid(resource)}",
                                json.dumps({"ts": int(slot_start), "values": {key: float(v)}})))
        return out

    def publish_slot(self, slot_start: int) -> int:
        n = 0
        for topic, payload in self.payloads(slot_start):
            self._client.publish(topic, payload, qos=1)
            n += 1
        self.published += n
        return n

    def start(self) -> None:
        from backend.ingest.mqtt import make_client

        self._client = make_client(self.mqtt_url, f"sc-energy-sim-{random.randrange(1 << 30):x}")
        self._client.connect_async(*self._client._sc_addr)
        self._client.loop_start()
        self._thread = threading.Thread(target=self._run, name="sc-energy-sim", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        step = self.interval_ms
        last_done = None
        while not self._stop.is_set():
            now = int(time.time() * 1000)
            slot = now - now % step - step  # the last completed interval
            if slot != last_done and self._client.is_connected():
                try:
                    self.publish_slot(slot)
                    last_done = slot
                except Exception:
                    log.exception("publishing simulated meter readings failed")
            self._stop.wait(1.0 if last_done != slot else min(30.0, (slot + 2 * step - now) / 1000 + 0.5))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if self._client is not None:
            self._client.disconnect()
            self._client.loop_stop()
