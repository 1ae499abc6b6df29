"""Series at the resolution a range needs, hourly baselines, totals per site/resource/city."""

from __future__ import annotations

import math

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.citytime import CITY_UTC_OFFSET_MS, DAY_MS, HOUR_MS, local_day_start
from backend.errors import BadRequest
from backend.telemetry.models import DailyRollup, Device, HourlyRollup, Reading, Site
from backend.telemetry.service import get_device
from backend_client.schemas.energy import Series, TotalRow, Totals
from backend_client.schemas.telemetry import UNITS

MINUTE_MS = 60_000
WEEK_MS = 7 * DAY_MS
BASELINE_WEEKS = 4
# Bucket widths a chart reads well; the smallest one ≥ range/points is used.
NICE_WIDTHS = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS, HOUR_MS, 2 * HOUR_MS,
               3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS, DAY_MS, 2 * DAY_MS, WEEK_MS, 14 * DAY_MS, 28 * DAY_MS]
MAX_POINTS = 10_000
# What one request may ask for (issue 18, #7): a series or totals over at most MAX_SPAN_DAYS, a
# baseline (an hour-by-hour computation) over at most MAX_BASELINE_DAYS; beyond, 400.
MAX_SPAN_DAYS = 3 * 366
MAX_BASELINE_DAYS = 366


def choose_bucket(span_ms: int, points: int, native_ms: int) -> tuple[str, int]:
    """(source, bucket width): raw readings, hourly or daily rollups."""
    want = max(math.ceil(span_ms / max(points, 1)), native_ms)
    width = next((w for w in NICE_WIDTHS if w >= want), None)
    if width is None:
        width = math.ceil(want / DAY_MS) * DAY_MS
    if width % DAY_MS == 0:
        return "day", width
    if width % HOUR_MS == 0:
        return "hour", width
    return "raw", width


def _align_down(ts: int, width: int) -> int:
    return (ts + CITY_UTC_OFFSET_MS) // width * width - CITY_UTC_OFFSET_MS


def series(session: Session, *, device: str, key: str | None, start: int, end: int, points: int,
           with_baseline: bool = False) -> Series:
    if end <= start:
        raise BadRequest("'to' must be after 'from'", start=start, end=end)
    if not 1 <= points <= MAX_POINTS:
        raise BadRequest(f"points must be between 1 and {MAX_POINTS}", points=points)
    dev = get_device(session, device)
    _check_span(start, end, MAX_BASELINE_DAYS if with_baseline else MAX_SPAN_DAYS,
                "with baseline=true " if with_baseline else "")
    key = key or dev.key
    source, width = choose_bucket(end - start, points, dev.interval_s * 1000)
    lo = _align_down(start, width)
    hi = _align_down(end + width - 1, width)
    if source == "raw":
        t, cols = Reading.ts, (func.min(Reading.value), func.sum(Reading.value), func.max(Reading.value),
                               func.count())
        table = Reading
    else:
        table = HourlyRollup if source == "hour" else DailyRollup
        t, cols = table.bucket, (func.min(table.min), func.sum(table.sum), func.max(table.max),
                                 func.sum(table.count))
    b = ((t + CITY_UTC_OFFSET_MS) // width).label("b")
    q = (select(b, *cols).where(table.device_id == dev.id, table.key == key, t >= lo, t < hi)
         .group_by(b).order_by(b))
    rows = session.execute(q).all()
    finite = [r for r in rows if all(math.isfinite(float(v)) for v in r[1:4])
              and math.isfinite(float(r[2]) / r[4] if r[4] else 0.0)]
    skipped, rows = len(rows) - len(finite), finite
    ts = [int(r[0]) * width - CITY_UTC_OFFSET_MS for r in rows]
    out = Series(device=dev.uid, key=key, unit=dev.unit, resolution=source, bucket_ms=width, ts=ts,
                 min=[float(r[1]) for r in rows], sum=[float(r[2]) for r in rows],
                 max=[float(r[3]) for r in rows], count=[int(r[4]) for r in rows],
                 avg=[float(r[2]) / r[4] if r[4] else 0.0 for r in rows], skipped_nonfinite=skipped)
    if with_baseline and ts:
        base = bucket_baseline(session, dev.id, key, np.array(ts, dtype=np.int64), width)
        out.baseline, out.baseline_low, out.baseline_high = (
            [None if not math.isfinite(v) else round(float(v), 6) for v in arr] for arr in base)
    return out


def hourly_baseline(session: Session, device_id: int, key: str, start: int, end: int):
    """(hour starts, expected, low, high) for [start, end): median of the same hour of the week
    over the previous 4 weeks, band = median ± max(2.5·1.4826·MAD, 15 % of the median)."""
    start = start - start % HOUR_MS
    end = -(-end // HOUR_MS) * HOUR_MS
    n = (end - start) // HOUR_MS
    first = start - BASELINE_WEEKS * WEEK_MS
    rows = session.execute(select(HourlyRollup.bucket, HourlyRollup.sum).where(
        HourlyRollup.device_id == device_id, HourlyRollup.key == key,
        HourlyRollup.bucket >= first, HourlyRollup.bucket < end - WEEK_MS)).all()
    hist = np.full(n + BASELINE_WEEKS * 168, np.nan)
    if rows:
        # Plain lists first: numpy probing SQLAlchemy Row objects as sequences is 100× slower.
        buckets = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        hist[(buckets - first) // HOUR_MS] = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
    samples = np.stack([hist[(BASELINE_WEEKS - k) * 168:(BASELINE_WEEKS - k) * 168 + n]
                        for k in range(1, BASELINE_WEEKS + 1)])
    return np.arange(start, end, HOUR_MS, dtype=np.int64), *band(samples)


def band(samples: np.ndarray):
    """Median and band over axis 0 of weekly samples; NaN where fewer than 2 weeks are known."""
    enough = np.sum(~np.isnan(samples), axis=0) >= 2
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            center = np.nanmedian(samples, axis=0)
            mad = np.nanmedian(np.abs(samples - center), axis=0)
    spread = np.maximum(2.5 * 1.4826 * mad, 0.15 * np.abs(center))
    center = np.where(enough, center, np.nan)
    return center, np.where(enough, np.maximum(center - spread, 0.0), np.nan), center + spread


def bucket_baseline(session: Session, device_id: int, key: str, ts: np.ndarray, width: int):
    """The hourly baseline summed (or split) into the series' buckets."""
    hours, center, low, high = hourly_baseline(session, device_id, key, int(ts[0]), int(ts[-1]) + width)
    if width < HOUR_MS:
        idx = np.clip((ts - hours[0]) // HOUR_MS, 0, len(hours) - 1)
        f = width / HOUR_MS
        return center[idx] * f, low[idx] * f, high[idx] * f
    # Sum the hours inside each bucket; a bucket with an unknown hour has no baseline.
    which = np.searchsorted(ts, hours, side="right") - 1
    ok = which >= 0
    out = []
    for arr in (center, low, high):
        s = np.zeros(len(ts))
        np.add.at(s, which[ok], arr[ok])
        nan = np.zeros(len(ts), dtype=bool)
        np.logical_or.at(nan, which[ok], np.isnan(arr[ok]))
        out.append(np.where(nan, np.nan, s))
    return tuple(out)


def sum_by_device(session: Session, start: int, end: int) -> dict[tuple[int, str], float]:
    """Total per (device, key) in [start, end): daily rollups for whole local days, hourly at the edges."""
    start -= start % HOUR_MS
    end = -(-end // HOUR_MS) * HOUR_MS
    d0 = local_day_start(start)
    d0 = d0 if d0 == start else d0 + DAY_MS
    d1 = local_day_start(end)
    totals: dict[tuple[int, str], float] = {}

    def add(table, t, lo, hi):
        if hi <= lo:
            return
        q = (select(table.device_id, table.key, func.sum(table.sum))
             .where(t >= lo, t < hi).group_by(table.device_id, table.key))
        for d, k, s in session.execute(q):
            if math.isfinite(value := float(s or 0)):
                totals[(d, k)] = totals.get((d, k), 0.0) + value

    if d1 > d0:
        add(DailyRollup, DailyRollup.bucket, d0, d1)
        add(HourlyRollup, HourlyRollup.bucket, start, d0)
        add(HourlyRollup, HourlyRollup.bucket, d1, end)
    else:
        add(HourlyRollup, HourlyRollup.bucket, start, end)
    return totals


def _check_span(start: int, end: int, max_days: int, what: str = "") -> None:
    if end - start > max_days * DAY_MS:
        raise BadRequest(f"A range {what}may span at most {max_days} days", start=start, end=end,
                         max_days=max_days)


def totals(session: Session, *, start: int, end: int) -> Totals:
    if end <= start:
        raise BadRequest("'to' must be after 'from'", start=start, end=end)
    _check_span(start, end, MAX_SPAN_DAYS)
    per_device = sum_by_device(session, start, end)
    meters = session.execute(select(Device.id, Device.key, Device.resource, Device.site_id, Site.name)
                             .outerjoin(Site, Site.id == Device.site_id)
                             .where(Device.resource.is_not(None))).all()
    by_site: dict[tuple[int | None, str], list] = {}
    for dev_id, key, resource, site_id, site_name in meters:
        value = per_device.get((dev_id, key))
        if value is None:
            continue
        row = by_site.setdefault((site_id, resource), [site_name, 0.0])
        row[1] += value
    rows = [TotalRow(site_id=s, site=name, resource=r, unit=UNITS[r], total=round(v, 6))
            for (s, r), (name, v) in sorted(by_site.items(), key=lambda i: (i[0][1], -i[1][1]))]
    city: dict[str, float] = {}
    for row in rows:
        city[row.resource] = round(city.get(row.resource, 0.0) + row.total, 6)
    return Totals(start=start, end=end, rows=rows, by_resource=city)
