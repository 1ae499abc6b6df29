"""If-Match as RFC 9110 §13.1.1 says: `*` or a list of entity tags, compared strongly (a weak
tag W/"3" never matches), so every domain with versioned rows reads the header the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend.errors import BadRequest

_TAG = re.compile(r'\s*(?:(W/)?"([\x21\x23-\x7e]*)"|(\d{1,18}))\s*')


@dataclass(frozen=True)
class IfMatch:
    any: bool  # "*": any current representation
    strong: tuple[str, ...]  # the opaque tags (without quotes) that can match; weak ones cannot

    def matches(self, current: str) -> bool:
        return self.any or current in self.strong

    def versions(self) -> tuple[int, ...]:
        """The strong tags that are version numbers (the ETag of a versioned row is "<version>")."""
        return tuple(int(t) for t in self.strong if t.isascii() and t.isdigit() and len(t) <= 18)


def parse_if_match(header: str | None) -> IfMatch | None:
    """None when the header is absent or blank; BadRequest when it is not `*` or entity tags."""
    if header is None or not header.strip():
        return None
    if header.strip() == "*":
        return IfMatch(any=True, strong=())
    strong, pos = [], 0
    while pos < len(header):
        m = _TAG.match(header, pos)
        if not m:
            raise BadRequest(f'If-Match must be "*" or quoted entity tags such as "3"; got {header[:60]!r}')
        if m.group(3) is not None:
            strong.append(m.group(3))  # a bare version number, as older clients send it: taken as "N"
        elif not m.group(1):
            strong.append(m.group(2))
        pos = m.end()
        if pos < len(header):
            if header[pos] != ",":
                raise BadRequest(f'If-Match must be "*" or quoted entity tags such as "3"; got {header[:60]!r}')
            pos += 1
    return IfMatch(any=False, strong=tuple(strong))
