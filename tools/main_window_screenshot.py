"""Render docs/screenshots/main_window.png: the whole dispatcher desk on the Kurchatov demo city.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/main_window_screenshot.py [out.png]
    (or under Xvfb: xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python tools/main_window_screenshot.py)

A throwaway SQLite backend is seeded with seed_demo (services, users, ~300 incidents over three
weeks) and served on a free port; the real MainWindow logs in as the demo dispatcher. Another
client then posts a critical incident, so the alert banner shows as an operator would see it.
SC_SHOT_LANG=en renders it in English.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from shot_setup import ROOT, wait as _wait  # noqa: E402  (sets Qt's headless defaults first)


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "main_window.png"
    tmp = Path(tempfile.mkdtemp(prefix="sc-main-shot-"))
    os.environ["SC_DESK_CONFIG_DIR"] = str(tmp / "cfg")
    os.environ["SC_DESK_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    qapp = QApplication.instance() or QApplication([])
    qapp.setApplicationName("Situation Center")
    from app import i18n, theme
    from app.main import build_context
    from app.mainwindow import MainWindow
    from app.settings import AppSettings
    from backend_client.client import ApiClient
    from backend_client.incidents import IncidentsApi
    from backend_client.schemas.incidents import IncidentCreate
    from tests.conftest import LiveServer, make_backend

    i18n.build()
    i18n.install(qapp, os.environ.get("SC_SHOT_LANG", "ru"))
    theme.apply(qapp, "dark")
    backend = make_backend(f"sqlite:///{tmp / 'shot.sqlite3'}", tmp)
    from backend.auth.demo import seed_demo as seed_users
    from backend.domain import DemoSeed
    from backend.incidents.demo import seed_demo as seed_incidents

    demo = DemoSeed(maker=backend.sessionmaker, settings=backend.settings.model_copy(
        update={"demo_credentials_file": str(tmp / "demo-credentials.txt")}))
    seed_users(demo)
    seed_incidents(demo)
    passwords = demo.created_users
    try:
        from backend.telemetry.demo import seed_meters

        seed_meters(backend.sessionmaker, days=21)
    except Exception as exc:  # the energy panel is someone else's; the queue is the subject here
        print(f"energy seed skipped: {exc}")
    server = LiveServer(backend).start()
    try:
        client = ApiClient(server.url)
        user = client.login("dispatcher", passwords["dispatcher"])
        settings = AppSettings.load(tmp / "desk.json")
        settings.alert_sound = False
        ctx = build_context(client, user, settings)
        window = MainWindow(ctx)
        window.resize(1920, 1080)
        window.show()
        window._arrange_default()  # re-apply the default sizes at this window size
        ctx.events.start()
        queue = window.panels["incidents"]
        _wait(qapp, lambda: queue.model.rowCount() >= 250 and ctx.events.state == "connected", 60)

        other = IncidentsApi(ApiClient(server.url))
        other.client.login("supervisor", passwords["supervisor"])
        crit = other.create(IncidentCreate(
            category="utilities", priority="critical", lat=51.6712, lon=35.6481, address="ул. Энергетиков, 44",
            description="Прорыв магистрали горячего водоснабжения, парит из-под асфальта, вода уходит во двор "
                        "детского сада № 7. Сообщил сторож.", source="citizen"))
        _wait(qapp, lambda: queue.alert.active, 15)
        ctx.bus.incident_selected.emit(crit.id)
        card = window.panels.get("incident_card")
        if card is not None:
            _wait(qapp, lambda: card.details is not None and card.incident and card.incident.id == crit.id, 15)
        _wait(qapp, lambda: False, 12)  # let the map, charts and video tiles draw
        window.resize(1920, 1080)
        window._arrange_default()  # re-apply the default sizes at this window size
        _wait(qapp, lambda: False, 1)
        if os.environ.get("SC_SHOT_DEBUG"):
            for name, w in [("central", window.centralWidget()), *window.docks.items()]:
                print(f"  {name}: minimum width {w.minimumSizeHint().width()} / {w.minimumWidth()}")
            print(f"  window: {window.width()} x {window.height()}, minimum {window.minimumSizeHint().width()}")
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        print(f"saved {out} ({queue.model.rowCount()} incidents, {queue.proxy.rowCount()} in the working queue)")
        window.close()
        ctx.events.stop()
        ctx.incidents.shutdown()  # the incident door: its sync thread and the offline store
        ctx.tasks.shutdown(wait=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
