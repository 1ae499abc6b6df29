"""Transit faults as incidents (source transit): one open incident per fault, closed when it clears."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.orm import Session

from backend.auth.service import system_user
from backend.db import utcnow
from backend.transit import models as m

log = logging.getLogger(__name__)
FAULT_NAMESPACE = uuid.UUID("2d8f6c1e-1b5a-4c35-9a55-6e1b7a0c3f42")
RULES_USER = "transit-rules"
CLOSE_PATH = {"new": ("acknowledged", "in_progress", "resolved", "closed"),
              "acknowledged": ("in_progress", "resolved", "closed"),
              "in_progress": ("resolved", "closed"), "resolved": ("closed",)}


def _user(session: Session):
    return system_user(session, RULES_USER, "Transit monitoring")


def open_fault(session: Session, *, kind: str, subject: str, description: str, lat: float, lon: float,
               address: str = "", priority: str = "medium") -> m.Fault:
    """The fault's row and its incident, opened once; a repeat only finds the existing one."""
    fault = session.get(m.Fault, (kind, subject))
    if fault is not None:
        return fault
    from backend.incidents.service import create_incident
    from backend_client.schemas.incidents import IncidentCreate

    now = utcnow()
    key = f"{kind}:{subject}:{now.isoformat()}"
    data = IncidentCreate(client_uuid=uuid.uuid5(FAULT_NAMESPACE, key), category="public_transport",
                          priority=priority, lat=lat, lon=lon, address=address[:300],
                          description=description[:4000], source="transit")
    incident, _ = create_incident(session, user=_user(session), data=data)
    fault = m.Fault(kind=kind, subject=subject, incident_id=incident.id, since=now)
    session.add(fault)
    session.flush()
    return fault


def close_fault(session: Session, *, kind: str, subject: str, comment: str) -> bool:
    """Clear the fault; its incident, if still open, is taken through to closed with the reason."""
    fault = session.get(m.Fault, (kind, subject))
    if fault is None:
        return False
    if fault.incident_id is not None:
        from backend.errors import AppError
        from backend.incidents.service import change_status, get_incident

        try:
            incident = get_incident(session, fault.incident_id)
            user = _user(session)
            for i, status in enumerate(CLOSE_PATH.get(incident.status, ())):
                change_status(session, user=user, incident_id=incident.id, status=status,
                              comment=comment if i == 0 else None)
        except AppError as exc:  # someone handled it differently (rejected, merged): leave it to them
            log.info("transit fault %s/%s: incident %s left as it is: %s", kind, subject, fault.incident_id,
                     exc.message)
    session.delete(fault)
    session.flush()
    return True
