"""Cleaning's key figures: the section windows missed today (the duty's coverage found them uncleaned when
they ended), by service and kind of work. GET /api/v1/stats/cleaning[/period]."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.deps import CurrentUser
from backend.cleaning import schedule
from backend.cleaning.models import MissedSection as M
from backend.cleaning.models import Section as S
from backend.db import SessionDep, utcnow
from backend.errors import BadRequest
from backend.stats.periods import MAX_PERIOD, as_utc
from backend_client.schemas.cleaning import CleaningPeriodStats, CleaningStats, MissedRow
from backend_client.schemas.stats import GroupCount


def _counts(session: Session, col, *where) -> list[GroupCount]:
    q = (select(col, func.count()).select_from(M).join(S, S.id == M.section_id).where(*where).group_by(col)
         .order_by(func.count().desc(), col))
    return [GroupCount(key=k, count=n) for k, n in session.execute(q)]


def _rows(session: Session, *where) -> list[MissedRow]:
    q = (select(M, S.code, S.name, S.service).join(S, S.id == M.section_id).where(*where)
         .order_by(M.window_start, S.code).limit(500))
    return [MissedRow(section_id=r.section_id, code=code, name=name, service=service, window_start=r.window_start,
                      share=r.share, incident_id=r.incident_id) for r, code, name, service in session.execute(q)]


def live(session: Session, *, now: datetime | None = None) -> CleaningStats:
    today = (now or utcnow()).astimezone(schedule.CITY_TZ).date()
    mine = (M.day == today,)
    by_service = _counts(session, S.service, *mine)
    return CleaningStats(today=today, sections_active=session.scalar(select(func.count()).select_from(S)
                                                                     .where(S.active.is_(True))) or 0,
                         missed_today=sum(g.count for g in by_service), missed_by_service=by_service,
                         missed_by_kind=_counts(session, S.kind, *mine), missed=_rows(session, *mine))


def period(session: Session, *, start: datetime, end: datetime) -> CleaningPeriodStats:
    made = (M.window_start >= start, M.window_start < end)
    by_service = _counts(session, S.service, *made)
    return CleaningPeriodStats(start=start, end=end, missed=sum(g.count for g in by_service),
                               missed_by_service=by_service, rows=_rows(session, *made))


router = APIRouter(prefix="/api/v1/stats/cleaning", tags=["stats"])


@router.get("", response_model=CleaningStats, operation_id="stats_cleaning")
def get_live(session: SessionDep, _: CurrentUser) -> CleaningStats:
    return live(session)


@router.get("/period", response_model=CleaningPeriodStats, operation_id="stats_cleaning_period")
def get_period(session: SessionDep, _: CurrentUser, from_: Annotated[datetime, Query(alias="from")],
               to: datetime) -> CleaningPeriodStats:
    start, end = as_utc(from_), as_utc(to)
    if end <= start or end - start > MAX_PERIOD:
        raise BadRequest(f"The period's end must be after its start and at most {MAX_PERIOD.days} days later")
    return period(session, start=start, end=end)
