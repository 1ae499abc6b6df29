"""The OpenAPI document tells the truth about errors (issue 18, finding 14).

FastAPI documents validation failures as {"detail": [...]}; this API sends the one error shape
{"error": {"code", "message", "details"}} (backend.errors) for every 4xx and 5xx. After FastAPI
builds the document, every error response is rewritten to that shape, and the statuses any
operation can answer are documented on it: 400 (the request edge), 401/403 (a token and a role
are needed), 404 (an id in the path), 409 (a change that conflicts), 413 (a body too large), 422
(parameters or body invalid), 503 (the database is not answering). Domains' own `responses=`
(412, 428, 429, 415, ...) stay.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from backend_client.schemas.common import ErrorBody

_REF = {"$ref": "#/components/schemas/ErrorBody"}
_OPEN311_REF = {"$ref": "#/components/schemas/Open311Errors"}
OPEN311_PREFIX = "/open311/"  # GeoReport v2 has its own error shape: [{"code", "description"}]
_DESCRIPTIONS = {
    "400": "Bad request: a value out of range or containing control characters",
    "401": "No valid bearer token",
    "403": "Your role does not allow this",
    "404": "Not found",
    "405": "Method not allowed (the Allow header lists those that are)",
    "409": "Conflicts with the current state",
    "412": "If-Match does not match the current version",
    "413": "The request body is too large",
    "422": "Invalid parameters or body",
    "428": "If-Match is required",
    "429": "Too many requests",
    "503": "The database is not answering; retry after Retry-After seconds",
}


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        _rewrite(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _rewrite(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    defs = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(defs.pop("$defs", {}))
    components["ErrorBody"] = defs
    components["Open311Errors"] = {
        "type": "array", "description": "Open311 GeoReport v2 errors",
        "items": {"type": "object", "required": ["code", "description"],
                  "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            codes = {"400", "503"}
            if op.get("security"):
                codes |= {"401", "403"}
            if "{" in path or op.get("parameters") or op.get("requestBody"):
                codes.add("404")  # an id in the path, the query or the body names nothing
            if op.get("parameters") or op.get("requestBody"):
                codes.add("422")
            if method in ("post", "put", "patch", "delete"):
                codes.add("409")
            if op.get("requestBody"):
                codes.add("413")
            if path.startswith("/public/"):
                codes.add("429")  # public endpoints are rate-limited per client
            responses = op["responses"]
            ref = _OPEN311_REF if path.startswith(OPEN311_PREFIX) else _REF
            for code in codes:
                responses.setdefault(code, {})
            for code, response in responses.items():
                if code[0] in "45":
                    response["description"] = (response.get("description") if response.get("description")
                                                not in (None, "", "Validation Error", "Unprocessable Content")
                                                else _DESCRIPTIONS.get(code, "Error"))
                    response["content"] = {"application/json": {"schema": ref}}
                    if ref is _OPEN311_REF:  # a .xml path answers its errors in XML
                        response["content"]["text/xml"] = {"schema": {"type": "string"}}
