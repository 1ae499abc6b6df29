"""Open311 GeoReport v2: citizens' service requests become incidents (source "citizen")."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from backend.auth.service import system_user
from backend.incidents import service as incidents
from backend_client.schemas.incidents import CATEGORY_NAMES, OPEN_STATUSES, IncidentCreate, IncidentOut

SYSTEM_USER = "open311"
CITY_CENTRE = (51.6600, 35.6500)  # Kurchatov
MAX_RANGE = timedelta(days=90)  # GeoReport v2: start_date and end_date at most 90 days apart
CLOSED_STATUSES = ("resolved", "closed", "rejected", "duplicate")


class Open311Error(Exception):
    """An error in Open311's own shape: [{"code": status, "description": text}]."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def check_api_key(configured: list[str], given: str | None) -> None:
    if not configured:
        raise Open311Error(403, "This server does not accept service requests: no Open311 API keys are configured")
    if not given:
        raise Open311Error(400, "api_key is required to submit a service request")
    if not any(hmac.compare_digest(given, k) for k in configured):
        raise Open311Error(403, "api_key is not valid")


def services() -> list[dict]:
    return [{"service_code": code, "service_name": name, "description": name, "metadata": False,
             "type": "realtime", "keywords": code.replace("_", ","), "group": "city"}
            for code, name in CATEGORY_NAMES.items()]


def submit(session: Session, *, service_code: str, lat: float | None, lon: float | None, address: str,
           description: str, contact: dict[str, str]) -> IncidentOut:
    if service_code not in CATEGORY_NAMES:
        raise Open311Error(404, f"service_code {service_code!r} is not one of: {', '.join(CATEGORY_NAMES)}")
    located = lat is not None and lon is not None
    if not located and not address.strip():
        raise Open311Error(400, "Give lat and long (WGS 84 decimal degrees) or address_string")
    if located and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Open311Error(400, "lat must be within -90..90 and long within -180..180")
    if not located:
        # The spec lets a citizen give only an address. The incident needs a point for the queue
        # and the map: the city centre, until a dispatcher moves it to the address.
        lat, lon = CITY_CENTRE
        description = f"{description.strip()}\n[Место указано только адресом / location given by address only]"
    if not description.strip():
        raise Open311Error(400, "description is required")
    user = system_user(session, SYSTEM_USER, "Open311 gateway")
    data = IncidentCreate(category=service_code, priority="medium", lat=lat, lon=lon, address=address[:300],
                          description=description.strip()[:4000], source="citizen")
    incident, _ = incidents.create_incident(session, user=user, data=data)
    who = ", ".join(f"{k}: {v}" for k, v in contact.items() if v)
    if who:
        incidents.add_comment(session, user=user, incident_id=incident.id, text=f"Заявитель / requester — {who}")
    return incidents.to_out(incident)


def to_request(incident: IncidentOut) -> dict:
    return {
        "service_request_id": str(incident.id),
        "status": "open" if incident.status in OPEN_STATUSES else "closed",
        "status_notes": incident.status,
        "service_name": CATEGORY_NAMES.get(incident.category, incident.category),
        "service_code": incident.category,
        "description": incident.description,
        "agency_responsible": incident.assignee or "",
        "service_notice": f"Номер обращения {incident.number}",
        "requested_datetime": incident.created_at.isoformat(),
        "updated_datetime": incident.updated_at.isoformat(),
        "expected_datetime": incident.sla_due_at.isoformat(),
        "address": incident.address,
        "lat": incident.lat,
        "long": incident.lon,
    }


def find(session: Session, *, ids: list[int] | None, service_code: str | None, status: str | None,
         start: datetime | None, end: datetime | None, limit: int = 1000) -> list[IncidentOut]:
    """GeoReport v2 search: service_request_id, when given, overrides every other filter."""
    if ids:
        return incidents.find_incidents(session, source="citizen", ids=ids, limit=limit)
    wanted = {s.strip() for s in (status or "").split(",") if s.strip()}
    if wanted - {"open", "closed"}:
        raise Open311Error(400, "status must be open, closed or open,closed")
    statuses: tuple[str, ...] | None = None
    if wanted == {"open"}:
        statuses = OPEN_STATUSES
    elif wanted == {"closed"}:
        statuses = CLOSED_STATUSES
    if start is not None and end is not None and end - start > MAX_RANGE:
        raise Open311Error(400, "start_date and end_date may be at most 90 days apart")
    if start is None and end is None:
        start = datetime.now(UTC) - MAX_RANGE  # the spec's default window: the last 90 days
    elif start is None:
        start = end - MAX_RANGE
    elif end is None:
        end = start + MAX_RANGE
    return incidents.find_incidents(session, source="citizen",
                                    categories=service_code.split(",") if service_code else None,
                                    statuses=statuses, since=start, until=end, limit=limit)
