"""Energy's key figures: the city's use today against the expected, buildings in alarm, the period's alarms.
GET /api/v1/stats/energy[/period]."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.auth.deps import CurrentUser
from backend.db import SessionDep
from backend.energy import service
from backend.energy.models import Alarm
from backend.stats.periods import MAX_PERIOD, as_utc
from backend.errors import BadRequest
from backend.telemetry.models import Device, Site
from backend_client.schemas.energy import Overview
from backend_client.schemas.stats import (AlarmRow, BuildingInAlarm, EnergyPeriodStats, EnergyStats, GroupCount,
                                          ResourceUse)

SEVERITIES = ("critical", "major", "minor", "warning")
# Use and baseline move a quarter hour at a time (meters report when a quarter ends) and cost a pass over
# four weeks of hourly rollups: one computation serves every wall for this long. Alarms are read fresh.
USE_TTL_S = 30.0
_use_cache: dict[str, tuple[float, Overview]] = {}
_use_lock = threading.Lock()


def _overview(session: Session, now_ms: int | None) -> Overview:
    if now_ms is not None:
        return service.overview(session, now_ms=now_ms, top=1)
    key = str(session.get_bind().url)
    with _use_lock:
        hit = _use_cache.get(key)
    if hit is not None and time.monotonic() - hit[0] < USE_TTL_S:
        return hit[1]
    ov = service.overview(session, top=1)
    with _use_lock:
        _use_cache[key] = (time.monotonic(), ov)
    return ov


def live(session: Session, *, now_ms: int | None = None) -> EnergyStats:
    ov = _overview(session, now_ms)
    rank = case(*((Alarm.severity == s, i) for i, s in enumerate(SEVERITIES)), else_=len(SEVERITIES))
    q = (select(Alarm.site_id, Site.name, func.count(), func.min(rank))
         .outerjoin(Site, Site.id == Alarm.site_id).where(Alarm.state != "cleared")
         .group_by(Alarm.site_id, Site.name).order_by(func.min(rank), func.count().desc(), Site.name))
    buildings = [BuildingInAlarm(site_id=sid, site=name or "—", alarms=n,
                                 worst=SEVERITIES[r] if r < len(SEVERITIES) else "warning")
                 for sid, name, n, r in session.execute(q)]
    active = sum(b.alarms for b in buildings)
    return EnergyStats(now=ov.now, day_start=ov.day_start, active_alarms=active,
                       buildings_in_alarm=buildings,
                       resources=[ResourceUse(resource=r.resource, unit=r.unit, used=r.used, expected=r.baseline,
                                              deviation=round(r.used / r.baseline - 1, 4) if r.baseline else None)
                                  for r in ov.resources])


def period(session: Session, *, start: datetime, end: datetime) -> EnergyPeriodStats:
    made = (Alarm.raised_at >= start, Alarm.raised_at < end)

    def counts(col) -> list[GroupCount]:
        rows = session.execute(select(col, func.count()).where(*made).group_by(col).order_by(func.count().desc(), col))
        return [GroupCount(key=k, count=n) for k, n in rows]

    q = (select(Alarm, Device.uid, Site.name).join(Device, Device.id == Alarm.device_id)
         .outerjoin(Site, Site.id == Alarm.site_id).where(*made).order_by(Alarm.raised_at, Alarm.id).limit(500))
    rows = [AlarmRow(raised_at=a.raised_at, site=site or "—", device=uid, type=a.type, severity=a.severity,
                     state=a.state, message=a.message) for a, uid, site in session.execute(q)]
    raised = session.scalar(select(func.count()).select_from(Alarm).where(*made)) or 0
    return EnergyPeriodStats(start=start, end=end, raised=raised, by_severity=counts(Alarm.severity),
                             by_type=counts(Alarm.type), alarms=rows)


router = APIRouter(prefix="/api/v1/stats/energy", tags=["stats"])


@router.get("", response_model=EnergyStats, operation_id="stats_energy")
def get_live(session: SessionDep, _: CurrentUser) -> EnergyStats:
    return live(session)


@router.get("/period", response_model=EnergyPeriodStats, operation_id="stats_energy_period")
def get_period(session: SessionDep, _: CurrentUser, from_: Annotated[datetime, Query(alias="from")],
               to: datetime) -> EnergyPeriodStats:
    start, end = as_utc(from_), as_utc(to)
    if end <= start or end - start > MAX_PERIOD:
        raise BadRequest(f"The period's end must be after its start and at most {MAX_PERIOD.days} days later")
    return period(session, start=start, end=end)
