"""Render the console's workspaces on the Kurchatov demo city: the dispatcher's, the supervisor's
and "All panels" with the energy panel in front (the role workspaces do not show it).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/console_screenshots.py [WIDTHxHEIGHT]

Writes docs/screenshots/console-<workspace>-<lang>[-<width>].png (workspace "energy": All panels). A throwaway SQLite backend
is seeded with seed_demo and served on a free port; the real MainWindow logs in as the demo
supervisor (who has both workspaces). Another client posts a critical incident, so the alert,
the pinned strip and the card show as an operator would see them. SC_SHOT_LANG=en: English.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from shot_setup import ROOT, wait as _wait  # noqa: E402  (sets Qt's headless defaults first)


def main() -> int:
    size = sys.argv[1] if len(sys.argv) > 1 else "1920x1080"
    width, height = (int(v) for v in size.split("x"))
    lang = os.environ.get("SC_SHOT_LANG", "ru")
    suffix = "" if width == 1920 else f"-{width}"
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
    i18n.install(qapp, lang)
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
        user = client.login("supervisor", passwords["supervisor"])
        settings = AppSettings.load(tmp / "desk.json")
        settings.alert_sound = False
        ctx = build_context(client, user, settings)
        window = MainWindow(ctx)
        window.resize(width, height)
        window.show()
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
        _wait(qapp, lambda: False, 10)  # let the map, charts and video tiles draw
        for workspace, shot in (("dispatcher", "dispatcher"), ("supervisor", "supervisor"), ("all", "energy")):
            window.switch_workspace(workspace)
            window.resize(width, height)
            window.reset_layout()
            if shot == "energy":
                # "All panels" shares the screen among every panel; here the operator has closed the
                # video wall and its archive (they have their own workspaces), brought the energy
                # tab to the front and dragged its separator to give it half the height.
                for name in ("video_wall", "archive"):
                    if name in window.docks:
                        window.docks[name].close()
                energy = window.docks["energy"]
                energy.raise_()
                _wait(qapp, lambda: False, 1)  # the workspace's own sizes first
                window.resizeDocks([energy], [int(height * 0.5)], Qt.Orientation.Vertical)
            ctx.bus.incident_selected.emit(crit.id)
            _wait(qapp, lambda: False, 4)
            out = ROOT / "docs" / "screenshots" / f"console-{shot}-{lang}{suffix}.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(out))
            print(f"saved {out}: window {window.width()}x{window.height()}, "
                  f"minimum width {window.minimumSizeHint().width()}")
        window.close()
        ctx.events.stop()
        ctx.incidents.shutdown()
        ctx.tasks.shutdown(wait=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
