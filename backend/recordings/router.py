"""The archive API: supervisors only (the router-wide dependency answers 403 to dispatchers)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse

from backend.auth.deps import Supervisor, require_role
from backend.audit.service import record
from backend.db import SessionDep
from backend.errors import Conflict
from backend.recordings import service
from backend.recordings.exports import runner_for
from backend.recordings.serving import ByteSpan, serve_video
from backend_client.schemas.recordings import (BookmarkCreate, BookmarkOut, ExportCreate, ExportOut, LockCreate,
                                               LockOut, PlaybackOut, PlaybackStart, QuotaSet, Timeline)
from backend.params import TimeRange
from backend_client.schemas.common import IdParam

router = APIRouter(prefix="/api/v1/recordings", tags=["recordings"], dependencies=[require_role("supervisor")])


@router.get("/cameras/{camera_id}/timeline", response_model=Timeline, operation_id="recordings_timeline")
def get_timeline(camera_id: IdParam, window: TimeRange, session: SessionDep, _: Supervisor):
    return service.timeline(session, camera_id=camera_id, start=window.start, end=window.end)


@router.put("/cameras/{camera_id}/quota", status_code=204, operation_id="recordings_set_quota")
def set_quota(camera_id: IdParam, body: QuotaSet, session: SessionDep, user: Supervisor) -> Response:
    service.set_quota(session, user=user, camera_id=camera_id, quota_mb=body.quota_mb)
    session.commit()
    return Response(status_code=204)


@router.post("/playback", response_model=PlaybackOut, status_code=201, operation_id="recordings_playback_start")
def start_playback(body: PlaybackStart, session: SessionDep, user: Supervisor):
    out = service.start_playback(session, user=user, data=body)
    session.commit()
    return out


@router.get("/segments/{segment_id}/file", operation_id="recordings_segment_file",
            response_class=FileResponse, responses={206: {"description": "a byte range of the MP4"}})
def segment_file(segment_id: IdParam, request: Request, session: SessionDep, user: Supervisor,
                 playback: Annotated[IdParam | None, Query(description="id from recordings_playback_start")] = None):
    seg = service.segment_for_playback(session, user=user, segment_id=segment_id, playback_id=playback)
    path = service.segment_path(request.app.state.settings.resolved_media_dir, seg)
    # The permit is the playback's audit entry, checked just above for this user, camera and time:
    # it covers every range of this segment.
    return serve_video(request, path, lambda span: None, cache="private, max-age=3600")


@router.get("/bookmarks", response_model=list[BookmarkOut], operation_id="recordings_bookmarks_list")
def list_bookmarks(camera_id: IdParam, window: TimeRange, session: SessionDep, _: Supervisor):
    return service.timeline(session, camera_id=camera_id, start=window.start, end=window.end).bookmarks


@router.post("/bookmarks", response_model=BookmarkOut, status_code=201, operation_id="recordings_bookmarks_create")
def add_bookmark(body: BookmarkCreate, session: SessionDep, user: Supervisor):
    mark = service.add_bookmark(session, user=user, data=body)
    session.commit()
    return mark


@router.delete("/bookmarks/{bookmark_id}", status_code=204, operation_id="recordings_bookmarks_delete")
def delete_bookmark(bookmark_id: IdParam, session: SessionDep, user: Supervisor) -> Response:
    service.delete_bookmark(session, user=user, bookmark_id=bookmark_id)
    session.commit()
    return Response(status_code=204)


@router.get("/locks", response_model=list[LockOut], operation_id="recordings_locks_list")
def list_locks(camera_id: IdParam, session: SessionDep, _: Supervisor):
    return service.locks_of(session, camera_id)


@router.post("/locks", response_model=LockOut, status_code=201, operation_id="recordings_locks_create")
def add_lock(body: LockCreate, session: SessionDep, user: Supervisor):
    lock = service.add_lock(session, user=user, data=body)
    session.commit()
    return lock


@router.delete("/locks/{lock_id}", status_code=204, operation_id="recordings_locks_delete")
def delete_lock(lock_id: IdParam, session: SessionDep, user: Supervisor,
                reason: Annotated[str, Query(min_length=3, max_length=2000)]) -> Response:
    service.delete_lock(session, user=user, lock_id=lock_id, reason=reason)
    session.commit()
    return Response(status_code=204)


@router.post("/exports", response_model=ExportOut, status_code=202, operation_id="recordings_exports_create")
def create_export(body: ExportCreate, request: Request, session: SessionDep, user: Supervisor):
    exp = service.create_export(session, user=user, data=body)
    session.commit()
    runner_for(request.app).submit(exp.id)
    return exp


@router.get("/exports", response_model=list[ExportOut], operation_id="recordings_exports_list")
def list_exports(session: SessionDep, _: Supervisor, camera_id: IdParam | None = None):
    return service.list_exports(session, camera_id=camera_id)


@router.get("/exports/{export_id}", response_model=ExportOut, operation_id="recordings_exports_get")
def get_export(export_id: IdParam, session: SessionDep, _: Supervisor):
    return service.get_export(session, export_id)


@router.get("/exports/{export_id}/file", operation_id="recordings_exports_file", response_class=FileResponse,
            responses={206: {"description": "a byte range of the MP4"}, 416: {"description": "range beyond the file"}})
def export_file(export_id: IdParam, request: Request, session: SessionDep, user: Supervisor):
    exp = service.get_export(session, export_id)
    if exp.status != "done":
        raise Conflict(f"Export {export_id} is {exp.status}, not ready yet", status=exp.status)
    path = request.app.state.settings.resolved_media_dir / exp.path

    def audit(span: ByteSpan) -> None:  # every request that serves bytes, whatever its Range
        record(session, user=user, action="recording.export_download", target=f"camera:{exp.camera_id}",
               details={"export_id": exp.id, "sha256": exp.sha256, "bytes": span.describe()})
        session.commit()

    return serve_video(request, path, audit, filename=path.name)
