"""Test data for transit: the demo feed imported, and the simulated city's buses driven up to a moment."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from backend.transit import clock
from citysim.transit.feed import DEMO_FEED, CarrierFeed
from citysim.transit.model import CITY_TZ, CityBuses

DATA = Path(__file__).parent / "data"
# A Wednesday morning in the city, with the rush hour on (the tests move the transit clock there).
MORNING = datetime(2026, 11, 18, 8, 30, tzinfo=CITY_TZ)
_city: CityBuses | None = None


def city() -> CityBuses:
    global _city
    if _city is None:
        _city = CityBuses(CarrierFeed.read(DEMO_FEED))
    return _city


def import_demo(maker) -> None:
    from backend.transit.gtfs_import import import_feed

    with maker() as s:
        import_feed(s, DEMO_FEED, today=date(2026, 11, 1))
        s.commit()


def set_clock(monkeypatch, at: datetime) -> int:
    """Moves the transit domain's clock to `at`; returns it in epoch ms."""
    target = int(at.timestamp() * 1000)
    monkeypatch.setattr(clock, "offset_ms", target - int(datetime.now().timestamp() * 1000))
    return target


def day_reports(day: date, *, seed: int = 0):
    runs = city().run_day(day)
    return runs, city().reports(runs, seed=seed)


def drive(writer, *, until_ms: int, minutes: float = 30, day: date | None = None, monkeypatch=None,
          batch: int = 200):
    """Feeds the simulated buses' reports of the `minutes` before `until_ms` through a PositionWriter,
    each batch at its own moment (the writer's clock follows the reports). Returns the day's runs."""
    day = day or datetime.fromtimestamp(until_ms / 1000, CITY_TZ).date()
    runs, reports = day_reports(day)
    window = [r for r in reports if until_ms - minutes * 60_000 <= r[0] <= until_ms]
    saved = writer.clock
    try:
        for i in range(0, len(window), batch):
            chunk = window[i:i + batch]
            writer.clock = lambda t=chunk[-1][0]: t / 1000
            writer.ingest([(vid, p) for _, vid, p in chunk])
    finally:
        writer.clock = saved
    return runs
