"""A stand-alone context and demo data, so the map runs without the shell or a server.

Used by the map's tests, its bench and its screenshot. The context has what the panel uses
of app.context.AppContext (api, tasks, events, errors, settings, bus), built here without
importing app/ (widgets sit below the shell); the live test runs the panel on the real one.
"""
from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import QObject, Signal

from widgets.map import geo

log = logging.getLogger(__name__)

CATEGORIES = ("street_lighting", "roads", "waste", "utilities", "public_transport", "excavation",
              "traffic_lights", "public_order", "landscaping", "other")


class LocalBus(QObject):
    """The signals of app.context.Bus that the map sends and hears."""

    incident_selected = Signal(int)
    incident_open_requested = Signal(int)
    create_incident_at = Signal(float, float, str)
    area_filter_changed = Signal(object)
    camera_open_requested = Signal(int)
    map_items_changed = Signal(str, object)


class LocalTasks(QObject):
    """app.tasks.TaskRunner's run(): fn on a pool, on_done/on_error back on the GUI thread."""

    _done = Signal(object, object)

    def __init__(self, workers: int = 2) -> None:
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="map-demo")
        self._done.connect(lambda cb, value: cb(value) if cb else None)
        self._closed = False

    def run(self, fn: Callable, *args: Any, on_done: Callable | None = None,
            on_error: Callable | None = None) -> None:
        def job() -> None:
            try:
                result = fn(*args)
            except Exception as exc:  # reported like the app's error sink would
                if not self._closed:
                    self._done.emit(on_error or (lambda e: log.error("map demo task failed: %s", e)), exc)
            else:
                if not self._closed:
                    self._done.emit(on_done, result)

        if not self._closed:
            self._pool.submit(job)

    def shutdown(self, wait: bool = False) -> None:
        self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)


class LocalErrors:
    def report(self, where: str, exc: BaseException | str) -> None:
        log.error("%s: %s", where, exc)


class LocalEvents:
    """EventHub's subscribe/inject without a server."""

    def __init__(self) -> None:
        self._subs: list[tuple[str, Callable]] = []

    def subscribe(self, prefix: str, callback: Callable) -> None:
        self._subs.append((prefix, callback))

    def inject(self, etype: str, data: object) -> None:
        for prefix, cb in list(self._subs):
            if etype.startswith(prefix):
                cb(etype, data)


class FakeApi:
    """Answers GET /api/v1/incidents with the given incidents, like the server's Page."""

    def __init__(self, incidents: list[dict]) -> None:
        self.incidents = incidents
        self.calls: list[tuple] = []

    def request(self, method: str, path: str, *, params=None, **_kw):
        self.calls.append((method, path, params))
        p = dict(params or [])
        offset, limit = int(p.get("offset", 0)), int(p.get("limit", 50))
        rows = self.incidents[offset:offset + limit]
        return {"items": rows, "total": len(self.incidents), "offset": offset, "limit": limit}


def make_context(incidents: list[dict] | None = None, settings: Any = None) -> SimpleNamespace:
    """settings: anything with map_base / map_tile_url / map_mbtiles_path (app.settings.AppSettings)."""
    settings = settings or SimpleNamespace(map_base="vector", map_tile_url="", map_mbtiles_path="")
    return SimpleNamespace(api=FakeApi(incidents or []), tasks=LocalTasks(), events=LocalEvents(),
                           errors=LocalErrors(), settings=settings, bus=LocalBus(), user=None)


def demo_incidents(n: int = 60, seed: int = 4) -> list[dict]:
    """Plausible open incidents at the city's addresses."""
    rng = random.Random(seed)
    addresses = geo.read_addresses_csv(geo.CITY_DIR / "addresses.csv") or [
        (geo.CITY_CENTER[0] + rng.uniform(-0.01, 0.01), geo.CITY_CENTER[1] + rng.uniform(-0.015, 0.015), "")
        for _ in range(n)]
    out = []
    for i in range(1, n + 1):
        lat, lon, address = rng.choice(addresses)
        priority = rng.choices(("critical", "high", "medium", "low"), weights=(1, 3, 5, 4))[0]
        out.append({"id": i, "number": f"И-{i:06d}", "category": rng.choice(CATEGORIES), "priority": priority,
                    "status": rng.choice(("new", "acknowledged", "in_progress")),
                    "lat": lat + rng.uniform(-0.0002, 0.0002), "lon": lon + rng.uniform(-0.0003, 0.0003),
                    "address": address, "overdue": rng.random() < 0.12})
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


def _install_russian(app) -> None:
    """The map's own Russian strings (the shell loads all areas; this demo runs without it)."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTranslator

    import resources

    ts = Path(resources.__file__).resolve().parent / "translations" / "map_ru.ts"
    qm = ts.with_suffix(".qm")  # built, not committed
    if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
        tool = Path(sys.executable).parent / "pyside6-lrelease"
        subprocess.run([str(tool) if tool.exists() else shutil.which("pyside6-lrelease") or "pyside6-lrelease",
                        "-silent", str(ts), "-qm", str(qm)], check=True)
    translator = QTranslator(app)
    if translator.load(str(qm)):
        app.installTranslator(translator)


def main(argv: list[str] | None = None) -> int:
    """Show the demo map; with --screenshot PATH, save a picture of it and quit.

        xvfb-run -a .venv/bin/python -m widgets.map.demo --screenshot docs/screenshots/map.png
    """
    import argparse
    import os
    import sys

    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    parser = argparse.ArgumentParser(description="the situation map with the Kurchatov demo data")
    parser.add_argument("--screenshot", metavar="PATH")
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--language", default="ru", choices=["ru", "en"])
    args = parser.parse_args(argv)
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    if args.language == "ru":
        _install_russian(app)
    from widgets.map.panel import MapPanel

    ctx = make_context(demo_incidents(90))
    panel = MapPanel(ctx)
    w, h = (int(x) for x in args.size.split("x"))
    panel.resize(w, h)
    panel.setWindowTitle("Situation Center — map")

    def populate() -> None:
        for name, items in demo_layers().items():
            panel.set_layer_items(name, items)
        panel.set_layer_items("buses", [dict(it, title=f"Автобус {it['id']}") for it in moving_objects(18, 0.0)])
        panel.set_area([[51.6627, 35.6425], [51.6655, 35.6540], [51.6612, 35.6600], [51.6575, 35.6520]])
        panel.select_incident(demo_incidents(90)[11]["id"], centre=False)
        panel.page.runJavaScript("SC.control.expand();0", 0)
        if args.screenshot:
            QTimer.singleShot(2500, shoot)

    def shoot() -> None:
        panel.exported.connect(lambda _path: app.quit())
        panel.export_png(args.screenshot)

    panel.page_loaded.connect(populate)
    panel.show()
    code = app.exec()
    ctx.tasks.shutdown(wait=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
