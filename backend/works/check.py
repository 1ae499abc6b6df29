"""Is this dig legal here and now: the verdict from an STRtree of the permits' areas.

The tree is rebuilt when the registry changes (seen from the permits' top id and latest update, one
indexed query per check, so several server instances stay right); a check queries the tree for
areas holding the point and for those within 100 m, never scanning the permits.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.works import geo
from backend.works.models import Permit
from backend_client.schemas.works import VERDICT_TITLES, VERDICTS, CheckResult, NearbyPermit

NEARBY_M = 100.0
CITY_TZ = timezone(timedelta(hours=3))  # Kurchatov keeps Moscow time, no DST


@dataclass(frozen=True)
class PermitFacts:
    """What the verdict needs of a permit, kept beside the tree (no database read per check)."""

    id: int
    number: str
    status: str
    purpose: str
    contractor: str
    valid_from: datetime
    valid_to: datetime
    hours_from: str
    hours_to: str
    licence_until: date | None


class PermitIndex:
    def __init__(self, stamp: tuple, facts: list[PermitFacts], areas: list[shapely.Geometry]) -> None:
        self.stamp = stamp
        self.facts = facts
        self.areas = np.array(areas, dtype=object)
        self.tree = shapely.STRtree(self.areas) if areas else None

    def query(self, x: float, y: float, distance: float) -> list[tuple[PermitFacts, float]]:
        """(permit, distance in metres) of areas within `distance` of the point, nearest first."""
        if self.tree is None:
            return []
        pt = shapely.Point(x, y)
        hits = self.tree.query(pt, predicate="dwithin", distance=distance)
        found = [(self.facts[i], float(shapely.distance(self.areas[i], pt))) for i in hits]
        return sorted(found, key=lambda f: (f[1], f[0].number))


_lock = threading.Lock()
_cache: dict[str, PermitIndex] = {}


def _stamp(session: Session) -> tuple:
    # Two index lookups (no count: permits are never deleted, only closed): a new permit raises the
    # top id, an edit or import the latest update.
    # Each max() in its own subquery: SQLite answers a lone min/max from the index, not two at once.
    latest, top = session.execute(select(select(func.max(Permit.updated_at)).scalar_subquery(),
                                         select(func.max(Permit.id)).scalar_subquery())).one()
    return (latest, top)


def index(session: Session) -> PermitIndex:
    """The index of the permits of this database, rebuilt if the registry changed."""
    key = str(session.get_bind().url)
    stamp = _stamp(session)
    current = _cache.get(key)
    if current is not None and current.stamp == stamp:
        return current
    with _lock:
        current = _cache.get(key)
        if current is not None and current.stamp == stamp:
            return current
        rows = session.execute(select(Permit.id, Permit.number, Permit.status, Permit.purpose, Permit.contractor,
                                      Permit.valid_from, Permit.valid_to, Permit.hours_from, Permit.hours_to,
                                      Permit.licence_until, Permit.geometry, Permit.width_m, Permit.radius_m)).all()
        facts = [PermitFacts(*r[:10]) for r in rows]
        areas = [geo.permit_area(r.geometry, r.width_m, r.radius_m) for r in rows]
        current = _cache[key] = PermitIndex(stamp, facts, areas)
        return current


def _problems(p: PermitFacts, at: datetime) -> list[tuple[str, str]]:
    """(verdict, reason) of what is wrong with working under permit p at `at`; empty when legal."""
    out: list[tuple[str, str]] = []
    local = at.astimezone(CITY_TZ)
    if p.status in ("applied", "closed"):
        what = "is only applied for, not granted" if p.status == "applied" else "is closed: the works are over"
        out.append(("no_permit", f"Permit {p.number} {what}"))
    if p.status == "suspended":
        out.append(("suspended", f"Permit {p.number} is suspended"))
    if p.status == "expired" or at > p.valid_to:
        out.append(("expired", f"Permit {p.number} expired on {p.valid_to.astimezone(CITY_TZ):%d.%m.%Y %H:%M}"))
    elif at < p.valid_from:
        out.append(("no_permit", f"Permit {p.number} is valid only from "
                                 f"{p.valid_from.astimezone(CITY_TZ):%d.%m.%Y %H:%M}"))
    hhmm = f"{local:%H:%M}"
    if not (p.hours_from <= hhmm < p.hours_to):
        out.append(("outside_hours", f"Works under permit {p.number} are allowed {p.hours_from}–{p.hours_to}, "
                                     f"it is {hhmm} city time"))
    if p.licence_until is not None and local.date() > p.licence_until:
        out.append(("licence_expired", f"The licence of {p.contractor} expired on {p.licence_until:%d.%m.%Y}"))
    return out


def check(session: Session, *, lat: float, lon: float, at: datetime | None = None) -> CheckResult:
    at = at or datetime.now(timezone.utc)
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    x, y = geo.to_metres(lon, lat)
    found = index(session).query(x, y, NEARBY_M)
    covering = [p for p, d in found if d <= 0.01]
    nearby = [NearbyPermit(id=p.id, number=p.number, status=p.status, purpose=p.purpose, contractor=p.contractor,
                           distance_m=round(d, 1), valid_to=p.valid_to) for p, d in found]
    if not covering:
        reasons = ["No permit covers this place"]
        if nearby:
            reasons.append(f"Nearest permit {nearby[0].number} is {nearby[0].distance_m:.0f} m away")
        return CheckResult(lat=lat, lon=lon, at=at, verdict="no_permit", title=VERDICT_TITLES["no_permit"],
                           reasons=reasons, nearby=nearby)
    judged = []
    for p in covering:
        problems = _problems(p, at)
        # A permit's verdict is its worst problem; the place's is the best permit's.
        worst = max((VERDICTS.index(v) for v, _ in problems), default=0)
        judged.append((worst, p.valid_to, p, problems))
    judged.sort(key=lambda j: (j[0], -j[1].timestamp()))
    rank, _, best, problems = judged[0]
    verdict = VERDICTS[rank]
    if verdict == "legal":
        reasons = [f"Permit {best.number} ({best.contractor}) is valid until "
                   f"{best.valid_to.astimezone(CITY_TZ):%d.%m.%Y %H:%M}, works allowed {best.hours_from}–{best.hours_to}"]
    else:
        reasons = [r for _, _, _, probs in judged for _, r in probs]
    return CheckResult(lat=lat, lon=lon, at=at, verdict=verdict, title=VERDICT_TITLES[verdict], reasons=reasons,
                       permit_id=best.id, permit_number=best.number, valid_until=best.valid_to, nearby=nearby)
