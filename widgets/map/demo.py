"""Demo data for the map: plausible incidents, moving objects and a few layers of the city.

Used by the map's tests, its bench and the stand-alone screenshot (``python -m app.standalone``).
"""
from __future__ import annotations

import math
import random
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from backend_client.schemas.incidents import IncidentOut
from widgets.common.feature import FeatureSpec, LayerDef, Placement
from widgets.map import geo


CATEGORIES = ("street_lighting", "roads", "waste", "utilities", "public_transport", "excavation",
              "traffic_lights", "public_order", "landscaping", "other")


def demo_incidents(n: int = 60, seed: int = 4) -> list[IncidentOut]:
    """Plausible open incidents at the city's addresses."""
    rng = random.Random(seed)
    now = datetime.now(timezone.utc)
    addresses = geo.read_addresses_csv(geo.CITY_DIR / "addresses.csv") or [
        (geo.CITY_CENTER[0] + rng.uniform(-0.01, 0.01), geo.CITY_CENTER[1] + rng.uniform(-0.015, 0.015), "")
        for _ in range(n)]
    out = []
    for i in range(1, n + 1):
        lat, lon, address = rng.choice(addresses)
        priority = rng.choices(("critical", "high", "medium", "low"), weights=(1, 3, 5, 4))[0]
        overdue = rng.random() < 0.12
        out.append(IncidentOut(
            id=i, number=f"И-{i:06d}", category=rng.choice(CATEGORIES), priority=priority,
            status=rng.choice(("new", "acknowledged", "in_progress")),
            lat=lat + rng.uniform(-0.0002, 0.0002), lon=lon + rng.uniform(-0.0003, 0.0003), address=address,
            description="", source="operator", created_at=now, updated_at=now,
            sla_due_at=now + timedelta(hours=-1 if overdue else 24), overdue=overdue, version=1))
    return out


@lru_cache(maxsize=8)
def _orbits(n: int, seed: int) -> tuple[tuple[float, float, float], ...]:
    rng = random.Random(seed)
    return tuple((0.002 + 0.012 * rng.random(), rng.random() * 2 * math.pi, 0.2 + rng.random()) for _ in range(n))


def moving_objects(n: int, t: float, seed: int = 7) -> list[dict]:
    """n objects circling around the city; call with growing t to move them all."""
    lat0, lon0 = geo.CITY_CENTER
    sin, cos = math.sin, math.cos
    return [{"id": i, "lat": lat0 + r * sin(phase + speed * t) * 0.65, "lon": lon0 + r * cos(phase + speed * t),
             "title": str(i)} for i, (r, phase, speed) in enumerate(_orbits(n, seed))]


# Layers of city systems shaped like the ones features declare, for exercising the map on its own.
DEMO_LAYERS = (
    LayerDef("stops", "Smart stops", style="icon", color="#4cc38a", glyph="▣"),
    LayerDef("buses", "Buses", style="dot", color="#3ed3ff", radius=4),
    LayerDef("intersections", "Intersections", style="icon", color="#f5a524", glyph="✚"),
    LayerDef("excavations", "Excavation permits", style="shape", color="#d9822b"),
    LayerDef("cleaning", "Cleaning routes", style="shape", color="#59c2a8"),
)
DEMO_FEATURE = FeatureSpec("map_demo", "Demo layers", "", Placement("right"), layers=DEMO_LAYERS)


def demo_layers() -> dict[str, list[dict]]:
    """A few cameras, stops, intersections, energy sites, permits and a cleaning route."""
    c = geo.CITY_CENTER
    cameras = [{"id": i, "lat": lat, "lon": lon, "title": t} for i, (lat, lon, t) in enumerate([
        (51.6606, 35.6505, "Площадь у администрации"), (51.6588, 35.6610, "Ленинградская / Гайдара"),
        (51.6640, 35.6590, "Коммунистический / Молодёжная"), (51.6555, 35.6545, "Ленинградская / Космонавтов"),
        (51.6485, 35.6655, "Ж/д станция"), (51.6680, 35.6690, "Автовокзал")], start=1)]
    stops = [{"id": i, "lat": lat, "lon": lon, "title": t} for i, (lat, lon, t) in enumerate([
        (51.6612, 35.6535, "Администрация"), (51.6582, 35.6475, "ДК «Энергетик»"),
        (51.6668, 35.6655, "Автовокзал"), (51.6520, 35.6485, "Парк"), (51.6625, 35.6470, "Больница")], start=1)]
    crossings = [{"id": i, "lat": lat, "lon": lon, "title": t} for i, (lat, lon, t) in enumerate([
        (51.6612, 35.6528, "Коммунистический × Энергетиков"), (51.6555, 35.6545, "Ленинградская × Космонавтов"),
        (51.6588, 35.6610, "Ленинградская × Энергетиков"), (51.6582, 35.6468, "Коммунистический × Космонавтов")],
        start=1)]
    energy = [{"id": 1, "lat": 51.6650, "lon": 35.6440, "title": "Котельная"},
              {"id": 2, "lat": 51.6595, "lon": 35.6650, "title": "Школа № 3"}]
    permits = [{"id": 1, "title": "Раскопка: теплотрасса", "geometry": {"type": "Polygon", "coordinates": [[
        [35.6478, 51.6566], [35.6500, 51.6571], [35.6503, 51.6563], [35.6481, 51.6558], [35.6478, 51.6566]]]}}]
    cleaning = [{"id": 1, "title": "Уборка: маршрут 1", "dash": "2 6", "geometry": {"type": "LineString",
                 "coordinates": [[35.6400, 51.6545], [35.6468, 51.6582], [35.6528, 51.6612], [35.6590, 51.6640]]}}]
    del c
    return {"cameras": cameras, "stops": stops, "intersections": crossings, "energy": energy,
            "excavations": permits, "cleaning": cleaning}
