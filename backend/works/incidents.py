"""Excavation incidents checked against the registry, and incidents opened by overdue restorations.

Everything goes through backend.incidents.service: the verdict is written on the incident as a
comment (so the card shows it wherever it is opened), "no permit" raises the priority to high, and
a recorded violation is another comment, audited.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.auth.service import system_user
from backend.db import utcnow
from backend.errors import Conflict, NotFound
from backend.events.service import publish
from backend.incidents import service as incidents
from backend.works import check as checker
from backend.works.models import IncidentCheck, Permit
from backend_client.schemas.incidents import PRIORITIES, IncidentCreate, IncidentPatch
from backend_client.schemas.works import VERDICT_TITLES
from backend_client.schemas.works import IncidentCheck as IncidentCheckOut

CHECK_USER = ("works-check", "Excavation permit check")
RESTORATION_NAMESPACE = uuid.UUID("2b7f0d1e-54c3-4f7a-9e0b-8a4f1c9d3e21")
MOVE_TOLERANCE_DEG = 1e-6  # about 10 cm: a smaller change of place is not a move


def check_out(row: IncidentCheck) -> IncidentCheckOut:
    return IncidentCheckOut(incident_id=row.incident_id, lat=row.lat, lon=row.lon, checked_at=row.checked_at,
                            verdict=row.verdict, title=VERDICT_TITLES[row.verdict], reasons=row.reasons,
                            permit_number=row.permit_number, violation_recorded=row.violation_recorded)


def on_incident(session: Session, data: dict, *, now: datetime | None = None) -> IncidentCheck | None:
    """Check an excavation incident (from an incident.created/updated event) if it is new or moved."""
    if data.get("category") != "excavation" or data.get("lat") is None:
        return None
    incident_id, lat, lon = int(data["id"]), float(data["lat"]), float(data["lon"])
    row = session.get(IncidentCheck, incident_id)
    if row is not None and abs(row.lat - lat) < MOVE_TOLERANCE_DEG and abs(row.lon - lon) < MOVE_TOLERANCE_DEG:
        return None
    moved = row is not None
    # A new report is judged at the time it was made (a backlog read later stays fair); a move, now.
    at = now or (None if moved else _created_at(data)) or utcnow()
    result = checker.check(session, lat=lat, lon=lon, at=at)
    if row is None:
        row = IncidentCheck(incident_id=incident_id, violation_recorded=False)
        session.add(row)
    row.lat, row.lon, row.checked_at = lat, lon, at
    row.verdict, row.reasons, row.permit_number = result.verdict, result.reasons, result.permit_number
    session.flush()
    user = system_user(session, *CHECK_USER)
    lead = "Moved; permit check" if moved else "Permit check"
    text = f"{lead}: {result.title}. " + " ".join(r.rstrip(".") + "." for r in result.reasons)
    if result.verdict == "no_permit":
        text += " Record a violation if the dig is confirmed."
    incidents.add_comment(session, user=user, incident_id=incident_id, text=text)
    incident = incidents.get_incident(session, incident_id)
    if result.verdict == "no_permit" and PRIORITIES.index(incident.priority) > PRIORITIES.index("high"):
        incidents.update_incident(session, user=user, incident_id=incident_id, patch=IncidentPatch(priority="high"),
                                  expected_version=incident.version)
    publish(session, "works.incident_checked", check_out(row).model_dump(mode="json"))
    return row


def _created_at(data: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(str(data["created_at"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None


def get_check(session: Session, *, incident_id: int) -> IncidentCheck:
    row = session.get(IncidentCheck, incident_id)
    if row is None:
        raise NotFound("Permit check of incident", incident_id)
    return row


def record_violation(session: Session, *, user, incident_id: int, note: str = "") -> IncidentCheck:
    row = get_check(session, incident_id=incident_id)
    if row.verdict == "legal":
        raise Conflict("The dig of this incident is covered by a valid permit; there is no violation to record",
                       permit=row.permit_number)
    if row.violation_recorded:
        raise Conflict("A violation is already recorded for this incident")
    row.violation_recorded = True
    text = f"Violation recorded: {VERDICT_TITLES[row.verdict]}."
    if row.permit_number:
        text += f" Permit {row.permit_number}."
    if note.strip():
        text += f" {note.strip()}"
    incidents.add_comment(session, user=user, incident_id=incident_id, text=text)
    record(session, user=user, action="works.violation.record", target=f"incident:{incident_id}",
           details={"verdict": row.verdict, "permit": row.permit_number, "note": note.strip()})
    publish(session, "works.incident_checked", check_out(row).model_dump(mode="json"))
    return row


def open_restoration_incident(session: Session, permit: Permit) -> int:
    """The incident of a permit whose surface was not restored in time (once per permit)."""
    if permit.restoration_incident_id is not None:
        return permit.restoration_incident_id
    from backend.works import geo

    area = geo.permit_area(permit.geometry, permit.width_m, permit.radius_m)
    lon, lat = geo.to_lonlat(*area.representative_point().coords[0])
    data = IncidentCreate(
        client_uuid=uuid.uuid5(RESTORATION_NAMESPACE, f"permit:{permit.id}"), category="excavation",
        priority="medium", lat=lat, lon=lon, address=permit.address,
        description=(f"Surface not restored: permit {permit.number} ({permit.contractor}, INN "
                     f"{permit.contractor_inn}) had to restore it by {permit.restore_by:%d.%m.%Y} and the works "
                     f"are not closed."), source="operator")
    user = system_user(session, "works-registry", "Excavation permit registry")
    incident, _ = incidents.create_incident(session, user=user, data=data)
    permit.restoration_incident_id = incident.id
    session.flush()
    return incident.id
