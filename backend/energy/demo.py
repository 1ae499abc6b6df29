"""Demo: the alarms the rules would have raised for the demo city's injected meter faults."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy.orm import Session, sessionmaker

from backend.citytime import DAY_MS, HOUR_MS
from backend.domain import DemoSeed
from backend.energy.alarms import clear_alarm, list_alarms, raise_alarm
from backend.telemetry.service import get_device
from resources.city.meters import Q_MS, SHORT, faults

# type, severity, English message, its code and params (as the rules write them)
KINDS = {"heat": ("over_baseline", "critical", "2.6× the expected use for 20 h",
                  "energy.over_baseline", {"ratio": 2.6, "hours": 20}),
         "water": ("water_leak", "critical", "Water flowed without a pause for 24 h",
                   "energy.water_leak", {"hours": 24}),
         "electricity": ("night_use", "major", "Lights left on in the closed building",
                         "energy.night_lights", {})}


def seed_demo(demo: DemoSeed) -> None:
    seed_fault_alarms(demo.maker)


def seed_fault_alarms(maker: sessionmaker[Session], *, now_ms: int | None = None) -> int:
    """Raise (and, for faults that are over, clear) each fault's alarm unless it has one; returns how many."""
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    end = now_ms - now_ms % Q_MS
    made = 0
    with maker() as s:
        for f in faults(end):
            uid = f"{f.code}-{SHORT[f.resource]}"
            if f.silent:
                type_, sev, msg, code, params = ("silent_meter", "warning", "No readings for 480 min",
                                                 "energy.silent_meter", {"minutes": 480})
            elif f.code == "kur-sport-2":
                type_, sev, msg, code, params = ("over_baseline", "major", "1.8× the expected use for 48 h",
                                                 "energy.over_baseline", {"ratio": 1.8, "hours": 48})
            else:
                type_, sev, msg, code, params = KINDS[f.resource]
            if any(a.type == type_ for a in list_alarms(s, device=uid)):
                continue
            # The rules notice a leak after a day and an excess after a few hours.
            noticed = f.start + (DAY_MS if type_ == "water_leak" else 4 * HOUR_MS)
            at = datetime.fromtimestamp(min(noticed, end) / 1000, timezone.utc)
            alarm = raise_alarm(s, device=get_device(s, uid), type_=type_, severity=sev, message=msg,
                                code=code, params=params, period_start=f.start, now=at)
            if f.end is not None and f.end <= end:
                clear_alarm(s, alarm, period_end=f.end, now=datetime.fromtimestamp(f.end / 1000, timezone.utc))
            made += 1
        s.commit()
    return made
