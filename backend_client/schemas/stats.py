"""Key figures under /api/v1/stats: the same numbers for the wall screen, the shift report and anyone who asks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class StatsEndpoint(BaseModel):
    domain: str
    path: str


class StatsIndex(BaseModel):
    """What GET /api/v1/stats lists: every registered domain's figures."""

    endpoints: list[StatsEndpoint]


class Sla(BaseModel):
    """Of the SLA deadlines that fell in a window (and have passed), how many were met."""

    due: int
    met: int
    compliance: float | None  # met / due; None when nothing fell due


class GroupCount(BaseModel):
    key: str
    count: int


class CriticalIncident(BaseModel):
    id: int
    number: str
    category: str
    status: str
    address: str
    description: str
    assignee: str | None
    created_at: datetime
    age_minutes: int
    # What was done: the last comment and how many status changes it went through.
    last_comment: str | None = None
    status_changes: int = 0


class IncidentStats(BaseModel):
    """The city now: GET /api/v1/stats/incidents (days and weeks are the city's, Europe/Moscow)."""

    now: datetime
    open_total: int
    open_by_category: list[GroupCount]
    open_by_priority: list[GroupCount]
    overdue: int
    opened_today: int
    resolved_today: int
    sla_today: Sla
    sla_week: Sla
    sla_last_week: Sla
    median_resolution_minutes_today: float | None
    median_resolution_minutes_week: float | None
    opened_by_hour: list[int]  # the last 24 hours, oldest first
    critical_hours: int
    critical_recent: list[CriticalIncident]


class ServiceFigures(BaseModel):
    service: str  # the city service's code; "" for unassigned
    name: str
    opened: int
    resolved: int
    median_resolution_minutes: float | None


class IncidentPeriodStats(BaseModel):
    """One period: GET /api/v1/stats/incidents/period?from=&to= (what the shift report prints)."""

    start: datetime
    end: datetime
    opened: int
    resolved: int
    overdue: int  # deadlines in the period missed: not resolved by the due time
    sla: Sla
    median_resolution_minutes: float | None
    by_category: list[GroupCount]  # opened in the period
    by_priority: list[GroupCount]
    by_service: list[ServiceFigures]
    opened_by_hour: list[int]  # per hour of the period (at most 24 * 31)
    critical: list[CriticalIncident]


class ResourceUse(BaseModel):
    resource: str
    unit: str
    used: float
    expected: float | None  # the baseline for the same part of the day
    deviation: float | None  # used / expected − 1


class BuildingInAlarm(BaseModel):
    site_id: int | None
    site: str
    alarms: int
    worst: str  # critical | major | minor | warning


class EnergyStats(BaseModel):
    """GET /api/v1/stats/energy: today's use of the city against the expected, buildings in alarm."""

    now: int  # epoch ms
    day_start: int
    resources: list[ResourceUse]
    active_alarms: int
    buildings_in_alarm: list[BuildingInAlarm]


class AlarmRow(BaseModel):
    raised_at: datetime
    site: str
    device: str
    type: str
    severity: str
    state: str
    message: str


class EnergyPeriodStats(BaseModel):
    start: datetime
    end: datetime
    raised: int
    by_severity: list[GroupCount]
    by_type: list[GroupCount]
    alarms: list[AlarmRow]  # the first 500 in time order


class ArchiveAccess(BaseModel):
    at: datetime
    username: str
    action: str  # recording.playback | recording.export | recording.export_download
    target: str
    reason: str


class ArchiveStats(BaseModel):
    """GET /api/v1/stats/archive?from=&to=: who looked at or exported video, and why (supervisors)."""

    start: datetime
    end: datetime
    views: int
    exports: int
    downloads: int
    by_user: list[GroupCount]
    entries: list[ArchiveAccess]  # the first 500 in time order
