"""Open311 GeoReport v2 at /open311/v2/, in JSON and XML, with the spec's own error shape.

Every path answers errors as [{"code", "description"}] (XML: <errors><error>...), including the
framework's own (validation, unknown path): backend.errors shapes them for /open311/.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import TypeAdapter, ValidationError

from backend.db import SessionDep
from backend.open311 import service
from backend.open311.service import Open311Error
from backend_client.schemas.common import UtcDateTime

router = APIRouter(prefix="/open311/v2", tags=["open311"])
Format = Literal["json", "xml"]
_FORMATS = {200: {"content": {"application/json": {}, "text/xml": {}}}}
_CREATED = {201: {"content": {"application/json": {}, "text/xml": {}}}, 403: {"description": "api_key refused"}}
_TIME = TypeAdapter(UtcDateTime)


def xml_document(root: str, item: str, rows: list[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        el = ET.SubElement(top, item)
        for key, value in row.items():
            child = ET.SubElement(el, key)
            if isinstance(value, list):
                for v in value:
                    ET.SubElement(child, "attribute").text = str(v)
            elif value is not None:
                child.text = str(value).lower() if isinstance(value, bool) else str(value)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8")


def _reply(fmt: Format, root: str, item: str, rows: list[dict], status: int = 200) -> Response:
    if fmt == "xml":
        return Response(xml_document(root, item, rows), status, media_type="text/xml; charset=utf-8")
    return JSONResponse(rows, status)


def _error(fmt: Format, exc: Open311Error) -> Response:
    return _reply(fmt, "errors", "error", [{"code": exc.status, "description": exc.description}], exc.status)


def _date(text: str | None, name: str) -> datetime | None:
    if not text:
        return None
    try:
        return _TIME.validate_python(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValidationError:
        raise Open311Error(400, f"{name} must be a W3C date-time with a zone, between the years 1900 and 2200, "
                                f"such as 2026-11-27T10:00:00Z") from None


def _number(text: str, name: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise Open311Error(400, f"{name} must be a decimal number of degrees, not {text[:40]!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Open311Error(400, f"{name} must be a decimal number of degrees")
    return value


@router.get("/services.{fmt}", operation_id="open311_services", responses=_FORMATS)
def services(fmt: Format) -> Response:
    return _reply(fmt, "services", "service", service.services())


@router.get("/services/{service_code}.{fmt}", operation_id="open311_service_definition", responses=_FORMATS)
def service_definition(service_code: Annotated[str, Path(max_length=64)], fmt: Format) -> Response:
    """Our services take no extra attributes (metadata false): the definition lists none."""
    known = {s["service_code"] for s in service.services()}
    if service_code not in known:
        return _error(fmt, Open311Error(404, f"service_code {service_code[:64]!r} is not one of: {', '.join(sorted(known))}"))
    if fmt == "xml":
        top = ET.Element("service_definition")
        ET.SubElement(top, "service_code").text = service_code
        ET.SubElement(top, "attributes")
        return Response(b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="utf-8"),
                        media_type="text/xml; charset=utf-8")
    return JSONResponse({"service_code": service_code, "attributes": []})


@router.post("/requests.{fmt}", operation_id="open311_request_create", status_code=201, responses=_CREATED)
def create_request(request: Request, session: SessionDep, fmt: Format,
                   service_code: Annotated[str, Form(max_length=64)],
                   api_key: Annotated[str | None, Form(max_length=200)] = None,
                   lat: Annotated[str, Form(max_length=40)] = "",
                   long: Annotated[str, Form(max_length=40)] = "",
                   address_string: Annotated[str, Form(max_length=300)] = "",
                   description: Annotated[str, Form(max_length=4000)] = "",
                   email: Annotated[str, Form(max_length=200)] = "",
                   first_name: Annotated[str, Form(max_length=100)] = "",
                   last_name: Annotated[str, Form(max_length=100)] = "",
                   phone: Annotated[str, Form(max_length=50)] = "") -> Response:
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
        return _error(fmt, exc)
    session.commit()
    body = service.to_request(incident)
    return _reply(fmt, "service_requests", "request", [{
        "service_request_id": body["service_request_id"], "service_notice": body["service_notice"],
        "account_id": None}], 201)


@router.get("/requests.{fmt}", operation_id="open311_requests", responses=_FORMATS)
def list_requests(session: SessionDep, fmt: Format,
                  service_request_id: Annotated[str | None, Query(max_length=2000)] = None,
                  service_code: Annotated[str | None, Query(max_length=2000)] = None,
                  start_date: Annotated[str | None, Query(max_length=64)] = None,
                  end_date: Annotated[str | None, Query(max_length=64)] = None,
                  status: Annotated[str | None, Query(max_length=32)] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> Response:
    """GeoReport v2 search. service_request_id (comma-separated) overrides every other filter;
    status is open, closed or open,closed; dates at most 90 days apart (default: the last 90 days)."""
    try:
        ids = None
        if service_request_id:
            parts = [x.strip() for x in service_request_id.split(",")]
            if not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
                raise Open311Error(400, "service_request_id must be a comma-separated list of numbers")
            ids = [int(p) for p in parts]
        rows = service.find(session, ids=ids, service_code=service_code, status=status,
                            start=_date(start_date, "start_date"), end=_date(end_date, "end_date"), limit=limit)
    except Open311Error as exc:
        return _error(fmt, exc)
    return _reply(fmt, "service_requests", "request", [service.to_request(i) for i in rows])


@router.get("/requests/{request_id}.{fmt}", operation_id="open311_request_get", responses=_FORMATS)
def get_request(session: SessionDep, request_id: str, fmt: Format) -> Response:
    try:
        if not (request_id.isascii() and request_id.isdigit() and len(request_id) <= 18):
            raise Open311Error(404, f"No service request {request_id[:40]}")
        rows = service.find(session, ids=[int(request_id)], service_code=None, status=None, start=None, end=None)
        if not rows:
            raise Open311Error(404, f"No service request {request_id}")
    except Open311Error as exc:
        return _error(fmt, exc)
    return _reply(fmt, "service_requests", "request", [service.to_request(rows[0])])
