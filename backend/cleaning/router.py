"""/api/v1/cleaning: sections (every role reads, supervisors edit), machines, coverage, fixes over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from backend.auth.deps import CurrentUser, Supervisor
from backend.cleaning import coverage, schedule, service
from backend.db import SessionDep, utcnow
from backend.errors import Unprocessable
from backend_client.schemas.cleaning import (Coverage, SectionCreate, SectionOut, SectionPatch, VehicleDay, VehicleOut,
                                             Window)
from backend_client.schemas.common import IdParam

router = APIRouter(prefix="/api/v1/cleaning", tags=["cleaning"])


def _today() -> date:
    return utcnow().astimezone(schedule.CITY_TZ).date()


@router.get("/sections", response_model=list[SectionOut], operation_id="cleaning_sections_list")
def list_sections(session: SessionDep, _: CurrentUser) -> list[SectionOut]:
    return service.list_sections(session)


@router.post("/sections", response_model=SectionOut, status_code=201, operation_id="cleaning_sections_create")
def create_section(data: SectionCreate, session: SessionDep, user: Supervisor) -> SectionOut:
    section = service.create_section(session, user=user, data=data)
    session.commit()
    return service.to_out(section)


@router.patch("/sections/{section_id}", response_model=SectionOut, operation_id="cleaning_sections_update")
def update_section(section_id: IdParam, patch: SectionPatch, session: SessionDep, user: Supervisor) -> SectionOut:
    section = service.update_section(session, user=user, section_id=section_id, patch=patch)
    session.commit()
    return service.to_out(section)


@router.get("/sections/{section_id}/windows", response_model=list[Window], operation_id="cleaning_section_windows")
def section_windows(section_id: IdParam, session: SessionDep, _: CurrentUser, from_: Annotated[date, Query(alias="from")],
                    to: date) -> list[Window]:
    if (to - from_).days > 400 or to < from_:
        raise Unprocessable("from…to must be an ordered range of at most 400 days")
    rules = schedule.parse_rules(service.get_section(session, section_id).schedule)
    return [Window(start=a, end=b) for a, b in schedule.windows(rules, from_, to)]


@router.get("/coverage", response_model=Coverage, operation_id="cleaning_coverage")
def get_coverage(session: SessionDep, _: CurrentUser, date_: Annotated[date | None, Query(alias="date")] = None
                 ) -> Coverage:
    """Each scheduled window of the city day: done, partly (with the share), missed or not yet due."""
    return coverage.compute(session, day=date_ or _today())


@router.get("/vehicles", response_model=list[VehicleOut], operation_id="cleaning_vehicles_list")
def list_vehicles(session: SessionDep, _: CurrentUser) -> list[VehicleOut]:
    return service.list_vehicles(session)


@router.get("/vehicles/day", response_model=list[VehicleDay], operation_id="cleaning_vehicles_day")
def vehicles_day(session: SessionDep, _: CurrentUser, date_: Annotated[date | None, Query(alias="date")] = None,
                 tracks: bool = False) -> list[VehicleDay]:
    return service.vehicle_days(session, day=date_ or _today(), tracks=tracks)


class FixIn(BaseModel):
    vehicle: str
    ts: int
    lat: float
    lon: float
    speed: float = 0.0
    work: str = "none"


@router.post("/fixes", operation_id="cleaning_fixes_post")
def post_fixes(fixes: list[FixIn], session: SessionDep, _: CurrentUser) -> dict[str, int]:
    """The same fixes as MQTT city/fleet/{id}, over HTTP (where no broker runs)."""
    rows = [service.parse_fix(f.vehicle, f.model_dump(exclude={"vehicle"})) for f in fixes]
    if bad := [i for i, r in enumerate(rows) if r is None]:
        raise Unprocessable(f"Fixes {bad[:10]} are not valid (work must be sweeping, washing, plowing or none)",
                            invalid=bad)
    n = service.ingest_fixes(session, rows)
    session.commit()
    return {"stored": n}
