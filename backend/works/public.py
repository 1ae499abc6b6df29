"""Public, no login: the residents' legality check and the WZDx v4.2 work-zone feed of active works.

Neither says who works there: the contractor's company is public, its staff's names and phones are not.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Annotated

import shapely
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from backend.db import SessionDep, utcnow
from backend.works import check as checker
from backend.works import geo
from backend.works.models import Permit
from backend.works.ratelimit import client_key, limiter
from backend_client.schemas.works import PublicCheck, PublicNearby

router = APIRouter(prefix="/public", tags=["public"])
DATA_SOURCE_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://kurchatov.situation-center/works"))
WZDX_NAMESPACE = uuid.UUID("7c1d5e2a-9b34-4a8e-b6f1-0e2d4c6a8b10")
WORK_TYPES = {"road": "surface-work", "landscaping": "roadside-work", "cable": "below-road-work",
              "heating_main": "below-road-work", "water": "below-road-work", "sewerage": "below-road-work",
              "gas": "below-road-work"}


@router.get("/works/check", response_model=PublicCheck, operation_id="public_works_check")
def public_check(request: Request, session: SessionDep, lat: Annotated[float, Query(ge=-90, le=90)],
                 lon: Annotated[float, Query(ge=-180, le=180)]) -> PublicCheck:
    """Is the dig here legal now? Rate-limited per client address."""
    limiter(request, "works_check").hit(client_key(request))
    r = checker.check(session, lat=lat, lon=lon)
    contractor = next((n.contractor for n in r.nearby if n.number == r.permit_number), None)
    return PublicCheck(verdict=r.verdict, title=r.title, reasons=r.reasons, permit_number=r.permit_number,
                       contractor=contractor, valid_until=r.valid_until,
                       nearby=[PublicNearby(number=n.number, purpose=n.purpose, status=n.status,
                                            distance_m=n.distance_m, valid_to=n.valid_to) for n in r.nearby])


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _road_line(permit: Permit) -> dict:
    """WZDx wants the road's line (or points): a line as drawn, a point as itself, a polygon by its long axis."""
    kind = permit.geometry["type"]
    if kind == "LineString":
        return {"type": "LineString", "coordinates": permit.geometry["coordinates"]}
    if kind == "Point":
        return {"type": "MultiPoint", "coordinates": [permit.geometry["coordinates"]]}
    rect = shapely.minimum_rotated_rectangle(geo.metric(permit.geometry))
    c = list(rect.exterior.coords)[:4]
    # The long axis joins the middles of the two short sides.
    sides = [(c[i], c[(i + 1) % 4]) for i in range(4)]
    short = sorted(sides, key=lambda s: (s[0][0] - s[1][0]) ** 2 + (s[0][1] - s[1][1]) ** 2)[:2]
    mids = [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in short]
    return {"type": "LineString", "coordinates": [list(map(lambda v: round(v, 7), geo.to_lonlat(*m))) for m in mids]}


def _street(permit: Permit) -> str:
    return (permit.address.split(",")[0].strip() or f"permit {permit.number}")


def feature(permit: Permit, now: datetime) -> dict:
    return {
        "id": str(uuid.uuid5(WZDX_NAMESPACE, permit.number)),
        "type": "Feature",
        "properties": {
            "core_details": {
                "event_type": "work-zone", "data_source_id": DATA_SOURCE_ID, "direction": "undefined",
                "road_names": [_street(permit)], "name": f"Permit {permit.number}",
                "description": f"Excavation ({permit.purpose.replace('_', ' ')}) by {permit.contractor}; "
                               f"works allowed {permit.hours_from}–{permit.hours_to} city time",
                "creation_date": _iso(permit.created_at), "update_date": _iso(permit.updated_at)},
            "start_date": _iso(permit.valid_from), "end_date": _iso(permit.valid_to),
            "is_start_date_verified": False, "is_end_date_verified": False,
            "is_start_position_verified": False, "is_end_position_verified": False,
            "location_method": "other",
            "vehicle_impact": "some-lanes-closed" if permit.status == "granted" else "unknown",
            "types_of_work": [{"type_name": WORK_TYPES.get(permit.purpose, "roadside-work"),
                               "is_architectural_change": False}],
        },
        "geometry": _road_line(permit),
    }


@router.get("/wzdx/feed.geojson", operation_id="public_wzdx_feed",
            responses={200: {"content": {"application/geo+json": {}}}})
def wzdx_feed(session: SessionDep) -> JSONResponse:
    """Active works (granted or suspended permits whose period has not ended) as a WZDx v4.2 feed."""
    now = utcnow()
    permits = session.scalars(select(Permit).where(Permit.status.in_(("granted", "suspended")),
                                                   Permit.valid_to >= now).order_by(Permit.valid_from))
    body = {
        "feed_info": {
            "publisher": "Kurchatov city situation center", "version": "4.2", "update_date": _iso(now),
            "update_frequency": 60, "license": "https://creativecommons.org/publicdomain/zero/1.0/",
            "data_sources": [{"data_source_id": DATA_SOURCE_ID, "organization_name": "Kurchatov city administration",
                              "update_date": _iso(now)}]},
        "type": "FeatureCollection",
        "features": [feature(p, now) for p in permits],
    }
    return JSONResponse(body, media_type="application/geo+json", headers={"Cache-Control": "max-age=30"})
