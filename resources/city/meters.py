"""The demo city's municipal buildings, their meters and how much they use, per quarter hour.

~40 buildings (schools, kindergartens, clinics, offices, sport) with electricity (kWh), heat
(Gcal) and water (m³) meters; consumption with daily, weekly and seasonal shape and a few
injected faults. Demo data both sides read: the backend's demo seeding (buildings, meters and
their past year) and the simulated city (`citysim.meters`, the live readings).
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass

import numpy as np

from resources.city import kurchatov

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
Q_MS = 15 * 60_000
# The city's clock (UTC+3, no DST): when buildings open and which day a reading belongs to.
CITY_UTC_OFFSET_MS = 3 * HOUR_MS
KEYS = {"electricity": ("kwh", "kWh"), "heat": ("gcal", "Gcal"), "water": ("m3", "m³")}
SHORT = {"electricity": "el", "heat": "heat", "water": "water"}
RES_NAMES = {"electricity": "Электроэнергия", "heat": "Тепловая энергия", "water": "Холодная вода"}

# kind → (count, name pattern, area m² range, open days, open hour, close hour)
KINDS = {
    "school": (9, "МБОУ «Средняя общеобразовательная школа № {n}»", (3500, 7000), "012345", 8, 18),
    "kindergarten": (13, "МБДОУ «Детский сад № {n}»", (1400, 2600), "01234", 7, 19),
    "clinic": (6, "{name}", (2500, 9000), "012345", 8, 20),
    "office": (8, "{name}", (1200, 5000), "01234", 9, 18),
    "sport": (4, "{name}", (2000, 6000), "0123456", 8, 22),
}
NAMED = {
    "clinic": ["ОБУЗ «Курчатовская ЦРБ», поликлиника", "Детская поликлиника", "Стоматологическая поликлиника",
               "Женская консультация", "Филиал поликлиники в микрорайоне Поповка", "Станция скорой помощи"],
    "office": ["Администрация города Курчатова", "МФЦ «Мои документы»", "Управление образования",
               "Управление социальной защиты", "Городской архив", "Курчатовская городская дума",
               "МКУ «Благоустройство»", "Центральная городская библиотека"],
    "sport": ["ФОК «Олимп»", "Ледовая арена", "Плавательный бассейн «Нептун»", "ДЮСШ «Энергия»"],
}


@dataclass(frozen=True)
class Building:
    code: str
    kind: str
    name: str
    address: str
    lat: float
    lon: float
    area: float
    open_days: str
    open_hour: int
    close_hour: int

    def meter_uid(self, resource: str) -> str:
        return f"{self.code}-{SHORT[resource]}"


@dataclass(frozen=True)
class Fault:
    """Extra consumption on one meter: `factor` × normal + `add` per quarter hour, in [start, end)."""

    code: str
    resource: str
    start: int
    end: int | None
    factor: float = 1.0
    add: float = 0.0
    silent: bool = False  # the meter sends nothing


def buildings() -> list[Building]:
    rng = random.Random(51_66)
    places = list(kurchatov.addresses())
    rng.shuffle(places)
    out = []
    for kind, (count, pattern, (a0, a1), days, h0, h1) in KINDS.items():
        for i in range(count):
            name = pattern.format(n=i + 1 if kind != "kindergarten" else 2 * i + 1,
                                  name=NAMED.get(kind, [""] * count)[i])
            p = places.pop()
            out.append(Building(code=f"kur-{kind}-{i + 1}", kind=kind, name=name, address=p.address, lat=p.lat,
                                lon=p.lon, area=float(rng.randint(a0, a1)), open_days=days, open_hour=h0,
                                close_hour=h1))
    return out


def local_day_start(ts_ms: int) -> int:
    return (ts_ms + CITY_UTC_OFFSET_MS) // DAY_MS * DAY_MS - CITY_UTC_OFFSET_MS


def faults(anchor: int) -> list[Fault]:
    """Injected faults, placed relative to the seeding time (whole quarter hours)."""
    day = local_day_start(anchor)
    return [
        # A stuck heating valve at school № 3 over one night and day (the screenshot's alarm).
        Fault("kur-school-3", "heat", day - 4 * DAY_MS + 20 * HOUR_MS, day - 3 * DAY_MS + 16 * HOUR_MS, factor=2.6),
        # A leaking cistern in kindergarten № 9 since two days ago, still running.
        Fault("kur-kindergarten-5", "water", day - 2 * DAY_MS + 3 * HOUR_MS, None, add=0.04),
        # Lights left on in the administration for a weekend night three weeks ago.
        Fault("kur-office-1", "electricity", day - 20 * DAY_MS + 19 * HOUR_MS, day - 19 * DAY_MS + 7 * HOUR_MS,
              add=9.0),
        # The polyclinic's electricity meter fell silent for eight hours ten days ago.
        Fault("kur-clinic-1", "electricity", day - 10 * DAY_MS + 2 * HOUR_MS, day - 10 * DAY_MS + 10 * HOUR_MS,
              silent=True),
        # The ice arena's chillers over-ran for two days two months ago.
        Fault("kur-sport-2", "electricity", day - 60 * DAY_MS, day - 58 * DAY_MS, factor=1.8),
    ]


def _outdoor_temp(t: np.ndarray) -> np.ndarray:
    """°C in Kurchatov: seasonal (coldest late January), a daily swing and slow weather."""
    days = (t + CITY_UTC_OFFSET_MS) / DAY_MS
    season = 6.5 - 13.0 * np.cos(2 * np.pi * (days - 20) / 365.25)
    hour = (days % 1) * 24
    daily = 4.0 * np.cos(2 * np.pi * (hour - 15) / 24)
    weather = 1.6 * np.sin(2 * np.pi * days / 5.3) + 1.1 * np.sin(2 * np.pi * days / 8.9 + 1.3)
    return season + daily + weather, season


def consumption(b: Building, resource: str, t: np.ndarray, fault_list: list[Fault] | None = None) -> np.ndarray:
    """Use per quarter hour starting at each t (epoch ms); NaN where the meter was silent."""
    local = t + CITY_UTC_OFFSET_MS
    hour = (local % DAY_MS) / HOUR_MS
    weekday = ((local // DAY_MS) + 3) % 7  # 1970-01-01 was a Thursday
    doy = ((local / DAY_MS) % 365.25)
    open_day = np.isin(weekday, [int(d) for d in b.open_days])
    is_open = open_day & (hour >= b.open_hour) & (hour < b.close_hour)
    span = max(b.close_hour - b.open_hour, 1)
    occ = np.where(is_open, 0.7 + 0.3 * np.sin(np.pi * np.clip(hour - b.open_hour, 0, span) / span), 0.0)
    if b.kind == "school":
        occ = occ * np.where((doy > 151) & (doy < 243), 0.15, 1.0)  # summer holidays
    seed = zlib.crc32(f"{b.code}/{resource}".encode()) ^ int(t[0] // Q_MS) & 0xFFFFFFFF
    rng = np.random.default_rng(seed)
    noise = 1 + 0.06 * rng.standard_normal(len(t))
    temp, season = _outdoor_temp(t)
    if resource == "electricity":
        dark = 0.5 + 0.5 * np.cos(2 * np.pi * (doy - 355) / 365.25)
        v = b.area * (0.0006 + occ * 0.0025 * (1 + 0.3 * dark)) * noise
        if b.kind == "sport" and b.code.endswith("-2"):
            v = v + b.area * 0.0012  # the ice arena's chillers run day and night
    elif resource == "heat":
        heating = season < 9.0
        coef = b.area * 2.3e-6 / 4  # Gcal per quarter hour per kelvin
        setback = np.where(is_open, 1.0, 0.85)
        v = (np.where(heating, coef * np.maximum(0.0, 20.0 - temp) * setback, 0.0)
             + occ * b.area * 1.2e-6) * noise
    else:
        base = occ * b.area * 0.00011 * np.exp(0.35 * rng.standard_normal(len(t)))
        cleaning = (~is_open) & (rng.random(len(t)) < 0.02)
        v = np.where(is_open, base, np.where(cleaning, 0.01 + 0.03 * rng.random(len(t)), 0.0))
    v = np.maximum(v, 0.0)
    for f in fault_list or ():
        if f.code != b.code or f.resource != resource:
            continue
        inside = (t >= f.start) & ((t < f.end) if f.end is not None else True)
        v = np.where(inside, v * f.factor + f.add, v)
        if f.silent:
            v = np.where(inside, np.nan, v)
    return np.round(v, 5 if resource == "heat" else 3)
