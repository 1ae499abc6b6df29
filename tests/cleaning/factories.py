"""Sections and machine tracks for the cleaning tests: straight streets in local metres, drives with noise."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np

from backend.works import geo

CITY = timezone(timedelta(hours=3))


def lonlat_line(*points_m: tuple[float, float]) -> dict:
    return {"type": "LineString", "coordinates": [list(geo.to_lonlat(x, y)) for x, y in points_m]}


def section(code: str, *points_m: tuple[float, float], kind: str = "sweeping", service: str = "blagoustroystvo",
            rules: list[dict] | None = None) -> dict:
    return {"code": code, "name": f"Участок {code}", "street": f"улица {code}", "kind": kind, "service": service,
            "geometry": lonlat_line(*points_m), "schedule": rules or [{"pattern": "daily", "start": "08:00", "end": "12:00"}]}


def drive(path_m: list[tuple[float, float]], start: datetime, *, speed: float = 4.0, every_s: float = 10.0,
          noise_m: float = 10.0, work: str = "sweeping", seed: int = 1,
          gaps: list[tuple[float, float]] = ()) -> list[dict]:
    """Fixes of a machine driving along path_m at `speed` m/s: Gaussian noise (σ = noise/2, clipped at
    noise), reports every `every_s`, and silent stretches `gaps` (seconds from start, from–to)."""
    rng = random.Random(seed)
    pts = np.array(path_m, dtype=float)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    total = seg.sum()
    out, t = [], 0.0
    while t * speed <= total:
        if not any(a <= t < b for a, b in gaps):
            d = t * speed
            k = min(int(np.searchsorted(np.cumsum(seg), d, side="right")), len(seg) - 1)
            f = (d - seg[:k].sum()) / seg[k]
            x, y = pts[k] + f * (pts[k + 1] - pts[k])
            nx = max(-noise_m, min(noise_m, rng.gauss(0, noise_m / 2)))
            ny = max(-noise_m, min(noise_m, rng.gauss(0, noise_m / 2)))
            lon, lat = geo.to_lonlat(x + nx, y + ny)
            ts = int((start + timedelta(seconds=t)).timestamp() * 1000)
            out.append({"ts": ts, "lat": lat, "lon": lon, "speed": speed, "work": work})
        t += every_s
    return out
