"""Serving archive video: the Range header is parsed once, here, and the bytes served are exactly
the bytes the caller's audit permit was written for, whatever form the header takes.

Starlette's FileResponse parses Range on its own; an endpoint that decided whether to audit by
looking at the header itself could disagree with it (`bytes=-999999999`, `BYTES=0-`, `bytes= 0-`
all returned the whole export unaudited). Here one parse decides what is served, and the permit
is taken before the first byte leaves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from backend.errors import AppError

CHUNK = 256 * 1024
_MAX_DIGITS = 19  # a position needs at most 19 digits; more is not a byte position of any file here
_INT_RANGE = re.compile(r"(\d+)-(\d*)")
_SUFFIX_RANGE = re.compile(r"-(\d+)")


@dataclass(frozen=True)
class ByteSpan:
    """What will be served: bytes first..last (inclusive) of a file of `size` bytes."""

    first: int
    last: int
    size: int
    partial: bool  # 206 with Content-Range, or the whole file as 200

    @property
    def length(self) -> int:
        return self.last - self.first + 1 if self.size else 0

    def describe(self) -> str:
        return f"bytes {self.first}-{self.last}/{self.size}" if self.partial else f"whole/{self.size}"


def parse_range(header: str | None, size: int) -> ByteSpan:
    """RFC 9110 §14.2: the span to serve for `header` on a file of `size` bytes.

    The unit is case-insensitive and whitespace around the parts is allowed; a header that is not a
    valid bytes range set, or asks for several ranges, is ignored (the whole file, 200: the RFC lets a
    server ignore Range); a valid set none of whose ranges is satisfiable raises 416."""
    whole = ByteSpan(0, max(size - 1, 0), size, partial=False)
    if header is None:
        return whole
    unit, eq, spec = header.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        return whole
    parts = [p.strip() for p in spec.split(",")]
    parts = [p for p in parts if p]  # empty list elements are allowed (RFC 9110 §5.6.1)
    spans: list[tuple[int, int]] = []
    for part in parts:
        if m := _INT_RANGE.fullmatch(part):
            first_s, last_s = m.groups()
            if len(first_s) > _MAX_DIGITS or len(last_s) > _MAX_DIGITS:
                return whole
            first = int(first_s)
            last = int(last_s) if last_s else None
            if last is not None and last < first:
                return whole  # an invalid range-spec makes the whole header invalid
            if first < size:
                spans.append((first, min(last if last is not None else size - 1, size - 1)))
        elif m := _SUFFIX_RANGE.fullmatch(part):
            if len(m.group(1)) > _MAX_DIGITS:
                return whole
            n = int(m.group(1))
            if n > 0 and size > 0:
                spans.append((max(size - n, 0), size - 1))
        else:
            return whole
    if not parts:
        return whole
    if not spans:
        raise AppError(416, "range_not_satisfiable", f"The file has {size} bytes; the asked range is beyond it",
                       size=size, _headers={"Content-Range": f"bytes */{size}"})
    if len(parts) > 1:
        return whole  # multipart/byteranges is not offered; the whole file answers any set
    first, last = spans[0]
    return ByteSpan(first, last, size, partial=True)


def _read(path: Path, first: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        fh.seek(first)
        left = length
        while left > 0:
            block = fh.read(min(CHUNK, left))
            if not block:
                return
            left -= len(block)
            yield block


def serve_video(request: Request, path: Path, permit: Callable[[ByteSpan], None], *,
                filename: str | None = None, cache: str = "private, no-store") -> Response:
    """Parse the Range once, call `permit(span)` (it audits, or checks an audited permit, and may
    refuse), and only then stream exactly that span of `path`."""
    try:
        stat = os.stat(path)
    except OSError:
        raise AppError(410, "gone", "The video file is no longer on disk") from None
    # If-Range names a version we do not track: send the whole file, which is always right.
    header = None if "if-range" in request.headers else request.headers.get("range")
    span = parse_range(header, stat.st_size)
    permit(span)
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(span.length), "Cache-Control": cache,
               "Last-Modified": formatdate(stat.st_mtime, usegmt=True)}
    if span.partial:
        headers["Content-Range"] = f"bytes {span.first}-{span.last}/{span.size}"
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return StreamingResponse(_read(path, span.first, span.length), status_code=206 if span.partial else 200,
                             media_type="video/mp4", headers=headers)
