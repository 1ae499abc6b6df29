"""/api/v1/devices (sites and meters) and /api/v1/telemetry (ingestion over HTTP, stats)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from backend.auth.deps import Admin, CurrentUser
from backend import edge
from backend.db import SessionDep
from backend.errors import Unprocessable
from backend.telemetry import service
from backend.telemetry.ingest import writer_for
from backend_client.schemas.telemetry import (DeviceIn, DeviceOut, IngestResult, SiteIn, SiteOut, SiteTree,
                                              TelemetryPost, TelemetryStats)
from backend_client.schemas.common import IdParam

router = APIRouter(prefix="/api/v1/devices", tags=["devices"])


@router.get("/sites", response_model=list[SiteTree], operation_id="sites_tree")
def sites_tree(session: SessionDep, _: CurrentUser) -> list[SiteTree]:
    by_site: dict[int | None, list] = {}
    for d in service.list_devices(session):
        by_site.setdefault(d.site_id, []).append(DeviceOut.model_validate(d))
    return [SiteTree(**SiteOut.model_validate(s).model_dump(), devices=by_site.get(s.id, []))
            for s in service.list_sites(session)]


@router.post("/sites", response_model=SiteOut, status_code=201, operation_id="sites_create")
def create_site(data: SiteIn, session: SessionDep, _: Admin):
    site = service.create_site(session, data=data)
    session.commit()
    return site


@router.get("", response_model=list[DeviceOut], operation_id="devices_list")
def list_devices(session: SessionDep, _: CurrentUser, site_id: IdParam | None = None,
                 resource: str | None = None):
    return service.list_devices(session, site_id=site_id, resource=resource)


@router.post("", response_model=DeviceOut, status_code=201, operation_id="devices_create")
def create_device(data: DeviceIn, session: SessionDep, _: Admin, request: Request):
    device = service.create_device(session, data=data)
    session.commit()
    writer_for(request.app).forget_devices()
    return device


@router.get("/{uid}", response_model=DeviceOut, operation_id="devices_get")
def get_device(uid: str, session: SessionDep, _: CurrentUser):
    return service.get_device(session, uid)


telemetry_router = APIRouter(prefix="/api/v1/telemetry", tags=["telemetry"])


edge.raw_json_body("/api/v1/telemetry")  # bad keys and devices are counted per item by the writer


@telemetry_router.post("", response_model=IngestResult, operation_id="telemetry_post")
def post_telemetry(body: TelemetryPost, request: Request, _: CurrentUser) -> IngestResult:
    """Readings of one device in the ThingsBoard shape; bad parts are counted, not fatal.
    A body with nothing usable in it is 422, its reasons in the details."""
    out = writer_for(request.app).ingest([(body.device, body.payload)], coalesce=False)
    result = IngestResult(stored=out.stored, duplicates=out.duplicates, rejected=dict(out.rejected))
    if out.rejected and not out.stored and not out.duplicates:
        reasons = ", ".join(sorted(out.rejected))
        raise Unprocessable(f"Nothing in this telemetry could be stored ({reasons})", **result.model_dump())
    return result


@telemetry_router.get("/stats", response_model=TelemetryStats, operation_id="telemetry_stats")
def telemetry_stats(request: Request, session: SessionDep, _: CurrentUser) -> TelemetryStats:
    result = service.stats(session)
    writer = getattr(request.app.state, "telemetry_writer", None)
    result.process = writer.process_stats() if writer else {}
    return result
