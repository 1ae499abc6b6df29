"""Coverage of a city day: each scheduled window of each section is done, partly done, missed or
not yet due, from the machines' fixes map-matched to the sections."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.cleaning import matching, schedule
from backend.cleaning.models import Fix, MissedSection, Section
from backend.db import utcnow
from backend.works import geo
from backend_client.schemas.cleaning import WORK_FOR_KIND, Coverage, SectionCoverage

DONE_SHARE = 0.9      # this much of the length passed counts as done (ends, parked cars)
PARTLY_SHARE = 0.1    # below this after the window, the section was missed

_lock = threading.Lock()
_networks: dict[str, tuple[tuple, matching.Network, list[Section]]] = {}


def network(session: Session) -> tuple[matching.Network, list[Section]]:
    """The active sections' network, rebuilt when sections change."""
    rows = list(session.scalars(select(Section).where(Section.active.is_(True)).order_by(Section.id)))
    stamp = tuple((s.id, s.updated_at) for s in rows)
    key = str(session.get_bind().url)
    with _lock:
        hit = _networks.get(key)
        if hit is None or hit[0] != stamp:
            for s in rows:
                session.expunge(s)
            hit = _networks[key] = (stamp, matching.Network.build([s.id for s in rows], [s.geometry for s in rows]),
                                    rows)
    return hit[1], hit[2]


def day_bounds(day: date) -> tuple[int, int]:
    start = datetime.combine(day, time(0), schedule.CITY_TZ)
    return int(start.timestamp() * 1000), int((start + timedelta(days=1)).timestamp() * 1000)


def load_fixes(session: Session, start_ms: int, end_ms: int) -> dict[str, tuple[np.ndarray, ...]]:
    """{vehicle: (ts, x, y, work)} of the fixes in [start, end), in time order, in local metres."""
    rows = session.execute(select(Fix.vehicle_id, Fix.ts, Fix.lon, Fix.lat, Fix.work)
                           .where(Fix.ts >= start_ms, Fix.ts < end_ms)).all()
    by: dict[str, list] = defaultdict(list)
    for v, ts, lon, lat, work in rows:
        by[v].append((ts, lon, lat, work))
    out = {}
    for v, items in by.items():
        items.sort(key=lambda r: r[0])
        ts = np.array([r[0] for r in items], dtype=np.int64)
        lon = np.array([r[1] for r in items], dtype=float)
        lat = np.array([r[2] for r in items], dtype=float)
        out[v] = (ts, (lon - geo.LON0) * geo.M_PER_DEG_LON, (lat - geo.LAT0) * geo.M_PER_DEG_LAT,
                  np.array([r[3] for r in items], dtype=object))
    return out


def matched_passes(net: matching.Network, fixes: dict[str, tuple[np.ndarray, ...]],
                   kinds: list[str]) -> dict[int, list[matching.Pass]]:
    """{section index: passes along its line by machines doing that section's kind of work}."""
    by_section: dict[int, list[matching.Pass]] = defaultdict(list)
    on_line: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(net.section_line):
        on_line[int(line)].append(i)
    for vehicle, (ts, x, y, work) in fixes.items():
        m = matching.match(net, x, y, ts)
        for kind in set(kinds):
            ok = (m >= 0) & np.isin(work, WORK_FOR_KIND[kind])
            if not ok.any():
                continue
            for p in matching.passes(net, vehicle, x, y, ts, ok, m):
                for i in on_line[p.line]:
                    if kinds[i] == kind:
                        by_section[i].append(p)
    return by_section


def state_of(share: float, window: tuple[datetime, datetime], now: datetime) -> str:
    if share >= DONE_SHARE:
        return "done"
    if now < window[1]:
        return "partly" if share > 0 and now >= window[0] else "not_due"
    return "partly" if share >= PARTLY_SHARE else "missed"


def compute(session: Session, *, day: date, now: datetime | None = None) -> Coverage:
    now = now or utcnow()
    net, sections = network(session)
    start_ms, end_ms = day_bounds(day)
    fixes = load_fixes(session, start_ms, end_ms)
    by_section = matched_passes(net, fixes, [s.kind for s in sections])
    missed = {(m.section_id, m.window_start): m.incident_id for m in session.scalars(
        select(MissedSection).where(MissedSection.day == day))}
    rows: list[SectionCoverage] = []
    for i, section in enumerate(sections):
        for w in schedule.windows_on(schedule.parse_rules(section.schedule), day):
            w_ms = (int(w[0].timestamp() * 1000), int(w[1].timestamp() * 1000))
            runs = [p for p in by_section.get(i, []) if w_ms[0] <= p.ts < w_ms[1]]
            share, reached, vehicle = matching.covered(float(net.lengths[net.section_line[i]]), runs, DONE_SHARE)
            state = state_of(share, w, now)
            rows.append(SectionCoverage(
                section_id=section.id, code=section.code, name=section.name, kind=section.kind,
                service=section.service, window_start=w[0], window_end=w[1], state=state, share=round(share, 3),
                done_at=datetime.fromtimestamp(reached / 1000, schedule.CITY_TZ) if reached else None,
                vehicle=vehicle, incident_id=_missed_incident(missed, section.id, w[0])))
    counts = {s: 0 for s in ("done", "partly", "missed", "not_due")}
    for r in rows:
        counts[r.state] += 1
    rows.sort(key=lambda r: (r.window_start, r.code))
    return Coverage(date=day, computed_at=now, sections=rows, counts=counts)


def _missed_incident(missed: dict, section_id: int, start: datetime) -> int | None:
    for (sid, ws), incident_id in missed.items():
        if sid == section_id and abs((ws - start).total_seconds()) < 1:
            return incident_id
    return None
