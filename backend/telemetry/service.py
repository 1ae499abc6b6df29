"""Sites and devices: register, list, look up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, NotFound
from backend.telemetry.models import Device, Site, TelemetryCounter
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
