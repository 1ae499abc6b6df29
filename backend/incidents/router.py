"""/api/v1/incidents: thin HTTP layer over backend.incidents.service.

Roles: every logged-in role reads, creates and handles incidents (the dispatcher is the main
user). Reopening a closed, rejected or duplicate incident and deleting an attachment need the
supervisor role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import FileResponse
from pydantic_core import to_json
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

from backend.auth.deps import CurrentUser, Supervisor
from backend.db import SessionDep, run_db
from backend.errors import AppError, Unprocessable
from backend.etag import parse_if_match
from backend.incidents import attachments, idempotency, service
from backend.incidents.models import Incident, IncidentAttachment
from backend_client.schemas.common import ErrorBody, Page, UtcDateTime
from backend_client.schemas.incidents import (MAX_ID, AttachmentOut, Assign, CategoryOut, CityServiceOut,
                                              CommentIn, CommentOut, HistoryEntryOut, IncidentCreate, IncidentOut,
                                              IncidentPatch, MarkDuplicate, StatusChange, StatusUndo)

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])
services_router = APIRouter(prefix="/api/v1/services", tags=["incidents"])

IncidentId = Annotated[int, Path(ge=1, le=MAX_ID, description="incident id")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description='the version you edited, e.g. "3"')]
IdemKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                       description="the client's id of this change: a repeat gets the first answer")]
ERRORS = {code: {"model": ErrorBody} for code in (401, 403, 404, 409, 412, 422, 428)}


def _version(if_match: str | None, *, required: bool, current: Callable[[], int] | None = None) -> int | None:
    """The version the client edited, from If-Match (RFC 9110: `*`, lists, strong comparison).
    None = no precondition; an If-Match no version can satisfy gives 0, which never matches (412)."""
    parsed = parse_if_match(if_match)
    if parsed is None:
        if required:
            raise AppError(428, "precondition_required",
                           "Send If-Match with the version of the incident you edited (its ETag), "
                           "so that nobody's change is overwritten unseen")
        return None
    if parsed.any:
        return None
    versions = parsed.versions()
    if len(versions) > 1 and current is not None:
        now = current()
        return now if now in versions else versions[0]
    return versions[0] if versions else 0


def _out(response: Response, incident: Incident) -> IncidentOut:
    response.headers["ETag"] = f'"{incident.version}"'
    return service.to_out(incident)


def _attachment_out(a: IncidentAttachment) -> AttachmentOut:
    return AttachmentOut(id=a.id, incident_id=a.incident_id, filename=a.filename, content_type=a.content_type,
                         size=a.size, sha256=a.sha256, uploaded_by=a.uploaded_by, created_at=a.created_at,
                         url=f"/api/v1/incidents/{a.incident_id}/attachments/{a.id}")


@router.get("/categories", response_model=list[CategoryOut], operation_id="incidents_categories")
def categories(_: CurrentUser) -> list[CategoryOut]:
    return service.list_categories()


@services_router.get("", response_model=list[CityServiceOut], operation_id="city_services_list")
def city_services(session: SessionDep, _: CurrentUser):
    return [CityServiceOut.model_validate(s) for s in service.list_services(session)]


@router.post("", response_model=IncidentOut, status_code=201, operation_id="incidents_create",
             responses={200: {"model": IncidentOut, "description": "a repeat of an earlier request"}, **ERRORS})
def create_incident(body: IncidentCreate, session: SessionDep, user: CurrentUser, response: Response,
                    idempotency_key: IdemKey = None):
    """Same Idempotency-Key and body → the first result; same key, other body → 422.
    A client_uuid already known → that incident, status 200."""
    def run():
        incident, status = service.create_incident(session, user=user, data=body)
        return service.to_out(incident), status, incident.id

    out = idempotency.once(session, user=user, key=idempotency_key, operation="incidents_create",
                           fingerprint=idempotency.request_hash(body.model_dump(mode="json")), response=response,
                           run=run)
    response.headers["Location"] = f"/api/v1/incidents/{out['id']}"
    return out


def _change(session, user, response: Response, key: str | None, operation: str, incident_id: int, body,
            change) -> dict:
    """One change of an incident, exactly once per Idempotency-Key; the incident as the answer."""
    def run():
        incident = change()
        return service.to_out(incident), 200, incident.id

    payload = body.model_dump(mode="json", exclude_unset=operation == "incidents_update")
    return idempotency.once(session, user=user, key=key, operation=operation, response=response, run=run,
                            fingerprint=idempotency.request_hash(payload, incident_id))


@router.get("", response_model=Page[IncidentOut], operation_id="incidents_list", responses=ERRORS)
async def list_incidents(
        session: SessionDep, _: CurrentUser,
        status: Annotated[list[str] | None, Query(description="repeat or comma-separate")] = None,
        category: Annotated[list[str] | None, Query()] = None,
        priority: Annotated[list[str] | None, Query()] = None,
        q: Annotated[str | None, Query(max_length=200, description="text in description/address, or a number")] = None,
        since: Annotated[UtcDateTime | None, Query(description="created at or after")] = None,
        until: Annotated[UtcDateTime | None, Query(description="created before")] = None,
        bbox: Annotated[str | None, Query(description="minLon,minLat,maxLon,maxLat")] = None,
        overdue: bool | None = None,
        assignee: Annotated[str | None, Query(max_length=32)] = None,
        sort: Annotated[str, Query(description="created_at, priority, sla_due_at, updated_at; '-' = descending")]
        = "-created_at",
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=service.MAX_LIMIT)] = 50) -> Response:
    if q and "\x00" in q:
        raise Unprocessable("q must not contain NUL characters", field="q")

    def page() -> bytes:
        items, total = service.list_incidents(session, status=status, category=category, priority=priority, q=q,
                                              since=since, until=until, bbox=bbox, overdue=overdue,
                                              assignee=assignee, sort=sort, offset=offset, limit=limit)
        # The rows are wire dicts already (service.row_to_wire); response_model documents the shape.
        return to_json({"items": items, "total": total, "offset": offset, "limit": limit})

    return Response(await run_db(session, page), media_type="application/json")


@router.get("/{incident_id}", response_model=IncidentOut, operation_id="incidents_get",
            responses={304: {"description": "If-None-Match matched"}, **ERRORS})
def get_incident(incident_id: IncidentId, session: SessionDep, _: CurrentUser, response: Response,
                 if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None):
    incident = service.get_incident(session, incident_id)
    if if_none_match and if_none_match.strip() in (f'"{incident.version}"', f'W/"{incident.version}"'):
        return Response(status_code=304, headers={"ETag": f'"{incident.version}"'})
    return _out(response, incident)


@router.patch("/{incident_id}", response_model=IncidentOut, operation_id="incidents_update", responses=ERRORS)
def update_incident(incident_id: IncidentId, body: IncidentPatch, session: SessionDep, user: CurrentUser,
                    response: Response, if_match: IfMatch = None, idempotency_key: IdemKey = None):
    """Needs If-Match: 428 without it, 412 (with the current incident in details) when stale."""
    expected = _version(if_match, required=True, current=lambda: service.get_incident(session, incident_id).version)
    return _change(session, user, response, idempotency_key, "incidents_update", incident_id, body,
                   lambda: service.update_incident(session, user=user, incident_id=incident_id, patch=body,
                                                   expected_version=expected))


@router.post("/{incident_id}/status", response_model=IncidentOut, operation_id="incidents_change_status",
             responses=ERRORS)
def change_status(incident_id: IncidentId, body: StatusChange, session: SessionDep, user: CurrentUser,
                  response: Response, if_match: IfMatch = None, idempotency_key: IdemKey = None):
    """Illegal transitions → 409; reopening a finished incident needs a supervisor. If-Match optional."""
    expected = _version(if_match, required=False,
                        current=lambda: service.get_incident(session, incident_id).version)
    return _change(session, user, response, idempotency_key, "incidents_change_status", incident_id, body,
                   lambda: service.change_status(session, user=user, incident_id=incident_id, status=body.status,
                                                 comment=body.comment, expected_version=expected))


@router.post("/{incident_id}/status/undo", response_model=IncidentOut, operation_id="incidents_undo_status",
             responses=ERRORS)
def undo_status(incident_id: IncidentId, body: StatusUndo, session: SessionDep, user: CurrentUser,
                response: Response, if_match: IfMatch = None, idempotency_key: IdemKey = None):
    """Take back your own last status change within UNDO_WINDOW_S: needs If-Match (428 / 412); someone
    else's change → 403; anything changed since, another status or too late → 409."""
    expected = _version(if_match, required=True, current=lambda: service.get_incident(session, incident_id).version)
    return _change(session, user, response, idempotency_key, "incidents_undo_status", incident_id, body,
                   lambda: service.undo_status(session, user=user, incident_id=incident_id, status=body.status,
                                               expected_version=expected))


@router.post("/{incident_id}/assign", response_model=IncidentOut, operation_id="incidents_assign",
             responses=ERRORS)
def assign(incident_id: IncidentId, body: Assign, session: SessionDep, user: CurrentUser, response: Response,
           if_match: IfMatch = None, idempotency_key: IdemKey = None):
    expected = _version(if_match, required=False,
                        current=lambda: service.get_incident(session, incident_id).version)
    return _change(session, user, response, idempotency_key, "incidents_assign", incident_id, body,
                   lambda: service.assign(session, user=user, incident_id=incident_id, assignee=body.assignee,
                                          comment=body.comment, expected_version=expected))


@router.post("/{incident_id}/duplicate", response_model=IncidentOut, operation_id="incidents_mark_duplicate",
             responses=ERRORS)
def mark_duplicate(incident_id: IncidentId, body: MarkDuplicate, session: SessionDep, user: CurrentUser,
                   response: Response, if_match: IfMatch = None, idempotency_key: IdemKey = None):
    expected = _version(if_match, required=False,
                        current=lambda: service.get_incident(session, incident_id).version)
    return _change(session, user, response, idempotency_key, "incidents_mark_duplicate", incident_id, body,
                   lambda: service.mark_duplicate(session, user=user, incident_id=incident_id,
                                                  duplicate_of=body.duplicate_of, comment=body.comment,
                                                  expected_version=expected))


@router.get("/{incident_id}/comments", response_model=list[CommentOut], operation_id="incidents_comments",
            responses=ERRORS)
def comments(incident_id: IncidentId, session: SessionDep, _: CurrentUser):
    return [CommentOut.model_validate(c) for c in service.list_comments(session, incident_id=incident_id)]


@router.post("/{incident_id}/comments", response_model=CommentOut, status_code=201,
             operation_id="incidents_comment_add", responses=ERRORS)
def add_comment(incident_id: IncidentId, body: CommentIn, session: SessionDep, user: CurrentUser, response: Response,
                idempotency_key: IdemKey = None):
    def run():
        comment = service.add_comment(session, user=user, incident_id=incident_id, text=body.text)
        session.flush()
        return CommentOut.model_validate(comment), 201, incident_id

    return idempotency.once(session, user=user, key=idempotency_key, operation="incidents_comment_add",
                            fingerprint=idempotency.request_hash(body.model_dump(mode="json"), incident_id),
                            response=response, run=run)


@router.get("/{incident_id}/history", response_model=list[HistoryEntryOut], operation_id="incidents_history",
            responses=ERRORS)
def history(incident_id: IncidentId, session: SessionDep, _: CurrentUser):
    return [HistoryEntryOut(id=h.id, incident_id=h.incident_id, who=h.who, when=h.at, field=h.field,
                            old=h.old, new=h.new) for h in service.list_history(session, incident_id=incident_id)]


@router.get("/{incident_id}/attachments", response_model=list[AttachmentOut],
            operation_id="incidents_attachments", responses=ERRORS)
def list_attachments(incident_id: IncidentId, session: SessionDep, _: CurrentUser):
    return [_attachment_out(a) for a in attachments.list_attachments(session, incident_id=incident_id)]


_MULTIPART = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP"}}}}}}}


@router.post("/{incident_id}/attachments", response_model=AttachmentOut, status_code=201,
             operation_id="incidents_attachment_add", openapi_extra=_MULTIPART,
             responses={413: {"model": ErrorBody}, 415: {"model": ErrorBody}, **ERRORS})
async def add_attachment(incident_id: IncidentId, request: Request, session: SessionDep, user: CurrentUser,
                         response: Response, idempotency_key: IdemKey = None):
    """A photo as multipart field `file`; type by magic bytes (JPEG/PNG/WebP), size ≤ max_attachment_bytes."""
    settings = request.app.state.settings
    limit = settings.max_attachment_bytes
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit + 64 * 1024:  # refuse before reading it all
        raise attachments.too_large(limit)
    try:
        form = await request.form(max_files=1, max_fields=10)
    except MultiPartException as exc:
        raise Unprocessable(f"The upload is not a valid multipart form: {exc.message}") from None
    except AssertionError:  # python-multipart missing or content type not a form
        raise Unprocessable("Send the photo as multipart/form-data with a field named file") from None
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Unprocessable("Send the photo as multipart/form-data with a field named file", field="file")

        def run():
            a = attachments.add_attachment(session, user=user, incident_id=incident_id, filename=upload.filename,
                                           stream=upload.file, media_dir=settings.resolved_media_dir,
                                           max_bytes=limit)
            session.flush()
            return _attachment_out(a), 201, incident_id

        def work():
            fingerprint = idempotency.request_hash(
                {"filename": upload.filename, "sha256": attachments.digest_of(upload.file)}, incident_id)
            return idempotency.once(session, user=user, key=idempotency_key, operation="incidents_attachment_add",
                                    fingerprint=fingerprint, response=response, run=run)

        return await run_in_threadpool(work)
    finally:
        await form.close()


@router.get("/{incident_id}/attachments/{attachment_id}", operation_id="incidents_attachment_download",
            response_class=FileResponse,
            responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}, **ERRORS})
def download_attachment(incident_id: IncidentId, attachment_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                        request: Request, session: SessionDep, _: CurrentUser):
    a = attachments.get_attachment(session, incident_id=incident_id, attachment_id=attachment_id)
    path = attachments.attachment_path(request.app.state.settings.resolved_media_dir, a)
    return FileResponse(path, media_type=a.content_type, filename=a.filename,
                        headers={"Cache-Control": "private, max-age=86400"})


@router.delete("/{incident_id}/attachments/{attachment_id}", status_code=204,
               operation_id="incidents_attachment_delete", responses=ERRORS)
def delete_attachment(incident_id: IncidentId, attachment_id: Annotated[int, Path(ge=1, le=MAX_ID)],
                      request: Request, session: SessionDep, user: Supervisor) -> Response:
    path = attachments.delete_attachment(session, user=user, incident_id=incident_id, attachment_id=attachment_id,
                                         media_dir=request.app.state.settings.resolved_media_dir)
    session.commit()
    if path is not None:
        path.unlink(missing_ok=True)
    return Response(status_code=204)
