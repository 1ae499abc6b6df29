"""Which cameras saw a place: for "cameras near this incident at its time"."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime

EARTH_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def cameras_near(cameras: Iterable, lat: float, lon: float, *, radius_m: float = 400.0, limit: int = 4) -> list:
    """The nearest recording cameras within radius_m, nearest first (objects with lat, lon, recording)."""
    found = [(distance_m(lat, lon, c.lat, c.lon), c) for c in cameras if getattr(c, "recording", True)]
    return [c for d, c in sorted(found, key=lambda x: x[0]) if d <= radius_m][:limit]


def open_near(bus, cameras: Iterable, lat: float, lon: float, at: datetime, **kw) -> list:
    """Ask the archive for the cameras near (lat, lon) at `at`; they open side by side."""
    near = cameras_near(cameras, lat, lon, **kw)
    for cam in near:
        bus.archive_requested.emit(cam.id, at.isoformat())
    return near
