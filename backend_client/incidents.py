"""Typed calls for /api/v1/incidents and /api/v1/services. No Qt; run it off the GUI thread."""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from backend_client.client import ApiClient
from backend_client.schemas.common import Page
from backend_client.schemas.incidents import (Assign, AttachmentOut, CategoryOut, CityServiceOut, CommentIn,
                                              CommentOut, HistoryEntryOut, IncidentCreate, IncidentOut,
                                              IncidentPatch, IncidentQuery, MarkDuplicate, StatusChange,
                                              StatusUndo)

BASE = "/api/v1/incidents"


def _headers(version: int | None, key: str | None) -> dict[str, str]:
    """If-Match for the version edited; Idempotency-Key for the change's own id."""
    h = {"If-Match": f'"{version}"'} if version is not None else {}
    if key is not None:
        h["Idempotency-Key"] = key
    return h


class IncidentsApi:
    """One method per incident endpoint, returning the wire types of backend_client.schemas.incidents."""

    def __init__(self, client: ApiClient) -> None:
        self.client = client

    # ------------------------------------------------------------ reading
    def list(self, query: IncidentQuery | None = None) -> Page[IncidentOut]:
        query = query or IncidentQuery()
        data = self.client.request("GET", BASE, params=query.to_params())
        return Page[IncidentOut].model_validate(data)

    def iter_all(self, query: IncidentQuery | None = None, *, max_rows: int | None = None) -> Iterator[IncidentOut]:
        """Every incident matching the query, page by page (page size = query.limit, at most 500)."""
        q = (query or IncidentQuery(limit=500)).model_copy()
        seen = 0
        while True:
            page = self.list(q)
            for item in page.items:
                yield item
                seen += 1
                if max_rows is not None and seen >= max_rows:
                    return
            if not page.items or q.offset + len(page.items) >= page.total:
                return
            q = q.model_copy(update={"offset": q.offset + len(page.items)})

    def get(self, incident_id: int) -> IncidentOut:
        return IncidentOut.model_validate(self.client.request("GET", f"{BASE}/{incident_id}"))

    def comments(self, incident_id: int) -> list[CommentOut]:
        return [CommentOut.model_validate(c) for c in self.client.request("GET", f"{BASE}/{incident_id}/comments")]

    def history(self, incident_id: int) -> list[HistoryEntryOut]:
        return [HistoryEntryOut.model_validate(h) for h in self.client.request("GET", f"{BASE}/{incident_id}/history")]

    def attachments(self, incident_id: int) -> list[AttachmentOut]:
        return [AttachmentOut.model_validate(a)
                for a in self.client.request("GET", f"{BASE}/{incident_id}/attachments")]

    def download_attachment(self, attachment: AttachmentOut) -> bytes:
        r = self.client.request("GET", attachment.url, raw=True)
        return r.content

    def categories(self) -> list[CategoryOut]:
        return [CategoryOut.model_validate(c) for c in self.client.request("GET", f"{BASE}/categories")]

    def services(self) -> list[CityServiceOut]:
        return [CityServiceOut.model_validate(s) for s in self.client.request("GET", "/api/v1/services")]

    # ------------------------------------------------------------ changing
    # Each change may carry ``key``, its Idempotency-Key: the server remembers the first answer
    # for it, so the call may be repeated (after a lost answer) without doing the change twice.
    def create(self, data: IncidentCreate, *, key: str | None = None) -> IncidentOut:
        """POST with Idempotency-Key = client_uuid (made here if missing) unless another key is given."""
        if data.client_uuid is None:
            data = data.model_copy(update={"client_uuid": uuid.uuid4()})
        out = self.client.request("POST", BASE, json=data.model_dump(mode="json"),
                                  headers={"Idempotency-Key": key or str(data.client_uuid)}, retry=True)
        return IncidentOut.model_validate(out)

    def patch(self, incident_id: int, version: int, changes: IncidentPatch | dict[str, Any], *,
              key: str | None = None) -> IncidentOut:
        """412 (ApiError) when someone changed the incident since `version`."""
        patch = changes if isinstance(changes, IncidentPatch) else IncidentPatch.model_validate(changes)
        out = self.client.request("PATCH", f"{BASE}/{incident_id}", json=patch.model_dump(mode="json", exclude_unset=True),
                                  headers=_headers(version, key), retry=key is not None)
        return IncidentOut.model_validate(out)

    def change_status(self, incident_id: int, status: str, *, version: int | None = None,
                      comment: str | None = None, key: str | None = None) -> IncidentOut:
        body = StatusChange(status=status, comment=comment).model_dump(mode="json")
        out = self.client.request("POST", f"{BASE}/{incident_id}/status", json=body, headers=_headers(version, key),
                                  retry=key is not None)
        return IncidentOut.model_validate(out)

    def undo_status(self, incident_id: int, status: str, *, version: int, key: str | None = None) -> IncidentOut:
        """Back to ``status``, the one before your own last status change (``version``: the one it made)."""
        body = StatusUndo(status=status).model_dump(mode="json")
        out = self.client.request("POST", f"{BASE}/{incident_id}/status/undo", json=body,
                                  headers=_headers(version, key), retry=key is not None)
        return IncidentOut.model_validate(out)

    def assign(self, incident_id: int, assignee: str | None, *, version: int | None = None,
               comment: str | None = None, key: str | None = None) -> IncidentOut:
        body = Assign(assignee=assignee, comment=comment).model_dump(mode="json")
        out = self.client.request("POST", f"{BASE}/{incident_id}/assign", json=body, headers=_headers(version, key),
                                  retry=key is not None)
        return IncidentOut.model_validate(out)

    def mark_duplicate(self, incident_id: int, duplicate_of: int, *, version: int | None = None,
                       comment: str | None = None, key: str | None = None) -> IncidentOut:
        body = MarkDuplicate(duplicate_of=duplicate_of, comment=comment).model_dump(mode="json")
        out = self.client.request("POST", f"{BASE}/{incident_id}/duplicate", json=body,
                                  headers=_headers(version, key), retry=key is not None)
        return IncidentOut.model_validate(out)

    def add_comment(self, incident_id: int, text: str, *, key: str | None = None) -> CommentOut:
        body = CommentIn(text=text).model_dump(mode="json")
        return CommentOut.model_validate(self.client.request("POST", f"{BASE}/{incident_id}/comments", json=body,
                                                             headers=_headers(None, key), retry=key is not None))

    def upload_attachment(self, incident_id: int, path: str | Path, *, key: str | None = None,
                          filename: str | None = None, content_type: str | None = None) -> AttachmentOut:
        path = Path(path)
        name = filename or path.name
        ctype = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        with path.open("rb") as fh:
            out = self.client.request("POST", f"{BASE}/{incident_id}/attachments", files={"file": (name, fh, ctype)},
                                      headers=_headers(None, key), retry=False, timeout=(3.05, 60))
        return AttachmentOut.model_validate(out)
