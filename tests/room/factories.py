"""Test data for the situation room: incidents with chosen times and resolutions, hand-countable."""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.incidents import sla
from backend.incidents.models import CityService, Incident, IncidentComment, IncidentHistory
from backend_client.schemas.incidents import PRIORITIES


def add_service(backend, code: str = "gorsvet", name: str = "Горсвет") -> str:
    with backend.sessionmaker() as s:
        if s.get(CityService, code) is None:
            s.add(CityService(code=code, name=name, phone="", categories=[], active=True))
            s.commit()
    return code


def add_incident(backend, *, created: datetime, category: str = "roads", priority: str = "medium",
                 status: str = "new", resolved: datetime | None = None, assignee: str | None = None,
                 address: str = "ул. Ленина, 1", comment: str | None = None, due: datetime | None = None) -> int:
    """One incident as the service would leave it; `resolved` writes the status change to "resolved"."""
    with backend.sessionmaker() as s:
        inc = Incident(category=category, priority=priority, priority_rank=PRIORITIES.index(priority),
                       status=status, lat=51.66, lon=35.65, address=address, description=f"{category} {priority}",
                       search_text="", source="operator", assignee=assignee, created_by="dispatcher",
                       created_at=created, updated_at=resolved or created,
                       sla_due_at=due or sla.due_at(created, category, priority))
        s.add(inc)
        s.flush()
        if resolved is not None:
            steps = [("new", "acknowledged"), ("acknowledged", "in_progress"), ("in_progress", "resolved")]
            for i, (old, new) in enumerate(steps):
                at = resolved - timedelta(seconds=len(steps) - 1 - i)
                s.add(IncidentHistory(incident_id=inc.id, who="dispatcher", at=at, field="status", old=old, new=new))
        if comment:
            s.add(IncidentComment(incident_id=inc.id, author="dispatcher", text=comment, created_at=created))
            inc.comment_count = 1
        s.commit()
        return inc.id
