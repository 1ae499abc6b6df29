"""Qt-free geography of the city: the vector base and the nearest address to a point."""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import resources

CITY_DIR = Path(resources.__file__).resolve().parent / "city"
CITY_CENTER = (51.6590, 35.6520)
CITY_BOUNDS = [[51.6425, 35.6290], [51.6760, 35.6760]]  # the built-up town, south-west to north-east
CITY_NAME = "г. Курчатов"
BASE_LAYERS = ("districts", "water", "buildings", "streets", "landmarks")
_M_PER_DEG_LAT = 111_320.0


def load_base(name: str) -> dict:
    """One of the city's GeoJSON FeatureCollections (see BASE_LAYERS)."""
    return json.loads((CITY_DIR / f"kurchatov_{name}.geojson").read_text(encoding="utf-8"))


def _xy(lat: float, lon: float) -> tuple[float, float]:
    """Metres on a local flat plane around the city: plenty accurate for a town."""
    return (lon * _M_PER_DEG_LAT * math.cos(math.radians(CITY_CENTER[0])), lat * _M_PER_DEG_LAT)


@dataclass(frozen=True)
class _Segment:
    street: str
    ax: float
    ay: float
    bx: float
    by: float
    start_m: float  # distance along the street where this segment starts


class AddressBook:
    """Finds the nearest known address: from addresses.csv when present, else along the streets."""

    def __init__(self, addresses: list[tuple[float, float, str]], streets: dict) -> None:
        self._points = [(*_xy(lat, lon), text) for lat, lon, text in addresses]
        self._segments: list[_Segment] = []
        for f in streets.get("features", []):
            if f["geometry"]["type"] != "LineString":
                continue
            along = 0.0
            pts = [_xy(lat, lon) for lon, lat in f["geometry"]["coordinates"]]
            for (ax, ay), (bx, by) in zip(pts, pts[1:]):
                self._segments.append(_Segment(f["properties"]["name"], ax, ay, bx, by, along))
                along += math.hypot(bx - ax, by - ay)

    @classmethod
    @lru_cache(maxsize=1)
    def default(cls) -> "AddressBook":
        return cls(read_addresses_csv(CITY_DIR / "addresses.csv"), load_base("streets"))

    def nearest(self, lat: float, lon: float, max_m: float = 400.0) -> str:
        x, y = _xy(lat, lon)
        if self._points:
            best = min(self._points, key=lambda p: (p[0] - x) ** 2 + (p[1] - y) ** 2)
            if math.hypot(best[0] - x, best[1] - y) <= max_m:
                return best[2]
        return self._along_street(x, y, max_m)

    def _along_street(self, x: float, y: float, max_m: float) -> str:
        best: tuple[float, _Segment, float, float] | None = None
        for s in self._segments:
            dx, dy = s.bx - s.ax, s.by - s.ay
            length2 = dx * dx + dy * dy or 1e-9
            t = max(0.0, min(1.0, ((x - s.ax) * dx + (y - s.ay) * dy) / length2))
            px, py = s.ax + t * dx, s.ay + t * dy
            d = math.hypot(x - px, y - py)
            if best is None or d < best[0]:
                side = 1 if (dx * (y - s.ay) - dy * (x - s.ax)) > 0 else 0
                best = (d, s, s.start_m + t * math.sqrt(length2), side)
        if best is None or best[0] > max_m:
            return f"{CITY_NAME}, {lat_lon_text(*_latlon(x, y))}"
        _, seg, along, side = best
        # Houses every ~40 m, odd numbers on one side and even on the other, as in Russian towns.
        number = 2 * int(along // 40) + 1 + side
        return f"{CITY_NAME}, {seg.street}, {number}"


def _latlon(x: float, y: float) -> tuple[float, float]:
    lat = y / _M_PER_DEG_LAT
    return lat, x / (_M_PER_DEG_LAT * math.cos(math.radians(CITY_CENTER[0])))


def lat_lon_text(lat: float, lon: float) -> str:
    return f"{lat:.5f}, {lon:.5f}"


def read_addresses_csv(path: Path) -> list[tuple[float, float, str]]:
    """Rows of a colleague's addresses.csv: any columns named lat, lon and address (or street+house)."""
    if not path.exists():
        return []
    out: list[tuple[float, float, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, TypeError, ValueError):
                continue
            text = row.get("address") or ", ".join(v for v in (row.get("street"), row.get("house")) if v)
            if text:
                out.append((lat, lon, text))
    return out
