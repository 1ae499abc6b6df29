"""The city overview: today's use per resource against its baseline, the top consumers."""

from __future__ import annotations

import time
import warnings

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.citytime import HOUR_MS, local_day_start
from backend.energy.models import Alarm
from backend.energy.series import WEEK_MS, sum_by_device
from backend.telemetry.models import Device, HourlyRollup, Site
from backend_client.schemas.energy import Overview, ResourceToday, TopConsumer
from backend_client.schemas.telemetry import RESOURCES, UNITS


REPORT_MS = 15 * 60_000


def _baseline_today(session: Session, day_start: int, now_ms: int) -> dict[tuple[int, str], float]:
    """Per (device, key): the expected use from local midnight to now (hour-of-week medians).

    Meters report a quarter hour when it ends, so "now" is the end of the last complete one.
    """
    now_ms -= now_ms % REPORT_MS
    h_now = now_ms - now_ms % HOUR_MS
    n = (h_now - day_start) // HOUR_MS + 1  # the current hour counts by the share elapsed
    weight = np.ones(n)
    weight[-1] = (now_ms - h_now) / HOUR_MS
    per: dict[tuple[int, str], np.ndarray] = {}
    for k in range(1, 5):
        lo = day_start - k * WEEK_MS
        q = select(HourlyRollup.device_id, HourlyRollup.key, HourlyRollup.bucket, HourlyRollup.sum).where(
            HourlyRollup.bucket >= lo, HourlyRollup.bucket < lo + n * HOUR_MS)
        for d, key, b, s in session.execute(q):
            arr = per.setdefault((d, key), np.full((4, n), np.nan))
            arr[k - 1, (int(b) - lo) // HOUR_MS] = s
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for key, arr in per.items():
            med = np.nanmedian(arr, axis=0)
            if np.isnan(med).mean() < 0.5:
                out[key] = float(np.nansum(med * weight))
    return out


def overview(session: Session, *, now_ms: int | None = None, top: int = 5) -> Overview:
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    day_start = local_day_start(now_ms)
    used = sum_by_device(session, day_start, now_ms + 1)
    expected = _baseline_today(session, day_start, now_ms)
    meters = session.execute(select(Device, Site).join(Site, Site.id == Device.site_id)
                             .where(Device.resource.is_not(None))).all()
    resources = {r: [0.0, 0.0, False] for r in RESOURCES}
    consumers: list[TopConsumer] = []
    for device, site in meters:
        u = used.get((device.id, device.key), 0.0)
        b = expected.get((device.id, device.key))
        acc = resources[device.resource]
        acc[0] += u
        if b is not None:
            acc[1] += b
            acc[2] = True
        consumers.append(TopConsumer(site_id=site.id, site=site.name, device=device.uid, resource=device.resource,
                                     unit=device.unit, used=round(u, 4), baseline=None if b is None else round(b, 4)))
    tops: list[TopConsumer] = []
    for r in RESOURCES:
        tops += sorted((c for c in consumers if c.resource == r), key=lambda c: -c.used)[:top]
    active = session.scalar(select(func.count()).select_from(Alarm).where(Alarm.state != "cleared")) or 0
    return Overview(day_start=day_start, now=now_ms, active_alarms=active, top=tops,
                    resources=[ResourceToday(resource=r, unit=UNITS[r], used=round(v[0], 4),
                                             baseline=round(v[1], 4) if v[2] else None)
                               for r, v in resources.items()])
