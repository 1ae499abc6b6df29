"""Demo: the municipal buildings and their meters, with a past year of readings.

To stay quick for `make run` the past is computed with numpy and bulk-loaded: hourly and daily
rollups of the whole year, raw 15-minute readings only for the last RAW_DAYS (charts of longer
ranges read the rollups anyway). Run again, it fills the gap up to now through the normal write
path. The buildings and their consumption model are the demo city's (resources/city/meters.py);
the simulated city sends the live readings from the same model.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from backend.citytime import DAY_MS, HOUR_MS, local_day_start
from backend.domain import DemoSeed
from backend.telemetry import service
from backend.telemetry.ingest import write_readings
from backend.telemetry.models import Device
from backend_client.schemas.telemetry import UNITS, DeviceIn, SiteIn
from resources.city.meters import KEYS, Q_MS, RES_NAMES, buildings, consumption, faults

log = logging.getLogger(__name__)
RAW_DAYS = 14


def seed_demo(demo: DemoSeed) -> None:
    t0 = time.monotonic()
    stats = seed_meters(demo.maker)
    log.info("demo: energy meters ready in %.1f s (%s)", time.monotonic() - t0, stats)


def seed_meters(maker: sessionmaker[Session], *, days: int = 365, raw_days: int = RAW_DAYS,
                now_ms: int | None = None) -> dict[str, int]:
    """Create the buildings and meters that are missing and their past up to now (the quarter in progress excluded)."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    end = now_ms - now_ms % Q_MS
    with maker() as s:
        devices = add_demo_meters(s)
        ids = [d.id for d in devices.values()]
        stats = (_top_up(s, devices, end) if service.has_history(s, ids)
                 else _past(s, devices, start=local_day_start(end - days * DAY_MS), raw_from=end - raw_days * DAY_MS,
                            end=end))
        s.commit()
    return stats


def add_demo_meters(session: Session) -> dict[str, Device]:
    """{meter uid: device} of the demo buildings' meters, registered where missing."""
    sites = {x.code: x for x in service.list_sites(session)}
    devices = {d.uid: d for d in service.list_devices(session)}
    out = {}
    for b in buildings():
        site = sites.get(b.code) or service.create_site(session, data=SiteIn(
            code=b.code, name=b.name, kind=b.kind, address=b.address, lat=b.lat, lon=b.lon,
            open_hour=b.open_hour, close_hour=b.close_hour, open_days=b.open_days))
        for resource, (key, _) in KEYS.items():
            uid = b.meter_uid(resource)
            out[uid] = devices.get(uid) or service.create_device(session, data=DeviceIn(
                uid=uid, site_id=site.id, name=f"{RES_NAMES[resource]}, ввод 1", kind="meter", resource=resource,
                key=key, unit=UNITS[resource], interval_s=900))
    return out


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


def _past(s: Session, devices: dict[str, Device], *, start: int, raw_from: int, end: int) -> dict[str, int]:
    t = np.arange(start, end, Q_MS, dtype=np.int64)
    fl = faults(end)
    hourly, daily, raw = [], [], []
    sites = {x.code: x for x in buildings()}
    for uid, dev in devices.items():
        v = consumption(sites[uid.rsplit("-", 1)[0]], dev.resource, t, fl)
        hourly += _rollup_rows(dev.id, dev.key, t, v, lambda x: x - x % HOUR_MS)
        daily += _rollup_rows(dev.id, dev.key, t, v, local_day_start)
        sel = (t >= raw_from) & ~np.isnan(v)
        raw += [(dev.id, dev.key, int(a), float(c)) for a, c in zip(t[sel], v[sel])]
    service.import_history(s, readings=raw, hourly=hourly, daily=daily)
    service.mark_seen(s, [d.id for d in devices.values()], datetime.fromtimestamp(end / 1000, timezone.utc))
    return {"meters": len(devices), "hourly": len(hourly), "daily": len(daily), "raw": len(raw)}


def _top_up(s: Session, devices: dict[str, Device], end: int) -> dict[str, int]:
    """Readings from each meter's last one up to `end`, through the normal write path (rollups too)."""
    sites = {x.code: x for x in buildings()}
    last = service.last_reading_ts(s, [d.id for d in devices.values()])
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
        service.mark_seen(s, [d.id for d in devices.values()], datetime.fromtimestamp(end / 1000, timezone.utc))
    return {"meters": len(devices), "raw": len(rows)}
