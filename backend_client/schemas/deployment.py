"""Wire types of a deployment's health details: what an admin sees of several instances."""

from __future__ import annotations

from pydantic import BaseModel

from backend_client.schemas.common import Health


class DutyState(BaseModel):
    name: str
    holder: str | None          # the instance holding its lease, wherever it runs; None: nobody now
    held_here: bool
    since: str | None = None    # when this instance took it (only known to the holder)


class AreaSize(BaseModel):
    area: str                   # a domain (its tables), or "other"
    bytes: int | None           # None where the database cannot tell (SQLite without dbstat)
    tables: dict[str, int | None]


class HealthDetails(BaseModel):
    instance: str
    database_dialect: str
    database_bytes: int | None
    areas: list[AreaSize]
    media_dir: str
    media_free_bytes: int
    media_total_bytes: int
    ingest: dict[str, float | int | None]   # queue, lag percentiles (ms), counters of this instance
    duties: list[DutyState]
    desktops_connected: int     # event streams open on this instance
    event_streams_total: int    # opened since start, on this instance


class HealthOut(Health):
    details: HealthDetails | None = None
