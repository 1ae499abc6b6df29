"""Writes addresses.csv: house addresses along the streets of kurchatov_streets.geojson.

Plausible, not surveyed: houses every ~70 m along each street line, odd numbers on one
side and even on the other. The demo seed, the complaint simulator and the map reuse it.
Rebuild with `.venv/bin/python resources/city/build_addresses.py`.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHORT = {"улица ": "ул. ", "проспект ": "пр. ", "переулок ": "пер. "}
SKIP_PREFIX = ("автодорога",)  # highways out of town have no houses
STEP_M = 70.0
SIDE_M = 18.0
M_PER_DEG_LAT = 111_320.0


def short_name(name: str) -> str:
    for long, short in SHORT.items():
        if name.startswith(long):
            return short + name[len(long):]
    return name


def houses(line: list[list[float]]):
    """(number, lat, lon) along a polyline of [lon, lat]."""
    k = math.cos(math.radians(51.66))
    number, carry = 1, 0.0
    for (lon1, lat1), (lon2, lat2) in zip(line, line[1:]):
        dx, dy = (lon2 - lon1) * M_PER_DEG_LAT * k, (lat2 - lat1) * M_PER_DEG_LAT
        length = math.hypot(dx, dy)
        if length == 0:
            continue
        nx, ny = -dy / length, dx / length  # left normal, metres
        d = carry
        while d < length:
            t = d / length
            side = SIDE_M if number % 2 else -SIDE_M
            lat = lat1 + (lat2 - lat1) * t + ny * side / M_PER_DEG_LAT
            lon = lon1 + (lon2 - lon1) * t + nx * side / (M_PER_DEG_LAT * k)
            yield number, round(lat, 6), round(lon, 6)
            number += 1
            d += STEP_M / 2  # both sides share the step
        carry = d - length


def main() -> None:
    streets = json.loads((HERE / "kurchatov_streets.geojson").read_text(encoding="utf-8"))
    rows = []
    for f in streets["features"]:
        name = f["properties"]["name"]
        if name.startswith(SKIP_PREFIX) or f["geometry"]["type"] != "LineString":
            continue
        street = short_name(name)
        for number, lat, lon in houses(f["geometry"]["coordinates"]):
            rows.append({"street": street, "house": number, "address": f"{street}, {number}", "lat": lat, "lon": lon})
    with (HERE / "addresses.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["street", "house", "address", "lat", "lon"])
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} addresses on {len({r['street'] for r in rows})} streets")


if __name__ == "__main__":
    main()
