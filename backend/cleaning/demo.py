"""Demo street sections cut from the demo base map's streets, with schedules that keep some window
open at any hour (day sweeping, night washing, monthly and seasonal rules), made through the service."""

from __future__ import annotations

import shapely
import shapely.ops
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.service import system_user
from backend.cleaning import service
from backend.cleaning.models import Section
from backend.works import geo
from backend.works.demo import streets
from backend_client.schemas.cleaning import ScheduleRule, SectionCreate

SECTION_M = 700.0
DAY_SWEEP = [ScheduleRule(pattern="daily", start="06:00", end="22:00")]
NIGHT_WASH = [ScheduleRule(pattern="odd_dates", start="22:00", end="24:00", season_from="04-01", season_to="10-31"),
              ScheduleRule(pattern="even_dates", start="00:00", end="06:00", season_from="04-01", season_to="10-31")]
MINOR_SWEEP = [ScheduleRule(pattern="weekly", weekdays=["MO", "WE", "FR"], start="08:00", end="20:00"),
               ScheduleRule(pattern="weekly", weekdays=["TU", "TH", "SA", "SU"], start="10:00", end="18:00")]
WASTE = [ScheduleRule(pattern="monthly_nth", weekdays=["TU"], nth=[2, 4], start="11:00", end="13:00",
                      season_from="04-01", season_to="11-30"),
         ScheduleRule(pattern="daily", start="07:00", end="11:00")]
SNOW = [ScheduleRule(pattern="daily", start="05:00", end="09:00", season_from="11-15", season_to="03-31")]


def pieces(coords: list[list[float]]) -> list[list[list[float]]]:
    """A street line cut into about equal stretches of at most SECTION_M."""
    line = shapely.LineString([geo.to_metres(*c) for c in coords])
    n = max(1, int(-(-line.length // SECTION_M)))
    step = line.length / n
    out = []
    for k in range(n):
        part = shapely.ops.substring(line, k * step, (k + 1) * step)
        out.append([[round(v, 7) for v in geo.to_lonlat(x, y)] for x, y in part.coords])
    return out


def demo_sections() -> list[SectionCreate]:
    out: list[SectionCreate] = []
    for road in streets():
        name, kind = road["properties"]["name"], road["properties"]["kind"]
        parts = pieces(road["geometry"]["coordinates"])
        for k, coords in enumerate(parts):
            label = name if len(parts) == 1 else f"{name}, часть {k + 1}"
            geometry = {"type": "LineString", "coordinates": coords}
            n = len(out) + 1
            if kind == "main":
                out.append(SectionCreate(code=f"У-{n:03d}", name=label, street=name, kind="sweeping",
                                         service="blagoustroystvo", geometry=geometry, schedule=DAY_SWEEP))
                out.append(SectionCreate(code=f"У-{n + 1:03d}", name=label, street=name, kind="washing",
                                         service="blagoustroystvo", geometry=geometry, schedule=NIGHT_WASH))
                out.append(SectionCreate(code=f"У-{n + 2:03d}", name=label, street=name, kind="snow_clearing",
                                         service="dorservice", geometry=geometry, schedule=SNOW))
            elif kind == "secondary":
                out.append(SectionCreate(code=f"У-{n:03d}", name=label, street=name, kind="sweeping",
                                         service="blagoustroystvo", geometry=geometry, schedule=MINOR_SWEEP))
            else:
                out.append(SectionCreate(code=f"У-{n:03d}", name=label, street=name, kind="waste_collection",
                                         service="zhkh", geometry=geometry, schedule=WASTE))
    return out


def seed_sections(session: Session) -> int:
    if (session.scalar(select(func.count(Section.id))) or 0) > 0:
        return 0
    user = system_user(session, "cleaning-control", "Street cleaning control")
    sections = demo_sections()
    for data in sections:
        service.create_section(session, user=user, data=data)
    return len(sections)


def seed(demo) -> None:
    with demo.maker() as session:
        seed_sections(session)
        session.commit()
