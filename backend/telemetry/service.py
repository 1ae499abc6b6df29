"""Sites and devices: register, list, look up; bulk import of a past never stored."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, NotFound
from backend.telemetry.models import Device, HourlyRollup, Reading, Site, TelemetryCounter
from backend_client.schemas.telemetry import UNITS, DeviceIn, SiteIn, TelemetryStats


def create_site(session: Session, *, data: SiteIn) -> Site:
    if session.scalar(select(Site.id).where(Site.code == data.code)) is not None:
        raise Conflict(f"A site with code {data.code} already exists", code=data.code)
    site = Site(**data.model_dump())
    session.add(site)
    session.flush()
    return site


def create_device(session: Session, *, data: DeviceIn) -> Device:
    if session.scalar(select(Device.id).where(Device.uid == data.uid)) is not None:
        raise Conflict(f"A device with id {data.uid} already exists", uid=data.uid)
    if data.site_id is not None and session.get(Site, data.site_id) is None:
        raise NotFound("site", data.site_id)
    values = data.model_dump()
    if not values["unit"] and data.resource:
        values["unit"] = UNITS[data.resource]
    device = Device(**values)
    session.add(device)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(f"A device with id {data.uid} already exists", uid=data.uid) from None
    return device


def list_sites(session: Session) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.kind, Site.name)))


def list_devices(session: Session, *, site_id: int | None = None, resource: str | None = None) -> list[Device]:
    q = select(Device).order_by(Device.site_id, Device.resource, Device.uid)
    if site_id is not None:
        q = q.where(Device.site_id == site_id)
    if resource is not None:
        q = q.where(Device.resource == resource)
    return list(session.scalars(q))


def get_device(session: Session, uid: str) -> Device:
    device = session.scalar(select(Device).where(Device.uid == uid))
    if device is None:
        raise NotFound("device", uid)
    return device


def stats(session: Session) -> TelemetryStats:
    rows = list(session.scalars(select(TelemetryCounter)))
    counts = {r.name: r.count for r in rows}
    rejected = {r.name.removeprefix("rejected."): r.count for r in rows if r.name.startswith("rejected.")}
    last = {r.name.removeprefix("rejected."): r.last_detail for r in rows
            if r.name.startswith("rejected.") and r.last_detail}
    return TelemetryStats(stored=counts.get("stored", 0), duplicates=counts.get("duplicate", 0),
                          rejected=rejected, last_rejection=last)


def has_history(session: Session, device_ids: list[int]) -> bool:
    return session.scalar(select(HourlyRollup.device_id).where(HourlyRollup.device_id.in_(device_ids)).limit(1)) \
        is not None


def last_reading_ts(session: Session, device_ids: list[int]) -> dict[int, int]:
    """{device id: ts of its newest reading} for those that have one."""
    return dict(session.execute(select(Reading.device_id, func.max(Reading.ts))
                                .where(Reading.device_id.in_(device_ids)).group_by(Reading.device_id)).all())


def mark_seen(session: Session, device_ids: list[int], at: datetime) -> None:
    session.execute(update(Device).where(Device.id.in_(device_ids)).values(last_seen_at=at))


def import_history(session: Session, *, readings: Iterable[tuple], hourly: Iterable[tuple],
                   daily: Iterable[tuple]) -> None:
    """Bulk-load a past that was never stored: raw readings (device_id, key, ts, value) and their
    rollups, already summed (device_id, key, bucket, count, sum, min, max), for periods with no
    readings yet (a metering archive's import, the demo's past year). Live data goes through ingest."""
    rollup = ("device_id", "key", "bucket", "count", "sum", "min", "max")
    _bulk(session, "readings_hourly", rollup, hourly)
    _bulk(session, "readings_daily", rollup, daily)
    _bulk(session, "readings", ("device_id", "key", "ts", "value"), readings)


def _bulk(session: Session, table: str, cols: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """COPY on PostgreSQL (a year of rollups in a second), executemany elsewhere."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
    else:
        marks = ", ".join("?" * len(cols))
        conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", list(rows))
