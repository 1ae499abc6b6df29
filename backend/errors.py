"""The one error shape of the API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, StatementError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error a service raises; the API turns it into a response once, here."""

    def __init__(self, status: int, code: str, message: str, /, **details: Any) -> None:
        # Positional-only: details may well be named status, code or message (a site code, an
        # export status) without colliding with these.
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def NotFound(what: str, ident: Any) -> AppError:
    return AppError(404, "not_found", f"{what} {ident} does not exist", what=what, id=ident)


def Conflict(message: str, /, **details: Any) -> AppError:
    return AppError(409, "conflict", message, **details)


def Forbidden(message: str = "Your role does not allow this action") -> AppError:
    return AppError(403, "forbidden", message)


def BadRequest(message: str, /, **details: Any) -> AppError:
    return AppError(400, "bad_request", message, **details)


def Unprocessable(message: str, /, **details: Any) -> AppError:
    return AppError(422, "invalid", message, **details)


def PreconditionFailed(message: str, /, **details: Any) -> AppError:
    return AppError(412, "stale_version", message, **details)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


OPEN311_PREFIX = "/open311/"


class ErrorResponse(JSONResponse):
    """The one error shape; under /open311/ the GeoReport v2 shape [{"code", "description"}]."""

    def __init__(self, request: Request, body: dict, status: int, headers: dict | None = None) -> None:
        if request.url.path.startswith(OPEN311_PREFIX):
            body = [{"code": status, "description": body["error"]["message"]}]
            if request.url.path.endswith(".xml"):
                self.media_type = "text/xml; charset=utf-8"
                body = _open311_xml(body)
        super().__init__(body, status, headers=headers)

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


def _open311_xml(errors: list[dict]) -> bytes:
    from xml.sax.saxutils import escape

    items = "".join(f"<error><code>{e['code']}</code><description>{escape(e['description'])}</description></error>"
                    for e in errors)
    return f'<?xml version="1.0" encoding="utf-8"?>\n<errors>{items}</errors>'.encode()


def _describe_validation(errors: list[dict]) -> tuple[str, list[dict]]:
    parts, clean = [], []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "request"
        msg = e.get("msg", "is invalid")
        if e.get("type") == "json_invalid":
            field, msg = "body", "is not valid JSON"
        parts.append(f"{field}: {msg}")
        clean.append({"field": field, "message": msg, "type": e.get("type")})
    return "Invalid request — " + "; ".join(parts), clean


def install(app: FastAPI) -> None:
    from backend import openapi
    from backend.edge import EdgeGuard

    app.add_middleware(EdgeGuard, max_upload_bytes=app.state.settings.max_attachment_bytes)
    openapi.install(app)

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        headers = exc.details.pop("_headers", None)
        return ErrorResponse(request, error_body(exc.code, exc.message, exc.details), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        message, fields = _describe_validation(list(exc.errors()))
        return ErrorResponse(request, error_body("invalid", message, {"fields": fields}), 422)

    # What still slips past the edge types (backend_client.schemas.common) is bad input, not a
    # server failure: numbers and dates beyond what Python or the database can hold, text the
    # database refuses (NUL on PostgreSQL), a value a column type refuses (a naive datetime).
    @app.exception_handler(OverflowError)
    async def _overflow(request: Request, exc: OverflowError) -> JSONResponse:
        return ErrorResponse(request, error_body("bad_request", "A number or date in the request is out of range"), 400)

    @app.exception_handler(PoolTimeout)
    async def _busy(request: Request, exc: PoolTimeout) -> JSONResponse:
        # Every database connection of this process stayed busy for the pool's whole wait (a
        # database restart or an overload): the request was not run, so "try again" is the truth.
        log.warning("no database connection free within the pool timeout")
        return ErrorResponse(request, error_body("busy", "The server is busy; try again in a moment."), 503,
                            headers={"Retry-After": "2"})

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        # A versioned row changed between this request's read and its write (compare-and-set
        # UPDATE ... WHERE version = ? matched nothing): another writer won; reload and retry.
        return ErrorResponse(request, error_body("conflict", "Someone else changed this at the same moment; "
                                                   "reload it and try again"), 409)

    @app.exception_handler(StatementError)
    async def _statement(request: Request, exc: StatementError) -> JSONResponse:
        if isinstance(exc, IntegrityError):
            log.info("integrity error: %s", str(exc.orig).splitlines()[0] if exc.orig else exc)
            return ErrorResponse(request, error_body("conflict", "This conflicts with data that already exists"), 409)
        if isinstance(exc, DataError) or (not isinstance(exc, DBAPIError)
                                           and isinstance(exc.orig, (ValueError, OverflowError, TypeError))):
            return ErrorResponse(request, error_body("bad_request", "A value in the request cannot be stored "
                                                          "(out of range or containing forbidden characters)"), 400)
        if isinstance(exc, DBAPIError):
            return await _database(request, exc)
        return await _internal(request, exc)

    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if not (exc.connection_invalidated or isinstance(exc, OperationalError)):
            return await _internal(request, exc)
        # The driver's text names host and port, never the password; the class is enough here.
        log.warning("database unavailable: %s", type(exc.orig or exc).__name__)
        return ErrorResponse(request, error_body("database_unavailable",
                                       "The database is not answering; try again in a moment."),
                            503, headers={"Retry-After": "2"})

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        return ErrorResponse(request, error_body("internal_error", "The server failed on this request; it was logged. "
                                                         "Try again, and tell the administrator if it repeats."), 500)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large", 422: "invalid"}.get(
            exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "No such endpoint"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names only the first route that matched the path; RFC 9110 wants them all.
            allowed = allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            message = f"This endpoint accepts {', '.join(allowed)}"
        return ErrorResponse(request, error_body(code, message), exc.status_code, headers=headers or None)


def allowed_methods(request: Request) -> list[str]:
    """Every method some operation of the API answers at this path (from the OpenAPI document,
    which FastAPI's nested routers make the one flat list of operations)."""
    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = []
        for template, ops in request.app.openapi().get("paths", {}).items():
            pattern = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
            table.append((pattern, {m.upper() for m in ops if m in _METHODS}))
        request.app.state.allowed_methods = table
    methods: set[str] = set()
    for pattern, ops in table:
        if pattern.match(request.url.path):
            methods |= ops
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
