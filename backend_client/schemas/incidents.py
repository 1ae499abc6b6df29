"""Incident wire types: one definition, used by the backend as response models and by the client.

Codes (categories, priorities, statuses, sources) are English identifiers; the desktop
translates them for display. The lifecycle table is here so the client can offer only
the transitions the server will accept.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import ConfigDict, Field, field_validator

from backend_client.schemas.common import WireModel

Priority = Literal["critical", "high", "medium", "low"]
Status = Literal["new", "acknowledged", "in_progress", "resolved", "closed", "rejected", "duplicate"]
Source = Literal["citizen", "operator", "sensor_alarm", "camera", "transit", "traffic"]
CategoryCode = Literal["street_lighting", "roads", "waste", "utilities", "public_transport",
                       "excavation", "traffic_lights", "public_order", "landscaping", "other"]
SortKey = Literal["created_at", "-created_at", "priority", "-priority", "sla_due_at", "-sla_due_at",
                  "updated_at", "-updated_at"]

PRIORITIES: tuple[str, ...] = ("critical", "high", "medium", "low")  # most urgent first
STATUSES: tuple[str, ...] = ("new", "acknowledged", "in_progress", "resolved", "closed", "rejected", "duplicate")
OPEN_STATUSES: tuple[str, ...] = ("new", "acknowledged", "in_progress")  # the SLA clock runs
SOURCES: tuple[str, ...] = ("citizen", "operator", "sensor_alarm", "camera", "transit", "traffic")
CATEGORY_NAMES: dict[str, str] = {
    "street_lighting": "Street lighting",
    "roads": "Roads and sidewalks",
    "waste": "Waste and cleaning",
    "utilities": "Heating, water and sewerage",
    "public_transport": "Public transport",
    "excavation": "Excavation works",
    "traffic_lights": "Traffic lights and intersections",
    "public_order": "Public order",
    "landscaping": "Landscaping",
    "other": "Other",
}

# Status changes through POST .../status. "duplicate" is reached only through
# POST .../duplicate (it needs the original). Reopening a finished incident
# (closed, rejected, duplicate → ...) needs the supervisor role: REOPEN below.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("acknowledged", "rejected"),
    "acknowledged": ("in_progress", "rejected"),
    "in_progress": ("resolved", "rejected"),
    "resolved": ("closed", "in_progress"),
    "closed": ("in_progress",),
    "rejected": ("new",),
    "duplicate": ("new",),
}
REOPEN: frozenset[tuple[str, str]] = frozenset({("closed", "in_progress"), ("rejected", "new"), ("duplicate", "new")})


MAX_ID = 2**31 - 1


def _no_nul(v: str | None) -> str | None:
    if v is not None and "\x00" in v:
        raise ValueError("must not contain NUL characters")
    return v


def incident_number(incident_id: int) -> str:
    """The number people say on the phone: И-000123."""
    return f"И-{incident_id:06d}"


class IncidentOut(WireModel):
    id: int
    client_uuid: UUID | None = None
    number: str
    category: CategoryCode
    priority: Priority
    status: Status
    duplicate_of: int | None = None
    lat: float
    lon: float
    address: str
    description: str
    source: Source
    assignee: str | None = None  # city service code
    created_by: str | None = None  # user name of whoever logged it
    created_at: datetime
    updated_at: datetime
    sla_due_at: datetime
    overdue: bool
    version: int
    comment_count: int = 0
    attachment_count: int = 0


class IncidentCreate(WireModel):
    client_uuid: UUID | None = Field(default=None, description="made by the client; a repeat is not a new incident")
    category: CategoryCode
    priority: Priority = "medium"
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str = Field(default="", max_length=300)
    description: str = Field(min_length=1, max_length=4000)
    source: Source = "operator"
    assignee: str | None = Field(default=None, max_length=32)

    @field_validator("description")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v

    _clean = field_validator("description", "address", "assignee")(_no_nul)


class IncidentPatch(WireModel):
    """Only the fields given change; send If-Match with the version you edited. Status, assignee
    and duplicate_of change through their own actions, so naming them here is an error, not a no-op."""

    model_config = ConfigDict(from_attributes=True, extra="forbid")

    category: CategoryCode | None = None
    priority: Priority | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, min_length=1, max_length=4000)
    source: Source | None = None

    _clean = field_validator("description", "address")(_no_nul)


class StatusChange(WireModel):
    status: Status
    comment: str | None = Field(default=None, max_length=4000)

    _clean = field_validator("comment")(_no_nul)


class StatusUndo(WireModel):
    """Undo your own last status change: ``status`` is the one the incident had before it."""

    status: Status


# How long after a status change its author may take it back (the desktop offers 10 s; the rest is
# room for the network and a retry).
UNDO_WINDOW_S = 30


class Assign(WireModel):
    assignee: str | None = Field(max_length=32, description="city service code; null to unassign")
    comment: str | None = Field(default=None, max_length=4000)

    _clean = field_validator("assignee", "comment")(_no_nul)


class MarkDuplicate(WireModel):
    duplicate_of: int = Field(ge=1, le=MAX_ID, strict=True)  # true or 1.5 is not an incident id
    comment: str | None = Field(default=None, max_length=4000)

    _clean = field_validator("comment")(_no_nul)


class CommentIn(WireModel):
    text: str = Field(min_length=1, max_length=4000)

    _clean = field_validator("text")(_no_nul)


class CommentOut(WireModel):
    id: int
    incident_id: int
    author: str
    text: str
    created_at: datetime


class HistoryEntryOut(WireModel):
    id: int
    incident_id: int
    who: str
    when: datetime
    field: str  # "created", a field name, "comment", "attachment"
    old: str | None = None
    new: str | None = None


class AttachmentOut(WireModel):
    id: int
    incident_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime
    url: str  # GET it with the bearer token to download


class CategoryOut(WireModel):
    code: CategoryCode
    name: str
    sla_hours: dict[str, float]  # priority → hours until due


class CityServiceOut(WireModel):
    code: str
    name: str
    phone: str = ""
    categories: list[str] = []


class IncidentQuery(WireModel):
    """The list endpoint's filters, for clients; to_params() gives the query string."""

    status: list[Status] = []
    category: list[CategoryCode] = []
    priority: list[Priority] = []
    q: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    bbox: tuple[float, float, float, float] | None = None  # min_lon, min_lat, max_lon, max_lat
    overdue: bool | None = None
    assignee: str | None = None
    sort: SortKey = "-created_at"
    offset: int = Field(default=0, ge=0)
    limit: int = Field(default=50, ge=1, le=500)

    def to_params(self) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = []
        for key in ("status", "category", "priority"):
            params += [(key, v) for v in getattr(self, key)]
        if self.q:
            params.append(("q", self.q))
        if self.since:
            params.append(("since", self.since.isoformat()))
        if self.until:
            params.append(("until", self.until.isoformat()))
        if self.bbox:
            params.append(("bbox", ",".join(repr(float(x)) for x in self.bbox)))
        if self.overdue is not None:
            params.append(("overdue", "true" if self.overdue else "false"))
        if self.assignee:
            params.append(("assignee", self.assignee))
        params += [("sort", self.sort), ("offset", str(self.offset)), ("limit", str(self.limit))]
        return params
