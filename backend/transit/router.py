"""/api/v1/transit: stops with boards, arrivals, routes, vehicles, the Marey chart, service alerts, ingest counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request

from backend.auth.deps import CurrentUser, require_role
from backend.auth.models import User
from backend.db import SessionDep
from backend.etag import parse_if_match
from backend.transit import gtfsrt, service
from backend.transit.ingest import stored_drops
from backend.transit.models import Vehicle
from backend_client.schemas.common import ErrorBody
from backend_client.schemas.transit import (AlertIn, AlertOut, AlertPatch, Arrivals, IngestStats, Marey, RouteDetail,
                                            RouteOut, StopOut, VehicleOut)

# Every view of the schedule answers 404 until a GTFS feed has been imported.
router = APIRouter(prefix="/api/v1/transit", tags=["transit"],
                   responses={404: {"description": "No GTFS feed imported yet, or no such stop, route or alert"}})
Dispatcher = Annotated[User, require_role("dispatcher")]


@router.get("/stops", response_model=list[StopOut], operation_id="transit_stops")
def list_stops(session: SessionDep, _: CurrentUser, smart: bool = False) -> list[StopOut]:
    """All stops of the active schedule (smart=true: only the stops with a board)."""
    return service.list_stops(session, smart=smart)


@router.get("/stops/{stop_id}/arrivals", response_model=Arrivals, operation_id="transit_stop_arrivals")
def stop_arrivals(stop_id: str, session: SessionDep, _: CurrentUser,
                  limit: int = Query(12, ge=1, le=50)) -> Arrivals:
    return service.stop_arrivals(session, stop_id=stop_id, limit=limit)


@router.get("/routes", response_model=list[RouteOut], operation_id="transit_routes")
def list_routes(session: SessionDep, _: CurrentUser) -> list[RouteOut]:
    return service.list_routes(session)


@router.get("/routes/{route_id}", response_model=RouteDetail, operation_id="transit_route")
def get_route(route_id: str, session: SessionDep, _: CurrentUser) -> RouteDetail:
    return service.route_detail(session, route_id=route_id)


@router.get("/routes/{route_id}/marey", response_model=Marey, operation_id="transit_route_marey")
def route_marey(route_id: str, session: SessionDep, _: CurrentUser, direction_id: int = 0,
                hours: float = 2.0) -> Marey:
    return service.marey(session, route_id=route_id, direction_id=direction_id, hours=hours)


@router.get("/vehicles", response_model=list[VehicleOut], operation_id="transit_vehicles")
def list_vehicles(session: SessionDep, _: CurrentUser, route_id: str | None = None) -> list[VehicleOut]:
    return service.list_vehicles(session, route_id=route_id)


@router.get("/ingest", response_model=IngestStats, operation_id="transit_ingest_stats")
def ingest_stats(session: SessionDep, _: CurrentUser) -> IngestStats:
    """Positions dropped per reason (since the database was made) and buses known."""
    from sqlalchemy import func, select

    return IngestStats(dropped=stored_drops(session), vehicles=session.scalar(select(func.count()).select_from(Vehicle)))


@router.get("/alerts", response_model=list[AlertOut], operation_id="transit_alerts")
def list_alerts(session: SessionDep, _: CurrentUser, active: bool = False) -> list[AlertOut]:
    return service.list_alerts(session, active_only=active)


@router.post("/alerts", response_model=AlertOut, status_code=201, operation_id="transit_alert_create")
def create_alert(data: AlertIn, request: Request, session: SessionDep, user: Dispatcher) -> AlertOut:
    out = service.create_alert(session, user=user, data=data)
    session.commit()
    gtfsrt.cache_for(request.app).invalidate("alerts")
    return out


def _version(if_match: str | None) -> int | None:
    """The alert version the client edited, read as RFC 9110 says (`*`, lists, strong comparison, as
    incidents do): None = no precondition; a header no version can satisfy gives 0, which never matches."""
    parsed = parse_if_match(if_match)
    if parsed is None or parsed.any:
        return None
    versions = parsed.versions()
    return versions[0] if versions else 0


@router.patch("/alerts/{alert_id}", response_model=AlertOut, operation_id="transit_alert_update",
              responses={code: {"model": ErrorBody} for code in (400, 404, 412)})
def update_alert(alert_id: int, patch: AlertPatch, request: Request, session: SessionDep, user: Dispatcher,
                 if_match: Annotated[str | None, Header(alias="If-Match")] = None) -> AlertOut:
    out = service.update_alert(session, user=user, alert_id=alert_id, patch=patch,
                               expected_version=_version(if_match))
    session.commit()
    gtfsrt.cache_for(request.app).invalidate("alerts")
    return out


@router.post("/alerts/{alert_id}/end", response_model=AlertOut, operation_id="transit_alert_end")
def end_alert(alert_id: int, request: Request, session: SessionDep, user: Dispatcher) -> AlertOut:
    out = service.end_alert(session, user=user, alert_id=alert_id)
    session.commit()
    gtfsrt.cache_for(request.app).invalidate("alerts")
    return out
