"""/api/v1/works: the permit registry (every role reads, supervisors edit), the legality check,
excavation incidents' verdicts and violations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from backend.auth.deps import CurrentUser, Supervisor
from backend.db import SessionDep
from backend.errors import Unprocessable
from backend.works import check as checker
from backend.works import incidents as works_incidents
from backend.works import service
from backend_client.schemas.works import (CheckResult, ImportResult, IncidentCheck, PermitCreate, PermitOut,
                                          PermitPatch, ViolationCreate, WorksSummary)
from backend_client.schemas.common import IdParam, UtcDateTime

router = APIRouter(prefix="/api/v1/works", tags=["works"])
Lat = Annotated[float, Query(ge=-90, le=90)]
Lon = Annotated[float, Query(ge=-180, le=180)]


@router.get("/permits", response_model=list[PermitOut], operation_id="works_permits_list")
def list_permits(session: SessionDep, _: CurrentUser, status: Annotated[list[str] | None, Query()] = None,
                 q: str | None = None, limit: int = Query(5000, ge=1, le=20000)) -> list[PermitOut]:
    return service.list_permits(session, status=status, q=q, limit=limit)


@router.get("/permits/{permit_id}", response_model=PermitOut, operation_id="works_permits_get")
def get_permit(permit_id: IdParam, session: SessionDep, _: CurrentUser) -> PermitOut:
    return service.to_out(service.get_permit(session, permit_id))


@router.post("/permits", response_model=PermitOut, status_code=201, operation_id="works_permits_create")
def create_permit(data: PermitCreate, session: SessionDep, user: Supervisor) -> PermitOut:
    permit = service.create_permit(session, user=user, data=data)
    session.commit()
    return service.to_out(permit)


@router.patch("/permits/{permit_id}", response_model=PermitOut, operation_id="works_permits_update")
def update_permit(permit_id: IdParam, patch: PermitPatch, session: SessionDep, user: Supervisor) -> PermitOut:
    permit = service.update_permit(session, user=user, permit_id=permit_id, patch=patch)
    session.commit()
    return service.to_out(permit)


@router.post("/permits/import", response_model=ImportResult, operation_id="works_permits_import")
async def import_permits(request: Request, session: SessionDep, user: Supervisor,
                         format: Literal["csv", "geojson"] = "csv") -> ImportResult:
    """The raw file as the body (text/csv or application/geo+json); all rows or none."""
    body = await request.body()
    if not body:
        raise Unprocessable("Send the registry file as the request body")
    result = service.import_permits(session, user=user, body=body, fmt=format)
    session.commit()
    return result


@router.get("/summary", response_model=WorksSummary, operation_id="works_summary")
def summary(session: SessionDep, _: CurrentUser) -> WorksSummary:
    return service.summary(session)


@router.get("/check", response_model=CheckResult, operation_id="works_check")
def check(session: SessionDep, _: CurrentUser, lat: Lat, lon: Lon, at: UtcDateTime | None = None) -> CheckResult:
    """Is a dig at (lat, lon) legal at `at` (default now)? With the permits within 100 m."""
    return checker.check(session, lat=lat, lon=lon, at=at)


@router.get("/incidents/{incident_id}/check", response_model=IncidentCheck, operation_id="works_incident_check")
def incident_check(incident_id: IdParam, session: SessionDep, _: CurrentUser) -> IncidentCheck:
    return works_incidents.check_out(works_incidents.get_check(session, incident_id=incident_id))


@router.post("/incidents/{incident_id}/violation", response_model=IncidentCheck,
             operation_id="works_incident_violation")
def record_violation(incident_id: IdParam, data: ViolationCreate, session: SessionDep, user: CurrentUser) -> IncidentCheck:
    row = works_incidents.record_violation(session, user=user, incident_id=incident_id, note=data.note)
    session.commit()
    return works_incidents.check_out(row)
