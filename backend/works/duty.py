"""The works duty: checks excavation incidents as they are created or moved, expires permits past
their end and opens an incident for each permit whose surface restoration is overdue."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from backend.auth.service import system_user
from backend.works import incidents as works_incidents
from backend.works import service
from backend.works.tail import Duty, process_events

HANDLERS = {"incident.created": works_incidents.on_incident, "incident.updated": works_incidents.on_incident}
REGISTRY_PERIOD_S = 60.0


def check_incidents(maker: sessionmaker[Session]) -> int:
    return process_events(maker, "works.incidents", HANDLERS)


def registry_round(maker: sessionmaker[Session], *, now: datetime | None = None) -> dict[str, int]:
    """Expire permits past their end; open the incidents of overdue restorations (once each)."""
    with maker() as session:
        user = system_user(session, "works-registry", "Excavation permit registry")
        expired = service.expire_due(session, user=user, now=now)
        opened = 0
        for permit in service.restoration_overdue(session, now=now):
            if permit.restoration_incident_id is None:
                works_incidents.open_restoration_incident(session, permit)
                opened += 1
        session.commit()
    return {"expired": len(expired), "restoration_incidents": opened}


class WorksDuty(Duty):
    def __init__(self, maker: sessionmaker[Session]) -> None:
        self.maker = maker
        self._last_round = 0.0
        super().__init__("works", self._tick, period=1.0)

    def _tick(self) -> None:
        check_incidents(self.maker)
        if time.monotonic() - self._last_round >= REGISTRY_PERIOD_S:
            self._last_round = time.monotonic()
            registry_round(self.maker)


def works_service(app):
    settings = app.state.settings
    # One duty per deployment's first worker; the tests run it by hand (run_ingest is off there).
    if not settings.run_ingest or settings.serve_worker != 0 or not settings.works_duty:
        return None
    return WorksDuty(app.state.sessionmaker)
