"""Alarm lifecycle: raise (or update) one active alarm per device and type, acknowledge, clear.

A critical alarm opens an incident (source "sensor_alarm") that names the alarm; the alarm
keeps the incident's id.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.auth.service import system_user
from backend.db import utcnow
from backend.energy.models import Alarm
from backend.errors import BadRequest, Conflict, NotFound
from backend.events.service import publish
from backend.incidents.service import create_incident
from backend.telemetry.models import Device, Site
from backend_client.schemas.energy import ALARM_STATES, SEVERITIES, AlarmOut
from backend_client.schemas.incidents import IncidentCreate

ALARM_NAMESPACE = uuid.UUID("6f0c39a4-7b9e-4f0e-9d54-4c0f2a1e8e11")
TITLES = {"over_baseline": "Consumption above the expected band",
          "night_use": "Electricity used while the building is closed",
          "water_leak": "Continuous water flow (possible leak)",
          "silent_meter": "Meter has stopped reporting"}

RULES_USER = "energy-rules"  # the account incidents opened by alarm rules are logged under


def to_out(alarm: Alarm, device: Device | None = None, site: Site | None = None) -> AlarmOut:
    out = AlarmOut.model_validate(alarm)
    out.device = device.uid if device else ""
    out.site = site.name if site else ""
    return out


def _out(session: Session, alarm: Alarm) -> dict:
    device = session.get(Device, alarm.device_id)
    site = session.get(Site, alarm.site_id) if alarm.site_id else None
    return to_out(alarm, device, site).model_dump(mode="json")


def active_alarm(session: Session, device_id: int, type_: str) -> Alarm | None:
    return session.scalar(select(Alarm).where(Alarm.device_id == device_id, Alarm.type == type_,
                                              Alarm.state != "cleared"))


def raise_alarm(session: Session, *, device: Device, type_: str, severity: str, message: str,
                period_start: int, value: float | None = None, threshold: float | None = None,
                code: str = "", params: dict | None = None, now: datetime | None = None) -> Alarm:
    """The device's active alarm of this type, raised now or updated (severity, value).

    `message` is the English text; `code` and `params` say the same for clients that translate.
    """
    params = dict(params or {})
    if severity not in SEVERITIES:
        raise ValueError(severity)
    now = now or utcnow()
    alarm = active_alarm(session, device.id, type_)
    if alarm is None:
        alarm = Alarm(device_id=device.id, site_id=device.site_id, type=type_, severity=severity,
                      state="active_unack", message=message, message_code=code, message_params=params,
                      value=value, threshold=threshold,
                      period_start=period_start, raised_at=now, updated_at=now)
        try:
            with session.begin_nested():
                session.add(alarm)
        except IntegrityError:  # another instance raised it a moment ago
            alarm = active_alarm(session, device.id, type_)
            if alarm is None:
                raise
        else:
            publish(session, "alarm.raised", _out(session, alarm))
            if severity == "critical":
                open_incident(session, alarm)
            return alarm
    changed = alarm.severity != severity or alarm.message != message
    alarm.value, alarm.threshold = value, threshold
    if changed:
        escalated = SEVERITIES.index(severity) < SEVERITIES.index(alarm.severity)
        alarm.severity, alarm.message, alarm.updated_at = severity, message, now
        alarm.message_code, alarm.message_params = code, params
        session.flush()
        publish(session, "alarm.updated", _out(session, alarm))
        if escalated and severity == "critical":
            open_incident(session, alarm)
    return alarm


def clear_alarm(session: Session, alarm: Alarm, *, period_end: int, now: datetime | None = None) -> Alarm:
    if alarm.state == "cleared":
        return alarm
    now = now or utcnow()
    alarm.state, alarm.cleared_at, alarm.updated_at = "cleared", now, now
    alarm.period_end = max(period_end, alarm.period_start)
    session.flush()
    publish(session, "alarm.updated", _out(session, alarm))
    return alarm


def acknowledge(session: Session, *, alarm_id: int, user) -> Alarm:
    alarm = session.get(Alarm, alarm_id)
    if alarm is None:
        raise NotFound("alarm", alarm_id)
    if alarm.state == "cleared":
        raise Conflict("This alarm has already cleared; there is nothing to acknowledge", id=alarm_id)
    if alarm.state == "active_ack":
        return alarm
    now = utcnow()
    alarm.state, alarm.acked_at, alarm.acked_by, alarm.updated_at = "active_ack", now, user.username, now
    session.flush()
    record(session, user=user, action="alarm.acknowledge", target=f"alarm:{alarm.id}",
           details={"type": alarm.type, "severity": alarm.severity})
    publish(session, "alarm.updated", _out(session, alarm))
    return alarm


def open_incident(session: Session, alarm: Alarm) -> int | None:
    """Open the incident of a critical alarm (once); returns its id."""
    if alarm.incident_id is not None:
        return alarm.incident_id
    device = session.get(Device, alarm.device_id)
    site = session.get(Site, alarm.site_id) if alarm.site_id else None
    where = f"{site.name}, {site.address}" if site else device.name
    text = (f"{TITLES.get(alarm.type, alarm.type)}: {device.name} ({device.uid}) at {where}. "
            f"{alarm.message} [energy alarm #{alarm.id}]")
    data = IncidentCreate(
        client_uuid=uuid.uuid5(ALARM_NAMESPACE, f"alarm:{alarm.id}"),
        category="utilities" if device.resource in ("heat", "water") else "other",
        priority="critical", lat=site.lat if site else 51.66, lon=site.lon if site else 35.65,
        address=site.address if site else "", description=text[:4000], source="sensor_alarm")
    incident, _ = create_incident(session, user=system_user(session, RULES_USER, "Energy alarm rules"), data=data)
    alarm.incident_id = incident.id
    session.flush()
    publish(session, "alarm.updated", _out(session, alarm))
    return incident.id


def list_alarms(session: Session, *, state: str | None = None, device: str | None = None,
                site_id: int | None = None, start: int | None = None, end: int | None = None,
                limit: int = 500) -> list[AlarmOut]:
    q = (select(Alarm, Device, Site).join(Device, Device.id == Alarm.device_id)
         .outerjoin(Site, Site.id == Alarm.site_id).order_by(Alarm.raised_at.desc()).limit(limit))
    if state == "active":
        q = q.where(Alarm.state != "cleared")
    elif state is not None:
        if state not in ALARM_STATES:
            raise BadRequest(f"state must be active or one of {', '.join(ALARM_STATES)}", state=state)
        q = q.where(Alarm.state == state)
    if device is not None:
        q = q.where(Device.uid == device)
    if site_id is not None:
        q = q.where(Alarm.site_id == site_id)
    if end is not None:
        q = q.where(Alarm.period_start < end)
    if start is not None:
        q = q.where((Alarm.period_end.is_(None)) | (Alarm.period_end > start))
    return [to_out(a, d, s) for a, d, s in session.execute(q)]
