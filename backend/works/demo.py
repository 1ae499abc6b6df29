"""Demo permits along the demo base map's streets: every status, some expiring this week, two
restorations overdue; made through the registry's service (so audited) and only once."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from importlib import resources as ir

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.auth.service import system_user
from backend.db import utcnow
from backend.works import geo, service
from backend.works.models import Permit
from backend_client.schemas.works import PermitCreate

CONTRACTORS = [
    ("ООО «Курчатовтеплосеть-Сервис»", "4634012345", "heating_main"),
    ("МУП «Водоканал» г. Курчатова", "4634003311", "water"),
    ("ООО «СтройКабель»", "4632098765", "cable"),
    ("АО «Газпром газораспределение Курск»", "4629045123", "gas"),
    ("ООО «ДорСтрой-46»", "4611002233", "road"),
    ("ИП Сергеев А. В.", "463400123456", "sewerage"),
    ("ООО «Зелёный город»", "4634077001", "landscaping"),
]
PEOPLE = ["Иванов П. С.", "Кузнецова Е. А.", "Смирнов Д. В.", "Орлова Н. И.", "Волков А. А.", "Фёдоров И. Н."]


def streets() -> list[dict]:
    text = ir.files("resources").joinpath("city/kurchatov_streets.geojson").read_text(encoding="utf-8")
    return json.loads(text)["features"]


def _piece(coords: list[list[float]], rng: random.Random, length_m: float) -> list[list[float]]:
    """A stretch of about length_m of a street line, starting somewhere along it."""
    import shapely

    line = shapely.LineString([geo.to_metres(*c) for c in coords])
    start = rng.uniform(0, max(0.0, line.length - length_m))
    part = shapely.ops.substring(line, start, min(line.length, start + length_m))
    return [[round(v, 7) for v in geo.to_lonlat(x, y)] for x, y in part.coords]


def demo_permits(count: int = 36, seed: int = 15) -> list[PermitCreate]:
    import shapely.ops  # noqa: F401  (substring)

    rng = random.Random(seed)
    roads = streets()
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    out = []
    for i in range(count):
        road = roads[i % len(roads)]
        name = road["properties"]["name"]
        contractor, inn, purpose = CONTRACTORS[i % len(CONTRACTORS)]
        piece = _piece(road["geometry"]["coordinates"], rng, rng.uniform(40, 160))
        shape = i % 3
        if shape == 0:
            geometry, extra = {"type": "LineString", "coordinates": piece}, {"width_m": rng.choice([2.0, 3.0, 4.0])}
        elif shape == 1:
            geometry, extra = {"type": "Point", "coordinates": piece[0]}, {"radius_m": rng.choice([10.0, 15.0, 25.0])}
        else:
            x, y = geo.to_metres(*piece[0])
            box = shapely.box(x - 12, y - 8, x + 12, y + 8)
            ring = [[round(v, 7) for v in geo.to_lonlat(px, py)] for px, py in box.exterior.coords]
            geometry, extra = {"type": "Polygon", "coordinates": [ring]}, {}
        # Most permits are granted and running; the rest show every other state of the registry.
        status = ["granted"] * 5 + ["applied", "suspended", "closed", "expired"]
        status = status[i % len(status)]
        start = now - timedelta(days=rng.randint(3, 40))
        end = now + timedelta(days=rng.randint(1, 6) if i % 4 == 0 else rng.randint(8, 60))
        if status == "expired":
            end = now - timedelta(days=rng.randint(1, 10))
            start = end - timedelta(days=20)
        restore = (end + timedelta(days=14)).date()
        if i in (7, 16):  # works left open after the restoration date: the registry opens incidents
            status, end = "granted", now + timedelta(days=2)
            restore = (now - timedelta(days=3)).date()
        hours = rng.choice([("08:00", "20:00"), ("07:00", "22:00"), ("09:00", "18:00"), ("00:00", "24:00")])
        out.append(PermitCreate(
            number=f"ЗР-2026/{100 + i:03d}", purpose=purpose, description=f"Земляные работы: {purpose}",
            address=f"{name}, участок {i + 1}", contractor=contractor, contractor_inn=inn,
            licence_until=(now + timedelta(days=-5 if i == 11 else 400)).date(),
            responsible=PEOPLE[i % len(PEOPLE)], responsible_phone=f"+7 910 {200 + i:03d}-{10 + i:02d}-{30 + i:02d}",
            geometry=geometry, valid_from=start, valid_to=end, hours_from=hours[0], hours_to=hours[1],
            status=status, restore_by=restore, documents=[{"name": f"Ордер ЗР-2026/{100 + i:03d}.pdf", "url": ""}],
            **extra))
    return out


def seed_permits(session: Session) -> int:
    if (session.scalar(select(func.count(Permit.id))) or 0) > 0:
        return 0
    user = system_user(session, "works-registry", "Excavation permit registry")
    permits = demo_permits()
    for data in permits:
        service.create_permit(session, user=user, data=data)
    return len(permits)


def seed(demo) -> None:
    with demo.maker() as session:
        seed_permits(session)
        session.commit()
