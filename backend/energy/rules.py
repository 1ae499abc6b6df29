"""Alarm rules over the hourly rollups: above the band, night use, leaks, silent meters.

`evaluate(session)` looks at every meter once and raises or clears alarms; `AlarmRulesService`
runs it every minute inside the server when ingestion is on.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from backend.citytime import CITY_UTC_OFFSET_MS, HOUR_MS
from backend.energy.alarms import active_alarm, clear_alarm, raise_alarm
from backend.energy.series import WEEK_MS, band
from backend.energy.silence import escalate as escalate_silence
from backend.telemetry.models import Device, HourlyRollup, Site

log = logging.getLogger(__name__)

WINDOW_H = 24            # hours of hourly rollups every rule may look at
SUSTAINED_H = 4          # over_baseline: this many complete hours in a row above the band
OVER_FACTOR = 1.3        # ... and at least this much above the expected value
NIGHT_H = 2              # night_use: closed hours in a row with use
NIGHT_SHARE = 0.4        # ... above this share of the busy-hour level (p90 of the last week)
LEAK_H = 24              # water_leak: the flow never stopped in this many hours
LEAK_EPS = 1e-3          # m³ per reading that still counts as "no flow"
SILENT_INTERVALS = 3     # silent_meter: nothing heard for this many reporting intervals (≥ 30 min)


def _hourly(session: Session, ids: list[int], start: int, end: int) -> dict[tuple[int, str], dict[int, tuple]]:
    out: dict[tuple[int, str], dict[int, tuple]] = {}
    q = select(HourlyRollup.device_id, HourlyRollup.key, HourlyRollup.bucket, HourlyRollup.sum,
               HourlyRollup.min, HourlyRollup.count).where(
        HourlyRollup.device_id.in_(ids), HourlyRollup.bucket >= start, HourlyRollup.bucket < end)
    for d, k, b, s, mn, c in session.execute(q):
        out.setdefault((d, k), {})[int(b)] = (float(s), float(mn), int(c))
    return out


def site_closed(site: Site | None, hour_start_ms: int) -> bool:
    if site is None:
        return False
    local = datetime.fromtimestamp((hour_start_ms + CITY_UTC_OFFSET_MS) / 1000, timezone.utc)
    return str(local.weekday()) not in site.open_days or not site.open_hour <= local.hour < site.close_hour


def _run_start(flags: list[bool], hours: np.ndarray) -> int:
    """Start of the run of True at the end of flags."""
    i = len(flags) - 1
    while i > 0 and flags[i - 1]:
        i -= 1
    return int(hours[i])


def evaluate(session: Session, *, now_ms: int | None = None) -> dict[str, int]:
    """Raise and clear alarms of every active meter as of now_ms; the caller commits."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    now = datetime.fromtimestamp(now_ms / 1000, timezone.utc)
    h_end = now_ms - now_ms % HOUR_MS  # rules look at complete hours only
    hours = np.arange(h_end - WINDOW_H * HOUR_MS, h_end, HOUR_MS, dtype=np.int64)
    meters = session.execute(select(Device, Site).outerjoin(Site, Site.id == Device.site_id)
                             .where(Device.active.is_(True), Device.resource.is_not(None))).all()
    if not meters:
        return {}
    ids = [d.id for d, _ in meters]
    recent = _hourly(session, ids, int(hours[0]), h_end)
    past = [_hourly(session, ids, int(hours[-SUSTAINED_H]) - k * WEEK_MS, h_end - k * WEEK_MS) for k in range(1, 5)]
    week = _hourly(session, [d.id for d, _ in meters if d.resource == "electricity"], h_end - WEEK_MS, h_end)
    counts = {"raised_or_kept": 0, "cleared": 0}

    def keep(device, type_, severity, message, start, value=None, threshold=None, **params):
        # The code is the rule's: clients translate "energy.<type>" with these params.
        raise_alarm(session, device=device, type_=type_, severity=severity, message=message,
                    period_start=start, value=value, threshold=threshold,
                    code=f"energy.{type_}", params=params, now=now)
        counts["raised_or_kept"] += 1

    def clear(device, type_, end):
        alarm = active_alarm(session, device.id, type_)
        if alarm is not None:
            clear_alarm(session, alarm, period_end=end, now=now)
            counts["cleared"] += 1

    # Expected use of the last hours per meter, and per resource the city's actual/expected.
    expected: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    ratios: dict[str, list[float]] = {}
    for device, _ in meters:
        rows = recent.get((device.id, device.key), {})
        tail_h = hours[-SUSTAINED_H:]
        samples = np.array([[p.get((device.id, device.key), {}).get(int(h) - (k + 1) * WEEK_MS, (np.nan,))[0]
                             for h in tail_h] for k, p in enumerate(past)])
        center, _, high = band(samples)
        tail = np.array([rows.get(int(h), (np.nan,))[0] for h in tail_h])
        expected[device.id] = (center, high, tail)
        ok = ~np.isnan(center) & ~np.isnan(tail) & (center > 0)
        if ok.any():
            ratios.setdefault(device.resource, []).append(float(tail[ok].sum() / center[ok].sum()))
    # The median meter: one wasteful building does not move it; a cold snap does.
    city_ratio = {r: float(np.median(v)) for r, v in ratios.items() if len(v) >= 10}

    for device, site in meters:
        rows = recent.get((device.id, device.key), {})
        vals = np.array([rows.get(int(h), (np.nan, np.nan, 0))[0] for h in hours])
        mins = np.array([rows.get(int(h), (np.nan, np.nan, 0))[1] for h in hours])

        # Silent meter: nothing heard for a few reporting intervals.
        if device.last_seen_at is not None:
            silent_ms = now_ms - int(device.last_seen_at.timestamp() * 1000)
            if silent_ms > max(SILENT_INTERVALS * device.interval_s * 1000, 30 * 60_000):
                keep(device, "silent_meter", "warning", f"No readings for {silent_ms // 60_000} min",
                     int(device.last_seen_at.timestamp() * 1000), minutes=silent_ms // 60_000)
            else:
                clear(device, "silent_meter", int(device.last_seen_at.timestamp() * 1000))

        # Above the baseline band for SUSTAINED_H complete hours, beyond what the whole city
        # shows (a cold snap raises every building's heat; that is weather, not waste).
        tail_h = hours[-SUSTAINED_H:]
        center, high, tail = expected[device.id]
        city = max(1.0, city_ratio.get(device.resource, 1.0))
        with np.errstate(invalid="ignore"):
            over = (~np.isnan(center)) & (center > 0) & (tail > np.maximum(high, OVER_FACTOR * center) * city)
        if over.all():
            ratio = float(np.mean(tail / center))
            severity = "critical" if ratio >= 2 * city else "major" if ratio >= 1.5 * city else "minor"
            keep(device, "over_baseline", severity,
                 f"{ratio:.1f}× the expected use for {SUSTAINED_H} h", int(tail_h[0]),
                 value=float(tail[-1]), threshold=float(high[-1] * city), ratio=round(ratio, 1), hours=SUSTAINED_H)
        elif not np.isnan(tail[-1]) and not over[-1]:
            clear(device, "over_baseline", int(tail_h[-1]))

        # Electricity while the building is closed.
        if device.resource == "electricity" and site is not None:
            wk = np.array([v[0] for v in week.get((device.id, device.key), {}).values()])
            level = float(np.percentile(wk, 90)) if len(wk) >= 24 else np.nan
            thr = NIGHT_SHARE * level
            closed = [site_closed(site, int(h)) for h in hours]
            using = [bool(c and v > thr) for c, v in zip(closed, vals)] if level > 0 else [False] * len(hours)
            if all(using[-NIGHT_H:]):
                keep(device, "night_use", "major", f"{vals[-1]:.1f} {device.unit} in the last closed hour",
                     _run_start(using, hours), value=float(vals[-1]), threshold=thr,
                     amount=round(float(vals[-1]), 1), unit=device.unit)
            elif not np.isnan(vals[-1]) and not using[-1]:
                clear(device, "night_use", int(hours[-1]))

        # Water that never stops flowing.
        if device.resource == "water":
            flowing = [bool(m > LEAK_EPS) for m in mins]
            if all(flowing[-LEAK_H:]):
                keep(device, "water_leak", "critical",
                     f"Water flowed without a pause for {LEAK_H} h (lowest {np.nanmin(mins):.3f} {device.unit})",
                     _run_start(flowing, hours), value=float(np.nanmin(mins)), threshold=LEAK_EPS,
                     hours=LEAK_H, lowest=round(float(np.nanmin(mins)), 3), unit=device.unit)
            elif not np.isnan(mins[-1]) and not flowing[-1]:
                clear(device, "water_leak", int(hours[-1]))
    try:  # silent meters become incidents, one per building; a failure there must not cost the alarms
        with session.begin_nested():
            escalate_silence(session, now=now)
    except Exception:
        log.exception("silent meters' incidents not updated")
    return counts


class AlarmRulesService:
    """Evaluates the rules every `interval_s` seconds on its own thread."""

    def __init__(self, sm: sessionmaker[Session], interval_s: float = 60.0) -> None:
        self.sm = sm
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sc-energy-rules", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                with self.sm() as session:
                    evaluate(session)
                    session.commit()
            except Exception:  # a bad evaluation must not end the rules for good
                log.exception("energy rules evaluation failed")


def rules_service(app) -> AlarmRulesService | None:
    settings = app.state.settings
    if not settings.run_ingest:
        return None
    return AlarmRulesService(app.state.sessionmaker)
