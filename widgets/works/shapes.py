"""Permits as map items: polygons as drawn, lines with their width, points as circles of their radius."""

from __future__ import annotations

import math

from backend_client.schemas.works import PermitOut
from widgets.works.model import STATUS_COLORS, purpose_title, status_title

M_PER_DEG_LAT = 110_574.0


def circle(lon: float, lat: float, radius_m: float, sides: int = 24) -> dict:
    k = 111_320.0 * math.cos(math.radians(lat))
    ring = [[lon + radius_m * math.cos(2 * math.pi * i / sides) / k,
             lat + radius_m * math.sin(2 * math.pi * i / sides) / M_PER_DEG_LAT] for i in range(sides)]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def permit_item(p: PermitOut) -> dict:
    g = p.geometry
    item = {"id": p.id, "color": STATUS_COLORS.get(p.status, "#3e9eff"),
            "title": f"{p.number} · {status_title(p.status)} · {purpose_title(p.purpose)} · {p.contractor}"}
    if g["type"] == "Point":
        item["geometry"] = circle(g["coordinates"][0], g["coordinates"][1], p.radius_m or 5.0)
    elif g["type"] == "LineString":
        item["geometry"] = g
        item["weight"] = max(3, min(12, int(round(p.width_m or 3))))
    else:
        item["geometry"] = g
        item["fillOpacity"] = 0.3
    if p.status in ("suspended", "expired") or p.restoration_overdue:
        item["dash"] = "6 4"
    lon, lat = _centre(g)
    item["lat"], item["lon"] = lat, lon
    return item


def _centre(g: dict) -> tuple[float, float]:
    if g["type"] == "Point":
        return tuple(g["coordinates"][:2])
    pts = g["coordinates"] if g["type"] == "LineString" else g["coordinates"][0]
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)
