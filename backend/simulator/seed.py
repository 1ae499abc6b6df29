"""The Kurchatov demo city: demo users, city services and ~300 incidents of the last three weeks.

Idempotent: what exists is left alone. Demo users exist only through this module (sc-server
--demo / seed-demo); their passwords are random per installation unless SC_DEMO_PASSWORD is set.
"""

from __future__ import annotations

import logging
import os
import random
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.models import User
from backend.auth.service import create_user
from backend.db import utcnow
from backend.incidents import sla
from backend.incidents.models import CityService, Incident, IncidentComment, IncidentHistory
from backend.simulator import city
from backend_client.schemas.incidents import PRIORITIES

log = logging.getLogger(__name__)

DEMO_USERS = [("dispatcher", "dispatcher", "Диспетчер ЕДДС Смирнова О. В."),
              ("supervisor", "supervisor", "Старший смены Кузнецов А. П."),
              ("admin", "admin", "Администратор системы")]
CREDENTIALS_FILE = "demo-credentials.txt"
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


def credentials_path() -> Path:
    """SC_DEMO_CREDENTIALS_FILE (set by sc-demo), else demo-credentials.txt in the server data directory."""
    if explicit := os.environ.get("SC_DEMO_CREDENTIALS_FILE"):
        return Path(explicit)
    from backend.config import data_dir

    return data_dir() / CREDENTIALS_FILE


def seed_demo(maker: sessionmaker[Session], *, incidents: int = DEMO_INCIDENTS, seed: int = 2026,
              credentials_file: Path | None = None) -> dict[str, str]:
    """Create what is missing of the demo city; returns {username: password} of users created now."""
    from backend.cli import demo_password

    created: dict[str, str] = {}
    with maker() as s:
        for username, role, full_name in DEMO_USERS:
            if s.scalar(select(User.id).where(User.username == username)) is None:
                password = demo_password()
                create_user(s, username=username, role=role, password=password, full_name=full_name)
                created[username] = password
        for code, name, phone, categories in city.CITY_SERVICES:
            if s.get(CityService, code) is None:
                s.add(CityService(code=code, name=name, phone=phone, categories=categories, active=True))
        s.commit()
        if (s.scalar(select(func.count()).select_from(Incident)) or 0) == 0:
            _seed_incidents(s, count=incidents, rng=random.Random(seed))
            s.commit()
    if created:
        _write_credentials(credentials_file or credentials_path(), created)
    return created


def _write_credentials(path: Path, created: dict[str, str]) -> None:
    """Keep the demo passwords for the desktop launcher (sc-demo / make run), owner-readable only."""
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            user, sep, password = line.partition(" ")
            if sep and not line.startswith("#"):
                known[user] = password.strip()
    known.update(created)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text("# demo users of the situation center: user password\n"
                    + "".join(f"{u} {p}\n" for u, p in known.items()), encoding="utf-8")


def read_credentials(path: Path | None = None) -> dict[str, str]:
    path = path or credentials_path()
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        user, sep, password = line.partition(" ")
        if sep and not line.startswith("#"):
            out[user] = password.strip()
    return out


def _seed_incidents(s: Session, *, count: int, rng: random.Random) -> None:
    now = utcnow()
    users = {u.username: u for u in s.scalars(select(User).where(User.username.in_(["dispatcher", "supervisor"])))}
    staff = list(users.values()) or [None]
    starts = sorted(now - timedelta(seconds=rng.uniform(0, DAYS * 86400)) for _ in range(count))
    earlier: list[Incident] = []
    for created_at in starts:
        body = city.complaint(rng)
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
        category, priority = body["category"], body["priority"]
        due = sla.due_at(created_at, category, priority)
        who = rng.choice(staff)
        inc = Incident(category=category, priority=priority, priority_rank=PRIORITIES.index(priority),
                       status="new", lat=body["lat"], lon=body["lon"], address=body["address"],
                       description=body["description"], search_text=f"{body['description']}\n{body['address']}".casefold(),
                       source=source, created_by=who.username if who and source == "operator" else "open311"
                       if source == "citizen" else "system", created_at=created_at, updated_at=created_at,
                       sla_due_at=due, version=1)
        s.add(inc)
        s.flush()
        _history(s, inc, who if source == "operator" else None, created_at, "created", None, "new")
        inc.version = 1  # creating is version 1; each later change adds one
        if original is not None and created_at + timedelta(minutes=30) < now:
            t = created_at + timedelta(minutes=rng.uniform(5, 30))
            marker = rng.choice(staff)
            _history(s, inc, marker, t, "status", "new", "duplicate")
            _history(s, inc, marker, t, "duplicate_of", None, original.id)
            inc.status, inc.duplicate_of = "duplicate", original.id
        else:
            _live_through(s, inc, rng=rng, staff=staff, now=now)
        earlier.append(inc)


def _history(s: Session, inc: Incident, user: User | None, at: datetime, field: str, old, new) -> None:
    s.add(IncidentHistory(incident_id=inc.id, user_id=user.id if user else None,
                          who=user.username if user else "system", at=at, field=field,
                          old=None if old is None else str(old), new=None if new is None else str(new)))
    inc.version += 1
    inc.updated_at = max(inc.updated_at, at)


def _live_through(s: Session, inc: Incident, *, rng: random.Random, staff: list, now: datetime) -> None:
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
    services = city.services_for(inc.category)
    for status, hours in steps:
        t = t + timedelta(hours=hours)
        if t > now:
            break
        who = rng.choice(staff)
        _history(s, inc, who, t, "status", inc.status, status)
        inc.status = status
        if status == "acknowledged" and services:
            code = rng.choice(services)
            _history(s, inc, who, t, "assignee", None, code)
            inc.assignee = code
        if status != "closed" and rng.random() < 0.35:
            text = rng.choice(REPLIES)
            s.add(IncidentComment(incident_id=inc.id, user_id=who.id if who else None,
                                  author=who.username if who else "system", text=text, created_at=t))
            inc.comment_count += 1
            _history(s, inc, who, t, "comment", None, text)
