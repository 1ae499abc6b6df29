"""Open311 GeoReport v2 at /open311/v2/ (JSON), with the spec's own error shape."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse

from backend.db import SessionDep
from backend.open311 import service
from backend.open311.service import Open311Error

router = APIRouter(prefix="/open311/v2", tags=["open311"])


def _error(exc: Open311Error) -> JSONResponse:
    return JSONResponse([{"code": exc.status, "description": exc.description}], exc.status)


def _date(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date-time such as 2026-11-27T10:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _number(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        raise Open311Error(400, f"{name} must be a decimal number of degrees, not {text[:40]!r}") from None


@router.get("/services.json", operation_id="open311_services")
def services() -> list[dict]:
    return service.services()


@router.post("/requests.json", operation_id="open311_request_create")
def create_request(request: Request, session: SessionDep,
                   service_code: Annotated[str, Form()],
                   api_key: Annotated[str | None, Form()] = None,
                   lat: Annotated[str, Form()] = "",
                   long: Annotated[str, Form()] = "",
                   address_string: Annotated[str, Form(max_length=300)] = "",
                   description: Annotated[str, Form(max_length=4000)] = "",
                   email: Annotated[str, Form(max_length=200)] = "",
                   first_name: Annotated[str, Form(max_length=100)] = "",
                   last_name: Annotated[str, Form(max_length=100)] = "",
                   phone: Annotated[str, Form(max_length=50)] = ""):
    keys = [k for k in request.app.state.settings.open311_api_keys.split(",") if k]
    try:
        service.check_api_key(keys, api_key)
        incident = service.submit(session, service_code=service_code, lat=_number(lat, "lat"),
                                  lon=_number(long, "long"), address=address_string,
                                  description=description,
                                  contact={"name": f"{first_name} {last_name}".strip(), "email": email,
                                           "phone": phone})
    except Open311Error as exc:
        session.rollback()
        return _error(exc)
    session.commit()
    body = service.to_request(incident)
    return JSONResponse([{"service_request_id": body["service_request_id"],
                          "service_notice": body["service_notice"], "account_id": None}], 201)


@router.get("/requests.json", operation_id="open311_requests")
def list_requests(session: SessionDep, service_request_id: str | None = None, service_code: str | None = None,
                  start_date: str | None = None, end_date: str | None = None, status: str | None = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 1000):
    try:
        ids = None
        if service_request_id:
            try:
                ids = [int(x) for x in service_request_id.split(",")]
            except ValueError:
                raise Open311Error(400, "service_request_id must be a comma-separated list of numbers") from None
        start, end = _date(start_date, "start_date"), _date(end_date, "end_date")
        if not ids and start is None and end is None:
            # The spec's default window: the last 90 days.
            start = datetime.now(timezone.utc) - timedelta(days=90)
        rows = service.find(session, ids=ids, service_code=service_code, status=status, start=start, end=end,
                            limit=limit)
    except Open311Error as exc:
        return _error(exc)
    return [service.to_request(i) for i in rows]


@router.get("/requests/{request_id}.json", operation_id="open311_request_get")
def get_request(session: SessionDep, request_id: str):
    try:
        if not request_id.isdigit():
            raise Open311Error(404, f"No service request {request_id}")
        rows = service.find(session, ids=[int(request_id)], service_code=None, status=None, start=None, end=None)
        if not rows:
            raise Open311Error(404, f"No service request {request_id}")
    except Open311Error as exc:
        return _error(exc)
    return [service.to_request(rows[0])]
