"""Silent meters → one incident per building: the meters of one site that stop reporting together
(a gateway or a power cut, as a rule) are one fault, so their `silent_meter` alarms share one
incident (source "sensor_alarm"); a meter without a site has its own. A meter that falls silent
while its building's incident is open joins it with a note; the incident is resolved with a note
when the last of its alarms clears. The rules duty runs this after every evaluation.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.auth.service import system_user
from backend.citytime import CITY_UTC_OFFSET_MS
from backend.energy.alarms import to_out
from backend.energy.models import Alarm
from backend.events.service import publish
from backend.telemetry.models import Device, Site
from backend_client.schemas.incidents import OPEN_STATUSES, IncidentCreate

SILENCE_NAMESPACE = uuid.UUID("0d6b2f7e-93a1-4c55-b8e2-5a4f1c9e7d30")
RULES_USER = "energy-rules"
KEEP_WATCHING = timedelta(days=7)  # cleared alarms looked at for an incident still to resolve
RESOURCE_RU = {"electricity": "электроэнергия", "heat": "тепло", "water": "вода"}


def _local(ms: int) -> str:
    return datetime.fromtimestamp((ms + CITY_UTC_OFFSET_MS) / 1000, timezone.utc).strftime("%d.%m %H:%M")


def _meter(device: Device) -> str:
    return f"{device.name} ({device.uid}, {RESOURCE_RU.get(device.resource or '', device.resource or '—')})"


def _user(session: Session):
    return system_user(session, RULES_USER, "Energy alarm rules")


def _link(session: Session, alarm: Alarm, incident_id: int, device: Device, site: Site | None) -> None:
    alarm.incident_id = incident_id
    session.flush()
    publish(session, "alarm.updated", to_out(alarm, device, site).model_dump(mode="json"))


def _create(session: Session, group: list[tuple[Alarm, Device, Site | None]]) -> int:
    from backend.incidents.service import create_incident

    first = min(group, key=lambda r: r[0].id)
    site = first[2]
    since = _local(min(a.period_start for a, _, _ in group))
    meters = "; ".join(_meter(d) for _, d, _ in group)
    if site is not None:
        text = (f"Здание «{site.name}» ({site.address}): счётчики не передают показания с {since}: {meters}. "
                f"Проверьте связь и питание узла учёта.")
    else:
        text = f"Счётчик не передаёт показания с {since}: {meters}. Проверьте связь и питание счётчика."
    lat, lon = (site.lat, site.lon) if site else (51.66, 35.65)
    utility = any(d.resource in ("heat", "water") for _, d, _ in group)
    data = IncidentCreate(client_uuid=uuid.uuid5(SILENCE_NAMESPACE, f"silent-meters:{first[0].id}"),
                          category="utilities" if utility else "other", priority="medium", lat=lat, lon=lon,
                          address=site.address if site else first[1].name, source="sensor_alarm",
                          description=text[:4000])
    incident, _ = create_incident(session, user=_user(session), data=data)
    return incident.id


def _resolve(session: Session, incident_id: int, note: str) -> bool:
    from backend.incidents.service import change_status, get_incident

    path = {"new": "acknowledged", "acknowledged": "in_progress", "in_progress": "resolved"}
    incident = get_incident(session, incident_id)
    walked = False
    while incident.status in path:
        nxt = path[incident.status]
        incident = change_status(session, user=_user(session), incident_id=incident.id, status=nxt,
                                 comment=note if nxt == "resolved" else None)
        walked = True
    return walked


def escalate(session: Session, *, now: datetime) -> dict[str, int]:
    """Open, join and resolve the silent meters' incidents as the alarms stand; the caller commits."""
    from backend.incidents.service import add_comment, get_incident

    rows = session.execute(
        select(Alarm, Device, Site).join(Device, Device.id == Alarm.device_id)
        .outerjoin(Site, Site.id == Alarm.site_id)
        .where(Alarm.type == "silent_meter",
               or_(Alarm.state != "cleared", Alarm.cleared_at >= now - KEEP_WATCHING))
        .order_by(Alarm.id)).all()
    stats = {"opened": 0, "joined": 0, "resolved": 0}
    groups: dict[tuple[str, int], list] = {}
    for row in rows:
        alarm = row[0]
        if alarm.state != "cleared":
            key = ("site", alarm.site_id) if alarm.site_id is not None else ("device", alarm.device_id)
            groups.setdefault(key, []).append(row)
    for group in groups.values():
        linked = {a.incident_id for a, _, _ in group if a.incident_id is not None}
        open_ids = sorted(i for i in linked if get_incident(session, i).status in OPEN_STATUSES)
        waiting = [r for r in group if r[0].incident_id is None]
        if not waiting:
            continue
        if open_ids:
            target = open_ids[0]
            for alarm, device, site in waiting:
                add_comment(session, user=_user(session), incident_id=target,
                            text=f"Замолчал ещё один счётчик: {_meter(device)}, с {_local(alarm.period_start)}.")
                _link(session, alarm, target, device, site)
                stats["joined"] += 1
        else:
            target = _create(session, waiting)
            for alarm, device, site in waiting:
                _link(session, alarm, target, device, site)
            stats["opened"] += 1
    # An incident is resolved when none of its alarms is active any more.
    by_incident: dict[int, list[Alarm]] = {}
    for alarm, _, _ in rows:
        if alarm.incident_id is not None:
            by_incident.setdefault(alarm.incident_id, []).append(alarm)
    for incident_id, alarms in by_incident.items():
        if all(a.state == "cleared" for a in alarms):
            back = max(a.period_end or a.period_start for a in alarms)
            if _resolve(session, incident_id, f"Счётчики снова передают показания (с {_local(back)})."):
                stats["resolved"] += 1
    return stats
