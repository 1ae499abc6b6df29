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


PARKED_MPS = 0.3   # a machine reporting less than this is standing
# Waste trucks report no work of their own ("none"): what counts is passing at collecting pace.
MAX_WORKING_MPS = {"waste_collection": 3.0}


def load_fixes(session: Session, start_ms: int, end_ms: int) -> dict[str, tuple[np.ndarray, ...]]:
    """{vehicle: (ts, x, y, work, speed)} of the fixes in [start, end), in time order, in local metres.

    A machine standing still for many reports (parked, idle) keeps only the first and last of
    them: they cover nothing, and matching them costs most of a day's time."""
    rows = session.execute(select(Fix.vehicle_id, Fix.ts, Fix.lon, Fix.lat, Fix.work, Fix.speed)
                           .where(Fix.ts >= start_ms, Fix.ts < end_ms).order_by(Fix.vehicle_id, Fix.ts)).all()
    out = {}
    if not rows:
        return out
    cols = list(zip(*rows))
    vehicles = np.array(cols[0], dtype=object)
    ts = np.array(cols[1], dtype=np.int64)
    lon, lat = np.array(cols[2], dtype=float), np.array(cols[3], dtype=float)
    work, speed = np.array(cols[4], dtype=object), np.array(cols[5], dtype=float)
    bounds = np.nonzero(vehicles[1:] != vehicles[:-1])[0] + 1
    for a, b in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(rows)]])):
        still = speed[a:b] < PARKED_MPS
        inner = still.copy()
        inner[1:] &= still[:-1]
        inner[:-1] &= still[1:]
        inner[0] = inner[-1] = False
        keep = np.arange(a, b)[~inner]
        out[vehicles[a]] = (ts[keep], (lon[keep] - geo.LON0) * geo.M_PER_DEG_LON,
                            (lat[keep] - geo.LAT0) * geo.M_PER_DEG_LAT, work[keep], speed[keep])
    return out


def matched_passes(net: matching.Network, fixes: dict[str, tuple[np.ndarray, ...]],
                   kinds: list[str]) -> dict[int, list[matching.Passes]]:
    """{section index: what machines doing that section's kind of work drove along its line}."""
    by_section: dict[int, list[matching.Passes]] = defaultdict(list)
    on_line: dict[int, list[int]] = defaultdict(list)
    for i, line in enumerate(net.section_line):
        on_line[int(line)].append(i)
    for vehicle, (ts, x, y, work, speed) in fixes.items():
        m = matching.match(net, x, y, ts)
        pos = matching.positions(net, x, y, m)
        for kind in set(kinds):
            ok = (m >= 0) & np.isin(work, WORK_FOR_KIND[kind])
            if kind in MAX_WORKING_MPS:
                ok &= speed <= MAX_WORKING_MPS[kind]
            if not ok.any():
                continue
            p = matching.passes(vehicle, ts, ok, m, pos, net)
            order = np.argsort(p.line, kind="stable")
            lines = p.line[order]
            cuts = np.nonzero(np.diff(lines))[0] + 1
            for chunk in np.split(order, cuts):
                if not len(chunk):
                    continue
                part = p.take(chunk)
                for i in on_line[int(part.line[0])]:
                    if kinds[i] == kind:
                        by_section[i].append(part)
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
            runs = [p.take((p.ts >= w_ms[0]) & (p.ts < w_ms[1])) for p in by_section.get(i, [])]
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
