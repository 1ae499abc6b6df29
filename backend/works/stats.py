"""Works' key figures: open excavation incidents whose dig has no permit (by the permit check's verdict),
and the permits whose surface restoration is overdue. GET /api/v1/stats/works[/period]."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.deps import CurrentUser
from backend.db import SessionDep, utcnow
from backend.errors import BadRequest
from backend.incidents.models import Incident
from backend.stats.periods import MAX_PERIOD, as_utc
from backend.works.models import IncidentCheck as K
from backend.works.models import Permit as P
from backend.works.service import city_today
from backend_client.schemas.incidents import OPEN_STATUSES, incident_number
from backend_client.schemas.stats import GroupCount
from backend_client.schemas.works import (DigWithoutPermit, OverdueRestoration, WorksPeriodStats, WorksStats)


def _counts(session: Session, q) -> list[GroupCount]:
    return [GroupCount(key=k, count=n) for k, n in session.execute(q)]


def live(session: Session, *, now: datetime | None = None) -> WorksStats:
    now = now or utcnow()
    today = city_today(now)
    open_ = (Incident.status.in_(OPEN_STATUSES),)
    by_verdict = _counts(session, select(K.verdict, func.count()).join(Incident, Incident.id == K.incident_id)
                         .where(*open_).group_by(K.verdict).order_by(func.count().desc(), K.verdict))
    rows = session.execute(select(Incident.id, Incident.address, K.checked_at).join(K, K.incident_id == Incident.id)
                           .where(*open_, K.verdict == "no_permit").order_by(K.checked_at, Incident.id).limit(200))
    listed = [DigWithoutPermit(incident_id=i, number=incident_number(i), address=a, checked_at=at,
                               age_minutes=max(0, int((now - at).total_seconds() // 60))) for i, a, at in rows]
    overdue_q = (P.restore_by < today, P.status != "closed")
    overdue_n = session.scalar(select(func.count()).select_from(P).where(*overdue_q)) or 0
    overdue = [OverdueRestoration(permit_id=p.id, number=p.number, contractor=p.contractor, address=p.address,
                                  restore_by=p.restore_by, days_overdue=(today - p.restore_by).days)
               for p in session.scalars(select(P).where(*overdue_q).order_by(P.restore_by, P.id).limit(200))]
    return WorksStats(today=today, open_without_permit=next((g.count for g in by_verdict if g.key == "no_permit"), 0),
                      open_by_verdict=by_verdict, without_permit=listed,
                      permits_by_status=_counts(session, select(P.status, func.count()).group_by(P.status)
                                                .order_by(func.count().desc(), P.status)),
                      restoration_overdue=overdue_n, overdue=overdue)


def period(session: Session, *, start: datetime, end: datetime) -> WorksPeriodStats:
    made = (K.checked_at >= start, K.checked_at < end)
    by_verdict = _counts(session, select(K.verdict, func.count()).where(*made).group_by(K.verdict)
                         .order_by(func.count().desc(), K.verdict))
    granted = session.scalar(select(func.count()).select_from(P).where(P.valid_from >= start, P.valid_from < end,
                                                                        P.status != "applied")) or 0
    return WorksPeriodStats(start=start, end=end, checked=sum(g.count for g in by_verdict),
                            checked_by_verdict=by_verdict, permits_granted=granted)


router = APIRouter(prefix="/api/v1/stats/works", tags=["stats"])


@router.get("", response_model=WorksStats, operation_id="stats_works")
def get_live(session: SessionDep, _: CurrentUser) -> WorksStats:
    return live(session)


@router.get("/period", response_model=WorksPeriodStats, operation_id="stats_works_period")
def get_period(session: SessionDep, _: CurrentUser, from_: Annotated[datetime, Query(alias="from")],
               to: datetime) -> WorksPeriodStats:
    start, end = as_utc(from_), as_utc(to)
    if end <= start or end - start > MAX_PERIOD:
        raise BadRequest(f"The period's end must be after its start and at most {MAX_PERIOD.days} days later")
    return period(session, start=start, end=end)
