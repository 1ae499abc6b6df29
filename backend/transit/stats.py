"""Transit's key figures: the buses on their trips within the schedule adherence limits, and the stop
boards gone silent. GET /api/v1/stats/transit."""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from backend.auth.deps import CurrentUser
from backend.db import SessionDep
from backend.transit import clock, live
from backend.transit import models as m
from backend.transit.service import EARLY_LIMIT_S, LATE_LIMIT_S
from backend_client.schemas.stats import GroupCount
from backend_client.schemas.transit import BoardDown, RouteOnTime, TransitStats


def live_figures(session: Session, *, now_ms: int | None = None) -> TransitStats:
    t = clock.now_ms() if now_ms is None else now_ms
    V = m.Vehicle
    # A bus counts while it reports (like the Transport panel) and the tracker has put it on a trip.
    on_trip = (V.ts >= t - live.SILENT_MS, V.trip_id.is_not(None), V.delay_s.is_not(None))
    ok = func.sum(case((and_(V.delay_s >= -EARLY_LIMIT_S, V.delay_s <= LATE_LIMIT_S), 1), else_=0))
    feed = select(m.Feed.id).where(m.Feed.active.is_(True)).limit(1).scalar_subquery()
    q = (select(V.route_id, func.coalesce(func.max(m.Route.short_name), V.route_id), func.count(), ok)
         .outerjoin(m.Route, and_(m.Route.route_id == V.route_id, m.Route.feed_id == feed))
         .where(*on_trip).group_by(V.route_id).order_by(V.route_id))
    by_route = [RouteOnTime(route_id=rid or "", short_name=short or "", buses=n, on_time=int(k or 0))
                for rid, short, n, k in session.execute(q)]
    buses = sum(r.buses for r in by_route)
    on_time = sum(r.on_time for r in by_route)
    total, down = session.execute(select(func.count(), func.sum(case((m.Board.silent.is_(True), 1), else_=0)))
                                  .select_from(m.Board)).one()
    now = datetime.fromtimestamp(t / 1000, timezone.utc)
    boards = [BoardDown(stop_id=b.stop_id, name=b.name, last_seen_at=b.last_seen_at,
                        silent_minutes=int((now - b.last_seen_at).total_seconds() // 60) if b.last_seen_at else None)
              for b in session.scalars(select(m.Board).where(m.Board.silent.is_(True))
                                       .order_by(m.Board.last_seen_at, m.Board.stop_id).limit(200))]
    faults = [GroupCount(key=k, count=n) for k, n in session.execute(
        select(m.Fault.kind, func.count()).group_by(m.Fault.kind).order_by(func.count().desc(), m.Fault.kind))]
    return TransitStats(now_ms=t, buses_on_trip=buses, buses_on_time=on_time,
                        on_time=round(on_time / buses, 4) if buses else None, by_route=by_route,
                        boards_total=total or 0, boards_down=int(down or 0), boards_down_list=boards,
                        faults_by_kind=faults)


router = APIRouter(prefix="/api/v1/stats/transit", tags=["stats"])


@router.get("", response_model=TransitStats, operation_id="stats_transit")
def get_live(session: SessionDep, _: CurrentUser) -> TransitStats:
    return live_figures(session)
