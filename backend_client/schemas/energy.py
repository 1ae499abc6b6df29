"""Wire types of energy series, totals, baselines and alarms."""

from __future__ import annotations

from datetime import datetime

from typing import Any

from pydantic import AliasChoices, BaseModel, Field

from backend_client.schemas.common import WireModel

SEVERITIES = ("critical", "major", "minor", "warning")
ALARM_STATES = ("active_unack", "active_ack", "cleared")
ALARM_TYPES = ("over_baseline", "night_use", "water_leak", "silent_meter")


class Series(BaseModel):
    """Buckets of one device key; arrays are aligned (column layout keeps the body small)."""

    device: str
    key: str
    unit: str
    resolution: str  # raw | hour | day: where the buckets came from
    bucket_ms: int
    ts: list[int]  # bucket starts, epoch ms
    min: list[float]
    avg: list[float]
    max: list[float]
    sum: list[float]
    count: list[int]
    # Expected consumption per bucket (same bucket widths) when asked with baseline=true.
    baseline: list[float | None] | None = None
    baseline_low: list[float | None] | None = None
    baseline_high: list[float | None] | None = None
    # Buckets left out because their figures were not finite (readings stored before the ingest
    # bound existed could overflow a sum): counted, never sent as null where a number is promised.
    skipped_nonfinite: int = 0


class TotalRow(BaseModel):
    site_id: int | None
    site: str | None
    resource: str
    unit: str
    total: float


class Totals(BaseModel):
    start: int
    end: int
    rows: list[TotalRow]  # per site and resource
    by_resource: dict[str, float]  # the city


class ResourceToday(BaseModel):
    resource: str
    unit: str
    used: float
    baseline: float | None


class TopConsumer(BaseModel):
    site_id: int
    site: str
    device: str
    resource: str
    unit: str
    used: float
    baseline: float | None


class Overview(BaseModel):
    day_start: int
    now: int
    resources: list[ResourceToday]
    top: list[TopConsumer]
    active_alarms: int


class AlarmOut(WireModel):
    id: int
    device_id: int
    device: str = ""
    site_id: int | None
    site: str = ""
    type: str
    severity: str
    state: str
    message: str = Field(description="What the rule saw, in English (see `code` and `params`)")
    # Additive: older servers send neither; clients then show `message` as it is.
    code: str = Field("", validation_alias=AliasChoices("code", "message_code"),
                      description="Stable code of `message` (e.g. `energy.silent_meter`); empty when unknown")
    params: dict[str, Any] = Field({}, validation_alias=AliasChoices("params", "message_params"),
                                   description="The values `message` is made of, by name (e.g. `minutes`)")
    value: float | None
    threshold: float | None
    period_start: int
    period_end: int | None
    raised_at: datetime
    updated_at: datetime
    acked_at: datetime | None
    acked_by: str | None
    cleared_at: datetime | None
    incident_id: int | None
