"""Wire types of sites, devices and telemetry ingestion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from backend_client.schemas.common import Id, WireModel

RESOURCES = ("electricity", "heat", "water")
UNITS = {"electricity": "kWh", "heat": "Gcal", "water": "m³"}


class SiteIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: str = Field("office", max_length=32)
    address: str = Field("", max_length=300)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    open_hour: int = Field(8, ge=0, le=24)
    close_hour: int = Field(18, ge=0, le=24)
    open_days: str = Field("01234", pattern=r"^[0-6]{0,7}$")


class SiteOut(WireModel):
    id: int
    code: str
    name: str
    kind: str
    address: str
    lat: float
    lon: float
    open_hour: int
    close_hour: int
    open_days: str


class DeviceIn(BaseModel):
    uid: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str = Field(min_length=1, max_length=200)
    site_id: Id | None = None
    kind: str = Field("meter", max_length=32)
    resource: str | None = Field(None, pattern=r"^(electricity|heat|water)$")
    key: str = Field("value", min_length=1, max_length=32)
    unit: str = Field("", max_length=16)
    interval_s: int = Field(900, ge=1, le=86400)


class DeviceOut(WireModel):
    id: int
    uid: str
    name: str
    site_id: int | None
    kind: str
    resource: str | None
    key: str
    unit: str
    interval_s: int
    active: bool
    last_seen_at: datetime | None


class SiteTree(SiteOut):
    """A site with its devices, for the energy panel's tree."""

    devices: list[DeviceOut] = []


class TelemetryPost(BaseModel):
    """POST /api/v1/telemetry: the ThingsBoard body plus the device it comes from."""

    device: str
    payload: Any = Field(description='{"ts": ms, "values": {...}} or a list of them')


class IngestResult(BaseModel):
    stored: int
    duplicates: int
    rejected: dict[str, int]


class TelemetryStats(BaseModel):
    """Counters across all instances (from the database), plus this process's ingest figures."""

    stored: int
    duplicates: int
    rejected: dict[str, int]
    last_rejection: dict[str, str] = {}
    process: dict[str, Any] = {}
