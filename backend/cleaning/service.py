"""Street sections (supervisors edit, audited), the machines' fixes in, and their day for the timeline."""

from __future__ import annotations

import json
import logging
import math
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.cleaning.coverage import day_bounds
from backend.cleaning.models import Fix, Section, Vehicle
from backend.db import utcnow
from backend.errors import AppError, NotFound, Unprocessable
from backend.events.service import publish
from backend.works import geo
from backend_client.schemas.cleaning import WORKS, SectionCreate, SectionOut, SectionPatch, TrackPoint, VehicleDay, VehicleOut

log = logging.getLogger(__name__)
MAX_TRACK_POINTS = 2000


def to_out(section: Section) -> SectionOut:
    return SectionOut.model_validate(section)


def _length(geometry: dict) -> float:
    return float(geo.metric(geometry).length)


def list_sections(session: Session, *, active: bool | None = True) -> list[SectionOut]:
    q = select(Section).order_by(Section.code)
    if active is not None:
        q = q.where(Section.active.is_(active))
    return [to_out(s) for s in session.scalars(q)]


def get_section(session: Session, section_id: int) -> Section:
    section = session.get(Section, section_id)
    if section is None:
        raise NotFound("Section", section_id)
    return section


def create_section(session: Session, *, user, data: SectionCreate) -> Section:
    if session.scalar(select(Section.id).where(Section.code == data.code)) is not None:
        raise AppError(409, "conflict", f"Section {data.code} exists already; edit it instead", code=data.code)
    values = data.model_dump(mode="json")
    section = Section(**values, length_m=_length(data.geometry), active=True, updated_at=utcnow())
    session.add(section)
    session.flush()
    record(session, user=user, action="cleaning.section.create", target=f"section:{section.id}",
           details={"code": section.code})
    publish(session, "cleaning.section_changed", to_out(section).model_dump(mode="json"))
    return section


def update_section(session: Session, *, user, section_id: int, patch: SectionPatch) -> Section:
    section = get_section(session, section_id)
    values = patch.model_dump(exclude_unset=True, mode="json")
    if nulls := [k for k, v in values.items() if v is None]:
        raise Unprocessable(f"{', '.join(nulls)} cannot be emptied", fields=nulls)
    if "schedule" in values and not values["schedule"]:
        raise Unprocessable("A section needs at least one schedule rule", field="schedule")
    for k, v in values.items():
        setattr(section, k, v)
    section.updated_at = utcnow()
    session.flush()
    record(session, user=user, action="cleaning.section.update", target=f"section:{section.id}",
           details={"code": section.code, "fields": sorted(values)})
    publish(session, "cleaning.section_changed", to_out(section).model_dump(mode="json"))
    return section


# ---------------------------------------------------------------- machines

def parse_fix(vehicle_id: str, payload: bytes | str | dict) -> dict[str, Any] | None:
    """A city/fleet/{id} message as a fix row, or None (logged) when it is not one."""
    try:
        data = payload if isinstance(payload, dict) else json.loads(payload)
        fix = {"vehicle_id": vehicle_id[:32], "ts": int(data["ts"]), "lat": float(data["lat"]),
               "lon": float(data["lon"]), "speed": float(data.get("speed") or 0.0), "work": str(data.get("work", "none"))}
    except (ValueError, TypeError, KeyError, json.JSONDecodeError):
        log.debug("fleet message of %s is not a fix: %r", vehicle_id, payload)
        return None
    if not vehicle_id or fix["work"] not in WORKS or not (-90 <= fix["lat"] <= 90 and -180 <= fix["lon"] <= 180) \
            or not math.isfinite(fix["speed"]):
        return None
    return fix


def ingest_fixes(session: Session, fixes: list[dict[str, Any]]) -> int:
    """Store fixes and move the machines to their latest; the caller commits."""
    if not fixes:
        return 0
    session.execute(Fix.__table__.insert(), fixes)
    latest: dict[str, dict[str, Any]] = {}
    for f in fixes:
        if f["vehicle_id"] not in latest or f["ts"] > latest[f["vehicle_id"]]["ts"]:
            latest[f["vehicle_id"]] = f
    for vid, f in latest.items():
        v = session.get(Vehicle, vid)
        if v is None:
            v = Vehicle(id=vid)
            session.add(v)
        if v.last_ts is None or f["ts"] >= v.last_ts:
            v.lat, v.lon, v.speed, v.work, v.last_ts = f["lat"], f["lon"], f["speed"], f["work"], f["ts"]
    session.flush()
    return len(fixes)


def list_vehicles(session: Session) -> list[VehicleOut]:
    return [VehicleOut(id=v.id, lat=v.lat, lon=v.lon, speed=v.speed, work=v.work, last_ts=v.last_ts)
            for v in session.scalars(select(Vehicle).order_by(Vehicle.id))]


def vehicle_days(session: Session, *, day: date, tracks: bool = False) -> list[VehicleDay]:
    """Each machine's day as runs of one kind of work (a silence over 2 min ends a run)."""
    start, end = day_bounds(day)
    rows = session.execute(select(Fix.vehicle_id, Fix.ts, Fix.lat, Fix.lon, Fix.work)
                           .where(Fix.ts >= start, Fix.ts < end).order_by(Fix.vehicle_id, Fix.ts)).all()
    out: dict[str, VehicleDay] = {}
    for vid, ts, lat, lon, work in rows:
        day_ = out.setdefault(vid, VehicleDay(id=vid, runs=[]))
        if day_.runs and day_.runs[-1][2] == work and ts - day_.runs[-1][1] <= 120_000:
            day_.runs[-1] = (day_.runs[-1][0], ts, work)
        else:
            day_.runs.append((ts, ts, work))
        if tracks:
            day_.track.append(TrackPoint(ts=ts, lat=lat, lon=lon, work=work))
    for d in out.values():
        if len(d.track) > MAX_TRACK_POINTS:
            step = math.ceil(len(d.track) / MAX_TRACK_POINTS)
            d.track = d.track[::step]
    return [out[k] for k in sorted(out)]
