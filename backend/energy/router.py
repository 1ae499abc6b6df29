"""/api/v1/energy: series, totals, the city overview, alarms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from backend.auth.deps import CurrentUser
from backend.db import SessionDep
from backend.energy import alarms, series as series_mod, service
from backend.energy.alarms import to_out
from backend.energy.models import Alarm
from backend.telemetry.models import Device, Site
from backend_client.schemas.common import EpochMs, ErrorBody, IdParam, UtcDateTime
from backend_client.schemas.energy import AlarmOut, Overview, Series, Totals

router = APIRouter(prefix="/api/v1/energy", tags=["energy"])


def _ms(value: datetime | int) -> int:
    return value if isinstance(value, int) else int(value.timestamp() * 1000)


# Epoch ms or an ISO time with zone, both within the sane years (backend_client.schemas.common).
Instant = Annotated[EpochMs | UtcDateTime, Query(description="epoch ms or an ISO 8601 time with zone")]
From = Annotated[EpochMs | UtcDateTime, Query(alias="from", description="epoch ms or an ISO 8601 time with zone")]
ERRORS = {code: {"model": ErrorBody} for code in (400, 401, 404, 422)}


@router.get("/series", response_model=Series, operation_id="energy_series", responses=ERRORS)
def get_series(session: SessionDep, _: CurrentUser, device: str,
               from_: From, to: Instant, key: str | None = None,
               points: Annotated[int, Query(ge=1, le=series_mod.MAX_POINTS)] = 1000,
               baseline: bool = False) -> Series:
    """At most about `points` buckets (min, avg, max, sum) from raw readings or rollups; a range of
    at most MAX_SPAN_DAYS (MAX_BASELINE_DAYS with baseline=true), else 400."""
    return series_mod.series(session, device=device, key=key, start=_ms(from_), end=_ms(to),
                             points=points, with_baseline=baseline)


@router.get("/totals", response_model=Totals, operation_id="energy_totals", responses=ERRORS)
def get_totals(session: SessionDep, _: CurrentUser,
               from_: From, to: Instant) -> Totals:
    return series_mod.totals(session, start=_ms(from_), end=_ms(to))


@router.get("/overview", response_model=Overview, operation_id="energy_overview")
def get_overview(session: SessionDep, _: CurrentUser, top: int = Query(5, ge=1, le=50)) -> Overview:
    return service.overview(session, top=top)


@router.get("/alarms", response_model=list[AlarmOut], operation_id="energy_alarms_list")
def list_alarms(session: SessionDep, _: CurrentUser, state: str | None = None, device: str | None = None,
                site_id: Annotated[IdParam | None, Query()] = None,
                from_: Annotated[EpochMs | UtcDateTime | None, Query(alias="from")] = None,
                to: Annotated[EpochMs | UtcDateTime | None, Query()] = None, limit: int = Query(500, ge=1, le=5000)) -> list[AlarmOut]:
    return alarms.list_alarms(session, state=state, device=device, site_id=site_id,
                              start=None if from_ is None else _ms(from_), end=None if to is None else _ms(to),
                              limit=limit)


@router.post("/alarms/{alarm_id}/ack", response_model=AlarmOut, operation_id="energy_alarms_ack")
def ack_alarm(alarm_id: Annotated[IdParam, Path()], session: SessionDep, user: CurrentUser) -> AlarmOut:
    alarm: Alarm = alarms.acknowledge(session, alarm_id=alarm_id, user=user)
    session.commit()
    device = session.get(Device, alarm.device_id)
    return to_out(alarm, device, session.get(Site, alarm.site_id) if alarm.site_id else None)
