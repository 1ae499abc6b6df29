"""Demo: the city's services and ~300 incidents of the last three weeks, made through the service.

Each past incident is created, then walked along its lifecycle (acknowledged, assigned,
commented, ...) at plausible past times, as far as its age allows; some are duplicates.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.auth.service import find_user, system_user
from backend.db import utcnow
from backend.domain import DemoSeed
from backend.incidents import service, sla
from backend.incidents.models import Incident
from backend_client.schemas.incidents import IncidentCreate
from resources.city import kurchatov

DEMO_INCIDENTS = 300
DAYS = 21
SOURCES = {"citizen": 62, "operator": 22, "sensor_alarm": 6, "camera": 5, "transit": 2, "traffic": 3}

REPLIES = [
    "Передано в службу, бригада выехала.",
    "Связались с заявителем, уточнили адрес.",
    "Работы выполнены, заявитель уведомлён.",
    "Требуется закупка материалов, срок устранения — до конца недели.",
    "Повторное обращение по этому адресу, на контроле.",
    "Бригада на месте, ведутся работы.",
]


def seed_demo(demo: DemoSeed, *, count: int = DEMO_INCIDENTS, seed: int = 2026) -> None:
    """The city services that are missing; the past incidents when there are none yet."""
    with demo.maker() as s:
        for code, name, phone, categories in kurchatov.CITY_SERVICES:
            service.add_city_service(s, code=code, name=name, phone=phone, categories=categories)
        s.commit()
        if not service.find_incidents(s, limit=1):
            _past_incidents(s, count=count, rng=random.Random(seed))
            s.commit()


def _past_incidents(s: Session, *, count: int, rng: random.Random) -> None:
    now = utcnow()
    staff = [u for u in (find_user(s, name) for name in ("dispatcher", "supervisor")) if u is not None]
    gateway = system_user(s, "open311", "Open311 gateway")
    machines = system_user(s, "system", "City systems")
    starts = sorted(now - timedelta(seconds=rng.uniform(0, DAYS * 86400)) for _ in range(count))
    earlier: list[Incident] = []
    for created_at in starts:
        body = kurchatov.complaint(rng)
        # Now and then a second person reports what is already known: same place, a duplicate.
        original = next((e for e in reversed(earlier[-40:]) if e.category == body["category"]
                         and e.duplicate_of is None and created_at - e.created_at < timedelta(days=2)), None)
        if original is None or rng.random() > 0.06:
            original = None
        else:
            body.update(lat=original.lat, lon=original.lon, address=original.address)
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        if source != "citizen":
            body["description"] = body["description"].replace("Прошу", "Просят")
        who = rng.choice(staff) if staff else machines
        author = who if source == "operator" else gateway if source == "citizen" else machines
        inc, _ = service.create_incident(s, user=author, data=IncidentCreate(**body, source=source),
                                         created_at=created_at)
        if original is not None and created_at + timedelta(minutes=30) < now:
            service.mark_duplicate(s, user=rng.choice(staff) if staff else machines, incident_id=inc.id,
                                   duplicate_of=original.id, at=created_at + timedelta(minutes=rng.uniform(5, 30)))
        else:
            _live_through(s, inc, rng=rng, staff=staff or [machines], now=now)
        earlier.append(inc)


def _live_through(s: Session, inc: Incident, *, rng: random.Random, staff: list[User], now: datetime) -> None:
    """Walk the incident along its lifecycle as far as its age allows, with plausible delays."""
    sla_h = sla.sla_hours(inc.category, inc.priority)
    t = inc.created_at
    steps = [("acknowledged", rng.uniform(3, 50) / 60),
             ("in_progress", rng.uniform(0.2, 0.5) * sla_h),
             ("resolved", rng.uniform(0.2, 0.9 if rng.random() < 0.8 else 1.8) * sla_h),
             ("closed", rng.uniform(4, 48))]
    if rng.random() < 0.05:  # some are not the city's business, or nonsense
        steps = [steps[0], ("rejected", rng.uniform(0.5, 4))]
    # A backlog: some incidents get stuck at a stage whatever their age (and so run late).
    stop_after = rng.choices([0, 1, 2, 3, 4], weights=[1, 2, 6, 8, 83])[0]
    steps = steps[:stop_after] if steps[-1][0] == "closed" else steps
    services = kurchatov.services_for(inc.category)
    for status, hours in steps:
        t = t + timedelta(hours=hours)
        if t > now:
            break
        who = rng.choice(staff)
        service.change_status(s, user=who, incident_id=inc.id, status=status, at=t)
        if status == "acknowledged" and services:
            service.assign(s, user=who, incident_id=inc.id, assignee=rng.choice(services), at=t)
        if status != "closed" and rng.random() < 0.35:
            service.add_comment(s, user=who, incident_id=inc.id, text=rng.choice(REPLIES), at=t)
