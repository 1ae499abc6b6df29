"""Wire types of the excavation permit registry and the legality check."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from backend_client.schemas.common import UtcDateTime, WireModel
from backend_client.schemas.stats import GroupCount

PERMIT_STATUSES: tuple[str, ...] = ("applied", "granted", "suspended", "closed", "expired")
PURPOSES: tuple[str, ...] = ("heating_main", "water", "sewerage", "cable", "gas", "road", "landscaping", "other")
# The verdicts of GET /works/check, best first.
VERDICTS: tuple[str, ...] = ("legal", "outside_hours", "licence_expired", "expired", "suspended", "no_permit")
VERDICT_TITLES: dict[str, str] = {
    "legal": "Legal", "outside_hours": "Outside the allowed hours", "licence_expired": "Contractor's licence expired",
    "expired": "Permit expired", "suspended": "Permit suspended", "no_permit": "No permit here"}
PermitStatus = Literal["applied", "granted", "suspended", "closed", "expired"]
Verdict = Literal["legal", "outside_hours", "licence_expired", "expired", "suspended", "no_permit"]
_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
GEOMETRY_TYPES = ("Polygon", "LineString", "Point")


class PermitDocument(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    url: str = Field(default="", max_length=1000)


def _check_geometry(geometry: dict[str, Any]) -> dict[str, Any]:
    """A GeoJSON Polygon, LineString or Point in WGS 84, with coordinates that make sense."""
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        raise ValueError(f"geometry must be a GeoJSON Polygon, LineString or Point, not {kind!r}")
    coords = geometry.get("coordinates")
    points = {"Point": lambda c: [c], "LineString": lambda c: c,
              "Polygon": lambda c: [p for ring in c for p in ring]}[kind]
    try:
        flat = points(coords)
        pairs = [(float(p[0]), float(p[1])) for p in flat]
    except (TypeError, IndexError, ValueError):
        raise ValueError(f"the coordinates of a {kind} are not [lon, lat] pairs") from None
    if not pairs or (kind == "LineString" and len(pairs) < 2) or (kind == "Polygon" and len(pairs) < 4):
        raise ValueError(f"a {kind} needs more points")
    for lon, lat in pairs:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"[{lon}, {lat}] is not a WGS 84 [lon, lat] position")
    return {"type": kind, "coordinates": coords}


class PermitFields(WireModel):
    """What a permit says; shared by create, import and output."""

    number: str = Field(min_length=1, max_length=64, description="the permit's registry number (ордер №)")
    kind: str = Field(default="excavation", max_length=32)
    purpose: str = Field(default="other", description=f"one of {', '.join(PURPOSES)}")
    description: str = Field(default="", max_length=2000)
    address: str = Field(default="", max_length=300)
    contractor: str = Field(min_length=1, max_length=200)
    contractor_inn: str = Field(description="10 or 12 digits")
    licence_until: date | None = Field(default=None, description="the contractor's licence is valid until")
    responsible: str = Field(default="", max_length=200)
    responsible_phone: str = Field(default="", max_length=40)
    geometry: dict[str, Any] = Field(description="GeoJSON Polygon, LineString (with width_m) or Point (with radius_m)")
    width_m: float | None = Field(default=None, gt=0, le=200)
    radius_m: float | None = Field(default=None, gt=0, le=1000)
    valid_from: UtcDateTime
    valid_to: UtcDateTime
    hours_from: str = Field(default="00:00", description="allowed daily hours, city time HH:MM")
    hours_to: str = Field(default="24:00")
    status: PermitStatus = "applied"
    restore_by: date | None = Field(default=None, description="the surface must be restored by")
    documents: list[PermitDocument] = Field(default_factory=list)

    @field_validator("contractor_inn")
    @classmethod
    def _inn(cls, v: str) -> str:
        v = v.strip()
        if not re.fullmatch(r"\d{10}|\d{12}", v):
            raise ValueError("an INN is 10 digits (a company) or 12 digits (a sole trader)")
        return v

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, v: str) -> str:
        if v not in PURPOSES:
            raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}")
        return v

    @field_validator("hours_from", "hours_to")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v.strip()):
            raise ValueError("hours are HH:MM in city time, e.g. 08:00")
        return v.strip()

    @field_validator("geometry")
    @classmethod
    def _geometry(cls, v: dict[str, Any]) -> dict[str, Any]:
        return _check_geometry(v)

    @model_validator(mode="after")
    def _consistent(self) -> "PermitFields":
        kind = self.geometry["type"]
        if kind == "LineString" and self.width_m is None:
            raise ValueError("a permit drawn as a line needs width_m (the width of the dig, metres)")
        if kind == "Point" and self.radius_m is None:
            raise ValueError("a permit drawn as a point needs radius_m (metres)")
        if self.valid_from.tzinfo is None or self.valid_to.tzinfo is None:
            raise ValueError("valid_from and valid_to need a time zone (e.g. 2026-05-01T08:00:00+03:00)")
        if self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        if self.hours_from >= self.hours_to:
            raise ValueError("hours_from must be before hours_to (works across midnight need two permits)")
        return self


class PermitCreate(PermitFields):
    pass


class PermitPatch(BaseModel):
    """Only the fields given change; `version` guards against overwriting someone else's edit."""

    version: int | None = None
    status: PermitStatus | None = None
    valid_to: UtcDateTime | None = None
    hours_from: str | None = None
    hours_to: str | None = None
    restore_by: date | None = None
    licence_until: date | None = None
    responsible: str | None = None
    responsible_phone: str | None = None
    description: str | None = None
    address: str | None = None
    documents: list[PermitDocument] | None = None


class PermitOut(PermitFields):
    id: int
    version: int
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None = None
    restoration_overdue: bool = False
    restoration_incident_id: int | None = None


class ImportRowError(BaseModel):
    line: int = Field(description="CSV line (header is line 1) or GeoJSON feature number (from 1)")
    number: str = ""
    message: str


class ImportResult(BaseModel):
    created: int
    updated: int
    errors: list[ImportRowError] = Field(default_factory=list)


class NearbyPermit(BaseModel):
    id: int
    number: str
    status: str
    purpose: str
    contractor: str
    distance_m: float
    valid_to: datetime


class CheckResult(BaseModel):
    lat: float
    lon: float
    at: datetime
    verdict: Verdict
    title: str
    reasons: list[str]
    permit_id: int | None = None
    permit_number: str | None = None
    valid_until: datetime | None = None
    nearby: list[NearbyPermit] = Field(default_factory=list)


class PublicNearby(BaseModel):
    number: str
    purpose: str
    status: str
    distance_m: float
    valid_to: datetime


class PublicCheck(BaseModel):
    """What a resident sees: no names or phones of the contractor's staff."""

    verdict: Verdict
    title: str
    reasons: list[str]
    permit_number: str | None = None
    contractor: str | None = None
    valid_until: datetime | None = None
    nearby: list[PublicNearby] = Field(default_factory=list)


class WorksSummary(BaseModel):
    by_status: dict[str, int]
    expiring_this_week: list[PermitOut]
    restoration_overdue: list[PermitOut]


class IncidentCheck(BaseModel):
    """The verdict of an excavation incident's place, made when it was created or last moved."""

    incident_id: int
    lat: float
    lon: float
    checked_at: datetime
    verdict: Verdict
    title: str
    reasons: list[str]
    permit_number: str | None = None
    violation_recorded: bool = False


class ViolationCreate(BaseModel):
    note: str = Field(default="", max_length=2000)


class DigWithoutPermit(BaseModel):
    incident_id: int
    number: str
    address: str
    checked_at: datetime
    age_minutes: int


class OverdueRestoration(BaseModel):
    permit_id: int
    number: str
    contractor: str
    address: str
    restore_by: date
    days_overdue: int


class WorksStats(BaseModel):
    """GET /api/v1/stats/works: open excavation incidents by the permit check's verdict (those "no permit"
    listed), and the permits whose surface restoration is overdue."""

    today: date
    open_without_permit: int
    open_by_verdict: list[GroupCount]
    without_permit: list[DigWithoutPermit]
    permits_by_status: list[GroupCount]
    restoration_overdue: int
    overdue: list[OverdueRestoration]


class WorksPeriodStats(BaseModel):
    start: datetime
    end: datetime
    checked: int
    checked_by_verdict: list[GroupCount]
    permits_granted: int  # permits whose validity starts in the period
