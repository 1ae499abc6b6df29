"""The cleaning duty: today's coverage every 30 s (changes go out as `cleaning.coverage`), one
incident per missed section window for its service, and the answer to "not cleaned" complaints."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import datetime

import shapely
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backend.auth.service import system_user
from backend.cleaning import coverage, schedule
from backend.cleaning.models import MissedSection, Section
from backend.db import utcnow
from backend.events.service import publish
from backend.incidents import service as incidents
from backend.works import geo
from backend.works.tail import Duty, process_events
from backend_client.schemas.cleaning import Coverage, SectionCoverage
from backend_client.schemas.incidents import IncidentCreate

log = logging.getLogger(__name__)
MISSED_NAMESPACE = uuid.UUID("c4e9a7b2-1d3f-4e8a-9b6c-5f0a2d7e1c34")
COMPLAINT_RADIUS_M = 60.0
PERIOD_S = 30.0
DUTY_USER = ("cleaning-control", "Street cleaning control")


def _hm(value: datetime) -> str:
    return f"{value.astimezone(schedule.CITY_TZ):%H:%M}"


def open_missed(session: Session, row: SectionCoverage, day) -> int | None:
    """The incident of a missed window, opened once (a unique row per section and window)."""
    if session.scalar(select(MissedSection.id).where(MissedSection.section_id == row.section_id,
                                                     MissedSection.window_start == row.window_start)) is not None:
        return None
    section = session.get(Section, row.section_id)
    known = {s.code for s in incidents.list_services(session)}
    first = section.geometry["coordinates"][len(section.geometry["coordinates"]) // 2]
    data = IncidentCreate(
        client_uuid=uuid.uuid5(MISSED_NAMESPACE, f"{row.section_id}:{row.window_start.isoformat()}"),
        category="waste", priority="medium", lat=first[1], lon=first[0], address=section.street or section.name,
        description=(f"Street section missed: {section.name} ({section.code}), {section.kind.replace('_', ' ')} "
                     f"scheduled {row.window_start.astimezone(schedule.CITY_TZ):%d.%m.%Y} {_hm(row.window_start)}–"
                     f"{_hm(row.window_end)}; {row.share:.0%} of it was passed."),
        source="operator", assignee=section.service if section.service in known else None)
    try:
        with session.begin_nested():
            missed = MissedSection(section_id=row.section_id, day=day, window_start=row.window_start,
                                   share=row.share)
            session.add(missed)
            session.flush()
    except IntegrityError:  # another instance recorded it a moment ago
        return None
    incident, _ = incidents.create_incident(session, user=system_user(session, *DUTY_USER), data=data)
    missed.incident_id = incident.id
    session.flush()
    return incident.id


class CoverageWatch:
    """Remembers the last states so only changes are published."""

    def __init__(self) -> None:
        self.states: dict[tuple[int, str], tuple[str, float]] = {}
        self.latest: Coverage | None = None

    def round(self, maker: sessionmaker[Session], *, now: datetime | None = None) -> Coverage:
        now = now or utcnow()
        day = now.astimezone(schedule.CITY_TZ).date()
        with maker() as session:
            result = coverage.compute(session, day=day, now=now)
            for row in result.sections:
                if row.state == "missed" and row.incident_id is None:
                    row.incident_id = open_missed(session, row, day)
            changed = []
            for row in result.sections:
                key = (row.section_id, row.window_start.isoformat())
                if self.states.get(key) != (row.state, row.share):
                    self.states[key] = (row.state, row.share)
                    changed.append(row.model_dump(mode="json"))
            if changed:
                publish(session, "cleaning.coverage", {"date": day.isoformat(), "sections": changed,
                                                       "counts": result.counts})
            session.commit()
        self.latest = result
        return result


def answer(session: Session, lat: float, lon: float, now: datetime) -> str | None:
    """What the cleaning records say about the street at (lat, lon) today, or None if no section is near."""
    net, sections = coverage.network(session)
    if not sections:
        return None
    x, y = geo.to_metres(lon, lat)
    hits = net.tree.query(shapely.Point(x, y), predicate="dwithin", distance=COMPLAINT_RADIUS_M)
    if len(hits) == 0:
        return None
    nearest = min(hits, key=lambda i: shapely.distance(net.lines[i], shapely.Point(x, y)))
    on_street = [sections[i] for i in net.sections_on(int(nearest))]
    section = on_street[0]
    ids = {s.id for s in on_street}
    day = now.astimezone(schedule.CITY_TZ).date()
    rows = [r for r in coverage.compute(session, day=day, now=now).sections if r.section_id in ids]
    if not rows:
        rules = [r for s in on_street for r in schedule.parse_rules(s.schedule)]
        nxt = schedule.next_windows(rules, now, 1)
        when = f"; next {nxt[0][0].astimezone(schedule.CITY_TZ):%d.%m %H:%M}–{_hm(nxt[0][1])}" if nxt else ""
        return f"Street cleaning, {section.name}: not scheduled today{when}."
    parts = []
    for r in rows:
        window = f"{_hm(r.window_start)}–{_hm(r.window_end)}"
        if len(ids) > 1:
            window = f"{r.kind.replace('_', ' ')} {window}"
        if r.state == "done":
            parts.append(f"cleaned at {_hm(r.done_at)} by {r.vehicle}")
        elif r.state == "not_due":
            parts.append(f"not yet: scheduled {window}")
        elif r.state == "partly" and now < r.window_end:
            parts.append(f"in progress: {r.share:.0%} done, scheduled {window}")
        elif r.state == "partly":
            parts.append(f"partly done ({r.share:.0%}) in {window}")
        else:
            parts.append(f"missed: scheduled {window}, not cleaned")
    return f"Street cleaning, {section.name}: " + "; ".join(parts) + "."


def on_incident(session: Session, data: dict, *, now: datetime | None = None) -> str | None:
    """A new waste complaint gets the cleaning answer for its street as a comment."""
    if data.get("category") != "waste" or data.get("lat") is None:
        return None
    if str(data.get("created_by", "")) == DUTY_USER[0]:
        return None  # our own missed-section incidents
    text = answer(session, float(data["lat"]), float(data["lon"]), now or utcnow())
    if text:
        incidents.add_comment(session, user=system_user(session, *DUTY_USER), incident_id=int(data["id"]), text=text)
    return text


def answer_complaints(maker: sessionmaker[Session]) -> int:
    return process_events(maker, "cleaning.complaints", {"incident.created": on_incident})


class CleaningDuty(Duty):
    def __init__(self, maker: sessionmaker[Session]) -> None:
        self.maker = maker
        self.watch = CoverageWatch()
        self._last = 0.0
        super().__init__("cleaning", self._tick, period=2.0)

    def _tick(self) -> None:
        answer_complaints(self.maker)
        if time.monotonic() - self._last >= PERIOD_S:
            self._last = time.monotonic()
            self.watch.round(self.maker)


def cleaning_service(app):
    settings = app.state.settings
    if not settings.run_ingest or settings.serve_worker != 0 or not settings.cleaning_duty:
        return None
    return CleaningDuty(app.state.sessionmaker)
