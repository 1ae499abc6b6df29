"""Signals' key figures: the intersections in fault now, by the fault's kind, and the period's faults.
GET /api/v1/stats/signals[/period]."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.deps import CurrentUser
from backend.db import SessionDep, utcnow
from backend.errors import BadRequest
from backend.signals import service
from backend.signals import state as st
from backend.signals.models import SignalController as C
from backend.signals.models import SignalFault as F
from backend.stats.periods import MAX_PERIOD, as_utc
from backend_client.schemas.signals import IntersectionInFault, SignalFaultRow, SignalsPeriodStats, SignalsStats
from backend_client.schemas.stats import GroupCount


def live(session: Session, *, now: datetime | None = None) -> SignalsStats:
    now = now or utcnow()
    open_ = F.closed_at.is_(None)
    total = session.scalar(select(func.count()).select_from(C)) or 0
    in_fault = session.scalar(select(func.count(func.distinct(F.controller_id))).where(open_)) or 0
    by_kind = [GroupCount(key=k, count=n) for k, n in session.execute(
        select(F.kind, func.count(func.distinct(F.controller_id))).where(open_).group_by(F.kind)
        .order_by(func.count(func.distinct(F.controller_id)).desc(), F.kind))]
    per_ctl = (select(C.uid, C.name, func.count(F.id), func.min(F.opened_at)).join(F, F.controller_id == C.id)
               .where(open_).group_by(C.id, C.uid, C.name).order_by(func.min(F.opened_at), C.uid).limit(200))
    rows = session.execute(per_ctl).all()
    kinds: dict[str, set[str]] = {}
    for uid, kind in session.execute(select(C.uid, F.kind).join(F, F.controller_id == C.id).where(open_)
                                     .where(C.uid.in_([r[0] for r in rows])).distinct()):
        kinds.setdefault(uid, set()).add(kind)
    listed = [IntersectionInFault(uid=uid, name=name, faults=n, kinds=", ".join(sorted(kinds.get(uid, ()))),
                                  since=since, age_minutes=max(0, int((now - since).total_seconds() // 60)))
              for uid, name, n, since in rows]
    return SignalsStats(intersections=total, in_fault=in_fault, in_fault_by_kind=by_kind, in_fault_list=listed,
                        by_mode=by_mode(session, now))


def by_mode(session: Session, now: datetime) -> list[GroupCount]:
    """The mode is what the live state machine makes of a controller's JSON state (state.mode with
    service.is_offline), read through those functions rather than copied into SQL; a city has dozens."""
    modes: dict[str, int] = {}
    for ctl in session.scalars(select(C)):
        mode = st.mode(ctl.state or {}, offline=service.is_offline(ctl, now))
        modes[mode] = modes.get(mode, 0) + 1
    return [GroupCount(key=k, count=n) for k, n in sorted(modes.items(), key=lambda kv: (-kv[1], kv[0]))]


def period(session: Session, *, start: datetime, end: datetime) -> SignalsPeriodStats:
    made = (F.opened_at >= start, F.opened_at < end)
    opened = session.scalar(select(func.count()).select_from(F).where(*made)) or 0
    closed = session.scalar(select(func.count()).select_from(F).where(F.closed_at >= start, F.closed_at < end)) or 0
    by_kind = [GroupCount(key=k, count=n) for k, n in session.execute(
        select(F.kind, func.count()).where(*made).group_by(F.kind).order_by(func.count().desc(), F.kind))]
    faults = [SignalFaultRow(opened_at=f.opened_at, closed_at=f.closed_at, uid=uid, name=name, kind=f.kind,
                             detail=f.detail)
              for f, uid, name in session.execute(select(F, C.uid, C.name).join(C, C.id == F.controller_id)
                                                  .where(*made).order_by(F.opened_at, F.id).limit(500))]
    return SignalsPeriodStats(start=start, end=end, opened=opened, closed=closed, opened_by_kind=by_kind,
                              faults=faults)


router = APIRouter(prefix="/api/v1/stats/signals", tags=["stats"])


@router.get("", response_model=SignalsStats, operation_id="stats_signals")
def get_live(session: SessionDep, _: CurrentUser) -> SignalsStats:
    return live(session)


@router.get("/period", response_model=SignalsPeriodStats, operation_id="stats_signals_period")
def get_period(session: SessionDep, _: CurrentUser, from_: Annotated[datetime, Query(alias="from")],
               to: datetime) -> SignalsPeriodStats:
    start, end = as_utc(from_), as_utc(to)
    if end <= start or end - start > MAX_PERIOD:
        raise BadRequest(f"The period's end must be after its start and at most {MAX_PERIOD.days} days later")
    return period(session, start=start, end=end)
