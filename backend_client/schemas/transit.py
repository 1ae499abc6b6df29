"""Transit wire types: stops with their boards, routes, live vehicles, arrivals, service alerts, feeds."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backend_client.schemas.stats import GroupCount


class FeedProblem(BaseModel):
    severity: str
    file: str
    line: int | None = None
    field: str | None = None
    message: str


class FeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    imported_at: datetime
    counts: dict = {}
    warnings: list[FeedProblem] = []


class BoardHealth(BaseModel):
    last_seen_at: datetime | None = None
    silent: bool = False  # no fetch for more than the silence limit
    incident_id: int | None = None


class StopOut(BaseModel):
    stop_id: str
    name: str
    lat: float
    lon: float
    routes: list[str] = []  # short names of the routes calling here
    board: BoardHealth | None = None  # smart stops only


class RouteOut(BaseModel):
    route_id: str
    short_name: str
    long_name: str
    color: str = ""
    vehicles: int = 0  # buses on the route now
    headway_min: float | None = None  # scheduled, at this hour
    adherence: float | None = None  # share of the route's buses within -1/+5 min of the timetable
    mean_delay_s: float | None = None


class RouteDetail(RouteOut):
    shapes: list[list[list[float]]] = []  # one [[lat, lon], ...] per direction
    stops: list[list[str]] = []  # stop ids per direction


class VehicleOut(BaseModel):
    vehicle_id: str
    ts: int  # epoch ms of its last report
    lat: float
    lon: float
    speed: float | None = None
    bearing: float | None = None
    route_id: str | None = None
    route: str | None = None  # short name
    trip_id: str | None = None
    headsign: str | None = None
    direction_id: int | None = None
    delay_s: int | None = None
    state: str  # in_service | at_terminus | not_reporting | off_route | no_trip
    matched: str = "none"  # reported | matched | none
    next_stop: str | None = None


class ArrivalOut(BaseModel):
    route_id: str
    route: str
    trip_id: str
    headsign: str
    vehicle_id: str | None = None
    scheduled_ms: int
    predicted_ms: int | None = None  # None: no live bus for this trip (the timetable stands)
    departed_ms: int | None = None  # set when the bus has already left this stop
    uncertainty_s: float | None = None
    status: str  # live | scheduled | departed


class Arrivals(BaseModel):
    stop_id: str
    name: str
    now_ms: int
    arrivals: list[ArrivalOut]
    alerts: list["AlertOut"] = []


def _aware(v: datetime | None) -> datetime | None:
    if v is not None and v.tzinfo is None:
        raise ValueError("needs a time zone, e.g. 2026-11-18T08:00:00+03:00")
    return v


def _no_nul(v: str | None) -> str | None:
    if v is not None and "\x00" in v:
        raise ValueError("must not contain NUL characters")
    return v


class AlertIn(BaseModel):
    route_id: str | None = None
    stop_ids: list[str] = []
    starts_at: datetime | None = None  # default: now
    ends_at: datetime | None = None
    header_ru: str = Field(min_length=1, max_length=200)
    header_en: str = Field("", max_length=200)
    text_ru: str = Field("", max_length=2000)
    text_en: str = Field("", max_length=2000)

    @field_validator("header_ru")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()

    _tz = field_validator("starts_at", "ends_at")(_aware)
    _nul = field_validator("header_ru", "header_en", "text_ru", "text_en", "route_id")(_no_nul)

    @model_validator(mode="after")
    def _period(self) -> "AlertIn":
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        if not self.route_id and not self.stop_ids:
            raise ValueError("an alert names a route or at least one stop")
        return self


class AlertPatch(BaseModel):
    route_id: str | None = None
    stop_ids: list[str] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    header_ru: str | None = Field(None, min_length=1, max_length=200)
    header_en: str | None = Field(None, max_length=200)
    text_ru: str | None = Field(None, max_length=2000)
    text_en: str | None = Field(None, max_length=2000)

    _tz = field_validator("starts_at", "ends_at")(_aware)
    _nul = field_validator("header_ru", "header_en", "text_ru", "text_en", "route_id")(_no_nul)


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    route_id: str | None
    stop_ids: list[str]
    starts_at: datetime
    ends_at: datetime | None
    header_ru: str
    header_en: str
    text_ru: str
    text_en: str
    created_by: str
    updated_at: datetime
    version: int
    active: bool = False


class IngestStats(BaseModel):
    dropped: dict[str, int]  # per reason
    vehicles: int


class MareyTrip(BaseModel):
    trip_id: str
    vehicle_id: str | None = None
    planned: list[list[float]]  # [[epoch ms, metres], ...] of the timetable
    actual: list[list[float]] = []  # [[epoch ms, metres], ...] of the bus's reports


class Marey(BaseModel):
    route_id: str
    direction_id: int
    stops: list[list]  # [[stop_id, name, metres], ...]
    trips: list[MareyTrip]


Arrivals.model_rebuild()


class RouteOnTime(BaseModel):
    route_id: str
    short_name: str
    buses: int
    on_time: int


class BoardDown(BaseModel):
    stop_id: str
    name: str
    last_seen_at: datetime | None
    silent_minutes: int | None


class TransitStats(BaseModel):
    """GET /api/v1/stats/transit: the buses on their trips now against the schedule, and the stop boards."""

    now_ms: int
    buses_on_trip: int
    buses_on_time: int
    on_time: float | None  # share of the buses on a trip within the adherence limits; None with no bus
    by_route: list[RouteOnTime]
    boards_total: int
    boards_down: int
    boards_down_list: list[BoardDown]
    faults_by_kind: list[GroupCount]  # open transit faults (silent board, silent bus, bunching, ...)
