"""Public, no login: a section's schedule as iCalendar, and the sections near a point."""

from __future__ import annotations

from typing import Annotated

import shapely
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from backend.cleaning import coverage, ical, schedule, service
from backend.db import SessionDep, utcnow
from backend.works import geo
from backend.works.ratelimit import client_key, limiter
from backend_client.schemas.cleaning import PublicSection, Window
from backend_client.schemas.common import IdParam

router = APIRouter(prefix="/public/cleaning", tags=["public"])
NEAR_M = 300.0


@router.get("/schedule", response_model=list[PublicSection], operation_id="public_cleaning_schedule")
def nearest(request: Request, session: SessionDep, lat: Annotated[float, Query(ge=-90, le=90)],
            lon: Annotated[float, Query(ge=-180, le=180)]) -> list[PublicSection]:
    """Sections within 300 m, nearest first, with their next windows."""
    limiter(request, "cleaning_schedule").hit(client_key(request))
    net, sections = coverage.network(session)
    if not sections:
        return []
    pt = shapely.Point(*geo.to_metres(lon, lat))
    hits = net.tree.query(pt, predicate="dwithin", distance=NEAR_M)
    found = sorted((float(shapely.distance(net.lines[line], pt)), i) for line in hits
                   for i in net.sections_on(int(line)))[:10]
    now = utcnow()
    return [PublicSection(id=sections[i].id, name=sections[i].name, kind=sections[i].kind, distance_m=round(d, 1),
                          next_windows=[Window(start=a, end=b) for a, b in
                                        schedule.next_windows(schedule.parse_rules(sections[i].schedule), now)],
                          calendar=f"/public/cleaning/{sections[i].id}.ics") for d, i in found]


@router.get("/{section_id}.ics", operation_id="public_cleaning_ical",
            responses={200: {"content": {"text/calendar": {}}}})
def calendar(section_id: IdParam, session: SessionDep) -> Response:
    section = service.get_section(session, section_id)
    today = utcnow().astimezone(schedule.CITY_TZ).date()
    return Response(ical.section_calendar(section, today=today), media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600",
                             "Content-Disposition": f'inline; filename="section-{section.id}.ics"'})
