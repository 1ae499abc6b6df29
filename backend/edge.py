"""The request edge: what no endpoint should ever have to check again (issue 18, #11 and #15).

A pure ASGI middleware, installed once for every domain's routes:
- control characters (NUL and the like) in the path or the query string are refused with 422,
  and in a JSON body (as \\u0000-style escapes) too: PostgreSQL cannot store a NUL, and no
  name, address or comment of the city needs one;
- a body is counted while it arrives and refused with 413 the moment it passes its limit, with
  or without Content-Length (a chunked upload is not read to its end first).
Typed values (ids, times, ranges, bounded text) are checked by backend_client.schemas.common's
types; what still slips through is mapped to 4xx in backend.errors.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.errors import OPEN311_PREFIX, error_body

MAX_BODY_BYTES = 16 * 1024 * 1024  # any request but an upload; JSON batches stay far below
UPLOAD_SLACK = 64 * 1024  # multipart framing around an attachment of the allowed size
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_ESCAPE = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")


# Paths whose JSON bodies are machine data their handler takes apart itself, counting what is bad
# per item (telemetry: one bad key costs only itself, under a named reason); not scanned here.
_RAW_JSON_PATHS: set[str] = set()


def raw_json_body(path: str) -> None:
    """Let `path`'s handler see control characters in its JSON body (and count them itself)."""
    _RAW_JSON_PATHS.add(path)


class EdgeGuard:
    def __init__(self, app: ASGIApp, *, max_upload_bytes: int) -> None:
        self.app = app
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        where = _bad_text(scope)
        if where:
            return await _refuse(scope, send, 422, "invalid",
                                 f"The {where} contains NUL or other control characters")
        headers = dict(scope.get("headers") or ())
        ctype = headers.get(b"content-type", b"").lower()
        multipart = ctype.startswith(b"multipart/")
        limit = self.max_upload_bytes + UPLOAD_SLACK if multipart else MAX_BODY_BYTES
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            return await _refuse(scope, send, 413, "too_large", f"The request body is larger than {limit} bytes")
        scan = (ctype.startswith(b"application/json") or ctype.endswith(b"+json")) \
            and scope["path"] not in _RAW_JSON_PATHS
        return await self.app(scope, _guarded(receive, limit, scan), send)


def _bad_text(scope: Scope) -> str | None:
    if _CONTROL_BYTES.search(unquote_to_bytes(scope.get("raw_path") or scope["path"].encode())):
        return "path"
    if _CONTROL_BYTES.search(unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))):
        return "query string"
    return None


def _guarded(receive: Receive, limit: int, scan: bool) -> Receive:
    seen = 0
    tail = b""

    async def guarded() -> Message:
        nonlocal seen, tail
        message = await receive()
        if message["type"] == "http.request":
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                raise HTTPException(413, f"The request body is larger than {limit} bytes")
            if scan and chunk:
                window = tail + chunk
                if _CONTROL_ESCAPE.search(window):
                    raise HTTPException(422, "Text in the request contains NUL or other control characters")
                tail = window[-6:]
        return message

    return guarded


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    import json

    shape = [{"code": status, "description": message}] if scope["path"].startswith(OPEN311_PREFIX) else \
        error_body(code, message)
    body = json.dumps(shape).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
