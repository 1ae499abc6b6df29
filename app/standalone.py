"""Panels without a server: a real AppContext over a fixed set of incidents.

For the map's screenshot, benches and tests that exercise a panel on its own. The incident
gateway here reads from memory and refuses changes (there is no server to send them to);
``put`` and ``replace`` stand for changes arriving from elsewhere.

    xvfb-run -a .venv/bin/python -m app.standalone --screenshot docs/screenshots/map.png
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from app.context import AppContext
from app.errors import ErrorSink
from app.events import EventHub
from app.features import features
from app.settings import AppSettings
from app.tasks import TaskRunner
from backend_client.client import ApiClient
from backend_client.schemas.incidents import IncidentOut
from widgets.common.feature import FeatureSpec

NO_SERVER = "http://127.0.0.1:9"  # the discard port: nothing answers, nothing is sent anywhere


class FixedIncidents(QObject):
    """A read-only incident gateway over incidents held in memory."""

    incidents_loaded = Signal(list)
    incident_changed = Signal(object)
    incident_renumbered = Signal(int, int)
    operation_failed = Signal(str, str)

    def __init__(self, incidents: list[IncidentOut] | None = None) -> None:
        super().__init__()
        self._known = {inc.id: inc for inc in incidents or []}

    def put(self, inc: IncidentOut) -> None:
        self._known[inc.id] = inc
        self.incident_changed.emit(inc)

    def replace(self, incidents: list[IncidentOut]) -> None:
        self._known = {inc.id: inc for inc in incidents}
        self.incidents_loaded.emit(list(incidents))

    def cached(self, incident_id: int) -> IncidentOut | None:
        return self._known.get(incident_id)

    def snapshot(self) -> list[IncidentOut]:
        return list(self._known.values())

    def refresh(self, on_done: Callable | None = None) -> None:
        self.incidents_loaded.emit(self.snapshot())
        if on_done:
            on_done(self.snapshot())

    def load_details(self, incident_id: int, on_done: Callable, on_error: Callable | None = None) -> None:
        from app.incidents.views import IncidentDetails

        inc = self._known.get(incident_id)
        if inc is not None:
            on_done(IncidentDetails(incident=inc))
        elif on_error:
            on_error(LookupError(f"no incident {incident_id}"))

    def load_services(self, on_done: Callable) -> None:
        on_done([])

    def _refuse(self, *_args: Any, on_error: Callable | None = None, **_kw: Any) -> None:
        exc = PermissionError(QCoreApplication.translate("Standalone", "No server: incidents are read-only here"))
        if on_error:
            on_error(exc)
        else:
            self.operation_failed.emit("", str(exc))

    create = patch = change_status = assign = mark_duplicate = add_comment = attach = download_attachment = _refuse

    def attach_window(self, _window) -> None:
        """Nothing is waiting to be sent: no banner, no counter."""

    def shutdown(self) -> None:
        """Nothing runs in the background."""


def standalone_context(incidents: list[IncidentOut] | None = None, settings: AppSettings | None = None,
                       extra_features: tuple[FeatureSpec, ...] = ()) -> AppContext:
    """``extra_features`` add layers (e.g. the map demo's) beside the registered features'."""
    errors = ErrorSink()
    client = ApiClient(NO_SERVER)
    return AppContext(api=client, tasks=TaskRunner(errors), events=EventHub(client), errors=errors,
                      settings=settings or AppSettings(), incidents=FixedIncidents(incidents),
                      features=features() + list(extra_features))


def main(argv: list[str] | None = None) -> int:
    """Show the map with the demo city; with --screenshot PATH, save a picture of it and quit."""
    import argparse
    import os
    import sys

    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app import i18n
    from widgets.map import demo
    from widgets.map.panel import MapPanel

    parser = argparse.ArgumentParser(description="the situation map with the Kurchatov demo data")
    parser.add_argument("--screenshot", metavar="PATH")
    parser.add_argument("--size", default="1600x1000")
    parser.add_argument("--language", default="ru", choices=["ru", "en"])
    args = parser.parse_args(argv)
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    i18n.install(app, args.language)
    incidents = demo.demo_incidents(90)
    ctx = standalone_context(incidents, extra_features=(demo.DEMO_FEATURE,))
    panel = MapPanel(ctx)
    w, h = (int(x) for x in args.size.split("x"))
    panel.resize(w, h)
    panel.setWindowTitle("Situation Center — map")

    def populate() -> None:
        for name, items in demo.demo_layers().items():
            panel.set_layer_items(name, items)
        panel.set_layer_items("buses", [dict(it, title=f"Автобус {it['id']}") for it in demo.moving_objects(18, 0.0)])
        panel.set_area([[51.6627, 35.6425], [51.6655, 35.6540], [51.6612, 35.6600], [51.6575, 35.6520]])
        panel.select_incident(incidents[11].id, centre=False)
        panel.page.runJavaScript("SC.control.expand();0", 0)
        if args.screenshot:
            QTimer.singleShot(2500, shoot)

    def shoot() -> None:
        panel.exported.connect(lambda _path: app.quit())
        panel.export_png(args.screenshot)

    panel.page_loaded.connect(populate)
    panel.show()
    code = app.exec()
    panel.shutdown()
    ctx.tasks.shutdown(wait=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
