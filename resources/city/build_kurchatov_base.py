"""Writes the hand-drawn vector base of Kurchatov (districts, streets, water, landmarks).

The geometry is plausible, not surveyed: it was drawn without map data so that the map
is never blank offline. Rebuild with `.venv/bin/python resources/city/build_kurchatov_base.py`.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent


def fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def feature(geom_type: str, coords, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": {"type": geom_type, "coordinates": coords}}


def ll(points: list[tuple[float, float]]) -> list[list[float]]:
    """(lat, lon) pairs, as people read them, to GeoJSON's [lon, lat]."""
    return [[round(lon, 6), round(lat, 6)] for lat, lon in points]


def ring(points: list[tuple[float, float]]) -> list[list[list[float]]]:
    pts = ll(points)
    return [pts + [pts[0]]]


# Districts: the town's microdistricts, the old village part and the industrial zone.
DISTRICTS = [
    ("Центральный", "center", [(51.6570, 35.6430), (51.6640, 35.6425), (51.6655, 35.6560),
                                (51.6600, 35.6600), (51.6555, 35.6545)]),
    ("Северный микрорайон", "residential", [(51.6640, 35.6425), (51.6725, 35.6400), (51.6745, 35.6535),
                                            (51.6690, 35.6600), (51.6655, 35.6560)]),
    ("Микрорайон Энергетиков", "residential", [(51.6600, 35.6600), (51.6655, 35.6560), (51.6690, 35.6600),
                                               (51.6700, 35.6700), (51.6620, 35.6745), (51.6580, 35.6680)]),
    ("Южный микрорайон", "residential", [(51.6480, 35.6440), (51.6570, 35.6430), (51.6555, 35.6545),
                                         (51.6580, 35.6680), (51.6510, 35.6700), (51.6465, 35.6570)]),
    ("Западный микрорайон", "residential", [(51.6500, 35.6310), (51.6600, 35.6300), (51.6640, 35.6425),
                                            (51.6570, 35.6430), (51.6480, 35.6440)]),
    ("Промзона", "industrial", [(51.6600, 35.6300), (51.6700, 35.6250), (51.6760, 35.6330),
                                (51.6725, 35.6400), (51.6640, 35.6425)]),
    ("Частный сектор (Дичня)", "village", [(51.6420, 35.6560), (51.6465, 35.6570), (51.6510, 35.6700),
                                           (51.6470, 35.6760), (51.6405, 35.6720)]),
]

# Main streets: (name, class, polyline of (lat, lon)). "main" are the avenues.
STREETS = [
    ("проспект Коммунистический", "main", [(51.6505, 35.6330), (51.6545, 35.6400), (51.6582, 35.6468),
                                           (51.6612, 35.6528), (51.6640, 35.6590), (51.6668, 35.6660),
                                           (51.6690, 35.6720)]),
    ("улица Ленинградская", "main", [(51.6478, 35.6420), (51.6520, 35.6480), (51.6555, 35.6545),
                                     (51.6588, 35.6610), (51.6618, 35.6690), (51.6640, 35.6745)]),
    ("улица Энергетиков", "main", [(51.6640, 35.6330), (51.6632, 35.6400), (51.6625, 35.6470),
                                   (51.6612, 35.6528), (51.6588, 35.6610), (51.6560, 35.6700)]),
    ("улица Космонавтов", "secondary", [(51.6500, 35.6515), (51.6555, 35.6545), (51.6582, 35.6468),
                                        (51.6625, 35.6470), (51.6675, 35.6455), (51.6720, 35.6445)]),
    ("улица Молодёжная", "secondary", [(51.6690, 35.6410), (51.6675, 35.6455), (51.6668, 35.6520),
                                       (51.6665, 35.6580), (51.6668, 35.6660)]),
    ("улица Садовая", "secondary", [(51.6455, 35.6520), (51.6470, 35.6590), (51.6490, 35.6650),
                                    (51.6510, 35.6700)]),
    ("улица Строителей", "secondary", [(51.6520, 35.6340), (51.6560, 35.6360), (51.6605, 35.6380),
                                       (51.6650, 35.6390), (51.6705, 35.6375)]),
    ("улица Гайдара", "secondary", [(51.6588, 35.6610), (51.6625, 35.6610), (51.6665, 35.6580),
                                    (51.6705, 35.6560)]),
    ("улица Мира", "secondary", [(51.6520, 35.6480), (51.6545, 35.6400), (51.6560, 35.6360)]),
    ("улица Школьная", "secondary", [(51.6530, 35.6600), (51.6555, 35.6545), (51.6570, 35.6500),
                                     (51.6582, 35.6468)]),
    ("улица Набережная", "secondary", [(51.6440, 35.6440), (51.6445, 35.6520), (51.6438, 35.6600),
                                       (51.6425, 35.6680)]),
    ("улица Лесная", "secondary", [(51.6690, 35.6720), (51.6720, 35.6650), (51.6745, 35.6535)]),
    ("улица Советская", "secondary", [(51.6405, 35.6720), (51.6440, 35.6680), (51.6470, 35.6590),
                                      (51.6478, 35.6420)]),
    ("Промышленный проезд", "secondary", [(51.6640, 35.6330), (51.6690, 35.6300), (51.6740, 35.6290)]),
    ("автодорога на Курскую АЭС", "main", [(51.6640, 35.6330), (51.6665, 35.6250), (51.6700, 35.6170),
                                           (51.6735, 35.6090)]),
    ("автодорога на Курск", "main", [(51.6690, 35.6720), (51.6720, 35.6800), (51.6760, 35.6900)]),
    # Minor streets and driveways between the blocks.
    ("улица Победы", "minor", [(51.6560, 35.6360), (51.6575, 35.6440), (51.6582, 35.6468)]),
    ("улица Октябрьская", "minor", [(51.6605, 35.6380), (51.6612, 35.6440), (51.6625, 35.6470)]),
    ("улица Пионерская", "minor", [(51.6650, 35.6390), (51.6660, 35.6430), (51.6675, 35.6455)]),
    ("улица Курская", "minor", [(51.6530, 35.6440), (51.6545, 35.6400)]),
    ("улица Красная", "minor", [(51.6500, 35.6515), (51.6470, 35.6590)]),
    ("улица Дружбы", "minor", [(51.6625, 35.6610), (51.6640, 35.6660), (51.6618, 35.6690)]),
    ("улица Энтузиастов", "minor", [(51.6668, 35.6660), (51.6655, 35.6700), (51.6640, 35.6745)]),
    ("улица Заводская", "minor", [(51.6690, 35.6300), (51.6705, 35.6375), (51.6725, 35.6400)]),
    ("улица Северная", "minor", [(51.6705, 35.6375), (51.6710, 35.6480), (51.6705, 35.6560)]),
    ("улица Южная", "minor", [(51.6478, 35.6420), (51.6470, 35.6500), (51.6455, 35.6520)]),
    ("улица Луговая", "minor", [(51.6438, 35.6600), (51.6455, 35.6640), (51.6470, 35.6700)]),
]


def river() -> list[tuple[float, float]]:
    """The Seym: from the east, past the south of the town, into the cooling pond's valley."""
    return [(51.6370, 35.6950), (51.6395, 35.6850), (51.6388, 35.6760), (51.6410, 35.6680),
            (51.6400, 35.6590), (51.6418, 35.6500), (51.6405, 35.6410), (51.6420, 35.6320),
            (51.6398, 35.6230), (51.6380, 35.6130), (51.6395, 35.6020)]


def cooling_pond() -> list[tuple[float, float]]:
    """The Kursk NPP cooling pond: a long reservoir west of the town."""
    pts = []
    cx, cy = 35.5950, 51.6560
    for i in range(36):
        a = 2 * math.pi * i / 36
        r_lon, r_lat = 0.0290, 0.0095
        wobble = 1 + 0.06 * math.sin(3 * a) + 0.04 * math.cos(5 * a)
        lon = cx + r_lon * math.cos(a) * wobble
        lat = cy + r_lat * math.sin(a) * wobble + 0.004 * math.cos(a)  # tilt SW→NE
        pts.append((lat, lon))
    return pts


LANDMARKS = [
    ("Администрация г. Курчатова", "government", 51.6606, 35.6512),
    ("Ситуационный центр (ЕДДС)", "government", 51.6600, 35.6525),
    ("Городская больница", "hospital", 51.6665, 35.6495),
    ("ДК «Энергетик»", "culture", 51.6590, 35.6495),
    ("Стадион «Энергетик»", "sport", 51.6560, 35.6585),
    ("Храм Святой Троицы", "church", 51.6575, 35.6440),
    ("Городской парк", "park", 51.6548, 35.6500),
    ("Пожарная часть", "emergency", 51.6650, 35.6405),
    ("Отдел полиции", "police", 51.6620, 35.6555),
    ("Ж/д станция Лукашевка", "transport", 51.6485, 35.6655),
    ("Автовокзал", "transport", 51.6680, 35.6690),
    ("Курская АЭС", "industrial", 51.6745, 35.6070),
]

PARKS = [
    ("Городской парк", [(51.6535, 35.6480), (51.6560, 35.6470), (51.6565, 35.6520), (51.6540, 35.6530)]),
    ("Сквер Победы", [(51.6598, 35.6530), (51.6612, 35.6525), (51.6615, 35.6548), (51.6600, 35.6552)]),
    ("Лесопарк", [(51.6700, 35.6560), (51.6745, 35.6535), (51.6760, 35.6640), (51.6720, 35.6650)]),
]


def _buildings() -> list[dict]:
    """Blocks of flats along the town streets: footprints 16 m deep, set back from the kerb.

    Placed where they clear every street by 20 m, inside the residential districts, as in a
    Soviet-era microdistrict; deterministic, so a rebuild gives the same file.
    """
    k = math.cos(math.radians(51.66))
    m_lat, m_lon = 1 / 111_320.0, 1 / (111_320.0 * k)

    def to_xy(lat, lon):
        return lon / m_lon, lat / m_lat

    def to_ll(x, y):
        return y * m_lat, x * m_lon

    segments = []
    for name, kind, pts in STREETS:
        xy = [to_xy(*p) for p in pts]
        segments += [(a, b) for a, b in zip(xy, xy[1:])]

    def dist_to_streets(x, y):
        best = 1e9
        for (ax, ay), (bx, by) in segments:
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy or 1e-9)))
            best = min(best, math.hypot(x - ax - t * dx, y - ay - t * dy))
        return best

    def inside(poly, lat, lon):
        hit = False
        for (la1, lo1), (la2, lo2) in zip(poly, poly[1:] + poly[:1]):
            if (lo1 > lon) != (lo2 > lon) and lat < (la2 - la1) * (lon - lo1) / (lo2 - lo1) + la1:
                hit = not hit
        return hit

    built = [p for _, kind, p in DISTRICTS if kind in ("center", "residential", "village")]
    village = next(p for _, kind, p in DISTRICTS if kind == "village")
    out, placed = [], []
    for name, kind, pts in STREETS:
        if name.startswith("автодорога"):
            continue
        xy = [to_xy(*p) for p in pts]
        for (ax, ay), (bx, by) in zip(xy, xy[1:]):
            length = math.hypot(bx - ax, by - ay)
            ux, uy = (bx - ax) / length, (by - ay) / length
            nx, ny = -uy, ux
            mid_lat, mid_lon = to_ll((ax + bx) / 2, (ay + by) / 2)
            small = inside(village, mid_lat, mid_lon)  # the private sector: cottages, not blocks
            long_m, depth = (16, 6) if small else (62, 8)
            step = long_m + (14 if small else 24)
            for side in (1, -1):
                setback = 22 if small else 34 if kind != "minor" else 26
                d = 30.0
                while d + long_m < length - 20:
                    cx = ax + ux * (d + long_m / 2) + nx * setback * side
                    cy = ay + uy * (d + long_m / 2) + ny * setback * side
                    lat, lon = to_ll(cx, cy)
                    ok = (any(inside(p, lat, lon) for p in built) and dist_to_streets(cx, cy) > 20
                          and all(math.hypot(cx - px, cy - py) > (20 if small else 60) for px, py in placed))
                    if ok:
                        placed.append((cx, cy))
                        hl, hw = long_m / 2, depth
                        corners = [(cx + ux * a + nx * b, cy + uy * a + ny * b)
                                   for a, b in ((-hl, -hw), (hl, -hw), (hl, hw), (-hl, hw))]
                        out.append(feature("Polygon", ring([to_ll(x, y) for x, y in corners]),
                                           kind="residential", street=name))
                    d += step
    return out


def main() -> None:
    districts = fc([feature("Polygon", ring(p), name=n, kind=k) for n, k, p in DISTRICTS])
    streets = fc([feature("LineString", ll(p), name=n, kind=k) for n, k, p in STREETS])
    water = fc([
        feature("Polygon", ring(cooling_pond()), name="Курчатовское водохранилище (пруд-охладитель)", kind="reservoir"),
        feature("LineString", ll(river()), name="река Сейм", kind="river"),
    ] + [feature("Polygon", ring(p), name=n, kind="park") for n, p in PARKS])
    landmarks = fc([feature("Point", [lon, lat], name=n, kind=k) for n, k, lat, lon in LANDMARKS])
    buildings = fc(_buildings())
    for name, data in (("districts", districts), ("streets", streets), ("water", water), ("landmarks", landmarks),
                       ("buildings", buildings)):
        indent = None if name == "buildings" else 1  # hundreds of footprints: keep that file compact
        (HERE / f"kurchatov_{name}.geojson").write_text(json.dumps(data, ensure_ascii=False, indent=indent) + "\n",
                                                       encoding="utf-8")


if __name__ == "__main__":
    main()
