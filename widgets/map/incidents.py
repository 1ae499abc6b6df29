"""Loading the open incidents the map shows (runs on a worker thread; no Qt)."""
from __future__ import annotations

from typing import Any

from widgets.map.layers import OPEN_STATUSES

PAGE = 500
MAX_INCIDENTS = 20_000  # a sane ceiling for one map


def fetch_open_incidents(api: Any) -> list[dict]:
    """Every open incident, page by page, as plain JSON dicts."""
    out: list[dict] = []
    offset = 0
    while offset < MAX_INCIDENTS:
        params = [("status", s) for s in OPEN_STATUSES] + [("limit", str(PAGE)), ("offset", str(offset))]
        body = api.request("GET", "/api/v1/incidents", params=params)
        rows = body.get("items", []) if isinstance(body, dict) else list(body or [])
        out.extend(rows)
        total = body.get("total") if isinstance(body, dict) else None
        offset += len(rows)
        if len(rows) < PAGE or (total is not None and offset >= total):
            break
    return out
