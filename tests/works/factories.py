"""Permits and places for the works tests: a small street grid near the centre of Kurchatov."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from backend.works import geo

CITY = timezone(timedelta(hours=3))
# A reference instant inside every test permit's hours (10:00 city time).
NOON = datetime(2026, 6, 10, 10, 0, tzinfo=CITY)


def at_metres(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of a point x m east and y m north of the projection's origin."""
    lon, lat = geo.to_lonlat(x, y)
    return lat, lon


def line(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "LineString", "coordinates": [list(geo.to_lonlat(x0, y0)), list(geo.to_lonlat(x1, y1))]}


def box(x0: float, y0: float, x1: float, y1: float) -> dict:
    ring = [geo.to_lonlat(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def point(x: float, y: float) -> dict:
    return {"type": "Point", "coordinates": list(geo.to_lonlat(x, y))}


def permit(number: str = "ЗР-1", **over) -> dict:
    body = {
        "number": number, "purpose": "water", "contractor": "МУП «Водоканал»", "contractor_inn": "4634003311",
        "licence_until": "2027-12-31", "responsible": "Иванов Пётр Сергеевич", "responsible_phone": "+7 910 111-22-33",
        "geometry": box(0, 0, 20, 10), "valid_from": (NOON - timedelta(days=5)).isoformat(),
        "valid_to": (NOON + timedelta(days=5)).isoformat(), "hours_from": "08:00", "hours_to": "20:00",
        "status": "granted", "restore_by": (NOON + timedelta(days=20)).date().isoformat(),
        "address": "улица Мира, 5", "documents": [{"name": "ордер.pdf", "url": ""}]}
    body.update(over)
    return body
