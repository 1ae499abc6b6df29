"""Wire types of street cleaning: sections with recurring schedules, machines, coverage."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from backend_client.schemas.common import WireModel
from backend_client.schemas.stats import GroupCount

KINDS: tuple[str, ...] = ("sweeping", "washing", "snow_clearing", "waste_collection")
WORKS: tuple[str, ...] = ("sweeping", "washing", "plowing", "none")  # what a machine reports doing
# Which reported work cleans a section of each kind (a waste truck's pass counts whatever it reports).
WORK_FOR_KIND: dict[str, tuple[str, ...]] = {"sweeping": ("sweeping",), "washing": ("washing",),
                                             "snow_clearing": ("plowing",),
                                             "waste_collection": ("sweeping", "washing", "plowing", "none")}
STATES: tuple[str, ...] = ("done", "partly", "missed", "not_due")
WEEKDAYS: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PATTERNS: tuple[str, ...] = ("daily", "weekly", "monthly_nth", "odd_dates", "even_dates")
_HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class ScheduleRule(BaseModel):
    """One recurring window, e.g. 2nd and 4th Tuesday 11:00–13:00 from 1 April to 30 November.

    daily: every day; weekly: on `weekdays`; monthly_nth: the `nth` (1…5, −1 = last) of `weekdays` in
    each month; odd_dates / even_dates: on odd / even days of the month. The season (MM-DD, inclusive)
    may wrap the new year (snow: 11-15 … 03-31). Times are city time (UTC+3)."""

    pattern: Literal["daily", "weekly", "monthly_nth", "odd_dates", "even_dates"]
    weekdays: list[Literal["MO", "TU", "WE", "TH", "FR", "SA", "SU"]] = Field(default_factory=list)
    nth: list[int] = Field(default_factory=list)
    start: str = "08:00"
    end: str = "17:00"
    season_from: str = "01-01"
    season_to: str = "12-31"

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError("times are HH:MM, e.g. 11:00")
        return v

    @field_validator("season_from", "season_to")
    @classmethod
    def _mmdd(cls, v: str) -> str:
        if not _MMDD.match(v):
            raise ValueError("a season boundary is MM-DD, e.g. 04-01")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "ScheduleRule":
        if self.start >= self.end:
            raise ValueError("the window must end after it starts (a night window across midnight is two rules)")
        if self.pattern in ("weekly", "monthly_nth") and not self.weekdays:
            raise ValueError(f"a {self.pattern} rule needs weekdays")
        if self.pattern == "monthly_nth" and (not self.nth or any(n not in (1, 2, 3, 4, 5, -1) for n in self.nth)):
            raise ValueError("a monthly_nth rule needs nth from 1…5 or −1 (the last)")
        return self


class SectionFields(WireModel):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=200)
    street: str = Field(default="", max_length=200)
    kind: Literal["sweeping", "washing", "snow_clearing", "waste_collection"]
    service: str = Field(min_length=1, max_length=64, description="the city service responsible (its code)")
    geometry: dict[str, Any] = Field(description="GeoJSON LineString, WGS 84")
    schedule: list[ScheduleRule] = Field(min_length=1)

    @field_validator("geometry")
    @classmethod
    def _line(cls, v: dict[str, Any]) -> dict[str, Any]:
        if v.get("type") != "LineString":
            raise ValueError("a street section is a GeoJSON LineString")
        try:
            pairs = [(float(p[0]), float(p[1])) for p in v["coordinates"]]
        except (KeyError, TypeError, IndexError, ValueError):
            raise ValueError("the coordinates are not [lon, lat] pairs") from None
        if len(pairs) < 2 or not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in pairs):
            raise ValueError("a section needs at least two WGS 84 [lon, lat] positions")
        return {"type": "LineString", "coordinates": [list(p) for p in pairs]}


class SectionCreate(SectionFields):
    pass


class SectionPatch(BaseModel):
    name: str | None = None
    kind: Literal["sweeping", "washing", "snow_clearing", "waste_collection"] | None = None
    service: str | None = None
    schedule: list[ScheduleRule] | None = None
    active: bool | None = None


class SectionOut(SectionFields):
    id: int
    length_m: float
    active: bool


class Window(BaseModel):
    start: datetime
    end: datetime


class SectionCoverage(BaseModel):
    section_id: int
    code: str
    name: str
    kind: str
    service: str
    window_start: datetime
    window_end: datetime
    state: Literal["done", "partly", "missed", "not_due"]
    share: float = Field(description="0…1 of the section's length passed by a machine doing its work")
    done_at: datetime | None = None
    vehicle: str | None = None
    incident_id: int | None = None


class Coverage(BaseModel):
    date: date
    computed_at: datetime
    sections: list[SectionCoverage]
    counts: dict[str, int]


class VehicleOut(BaseModel):
    id: str
    lat: float | None = None
    lon: float | None = None
    speed: float | None = None
    work: str = "none"
    last_ts: int | None = None


class TrackPoint(BaseModel):
    ts: int
    lat: float
    lon: float
    work: str


class VehicleDay(BaseModel):
    """A machine's day for the timeline: runs of the same work, in epoch ms."""

    id: str
    runs: list[tuple[int, int, str]]
    track: list[TrackPoint] = Field(default_factory=list)


class PublicSection(BaseModel):
    id: int
    name: str
    kind: str
    distance_m: float
    next_windows: list[Window]
    calendar: str = Field(description="path of the section's iCalendar feed")


class MissedRow(BaseModel):
    section_id: int
    code: str
    name: str
    service: str
    window_start: datetime
    share: float
    incident_id: int | None


class CleaningStats(BaseModel):
    """GET /api/v1/stats/cleaning: the section windows missed today (ended without the section cleaned)."""

    today: date
    sections_active: int
    missed_today: int
    missed_by_service: list[GroupCount]
    missed_by_kind: list[GroupCount]
    missed: list[MissedRow]


class CleaningPeriodStats(BaseModel):
    start: datetime
    end: datetime
    missed: int
    missed_by_service: list[GroupCount]
    rows: list[MissedRow]
