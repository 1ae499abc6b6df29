"""Screenshots of one main window switched live between English and Russian (no restart).

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python tools/language_screenshots.py [OUT_DIR]

A throwaway SQLite backend seeded with the demo's users, incidents and meters; the window starts
in English as the supervisor in "all panels", with an incident open in the card and a meter on
the energy chart; then the language is changed through the settings dialog, as an operator does.
Writes OUT_DIR/language-switch-{en,ru}.png (OUT_DIR: /tmp/sc-language by default; the README's
are in docs/screenshots).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from shot_setup import ROOT, wait as _wait  # noqa: E402  (sets Qt's headless defaults first)


def main() -> int:
    out_dir = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/sc-language")
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="sc-lang-shot-"))
    os.environ["SC_DESK_CONFIG_DIR"] = str(tmp / "cfg")
    os.environ["SC_DESK_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    qapp = QApplication.instance() or QApplication([])
    from app import i18n, theme
    from app.main import build_context
    from app.mainwindow import MainWindow
    from app.settings import AppSettings
    from app.settings_dialog import SettingsDialog
    from backend.auth.demo import seed_demo as seed_users
    from backend.domain import DemoSeed
    from backend.incidents.demo import seed_demo as seed_incidents
    from backend.telemetry.demo import seed_meters
    from backend_client.client import ApiClient
    from tests.conftest import LiveServer, make_backend

    i18n.build()
    i18n.install(qapp, "en")
    theme.apply(qapp, "dark")
    backend = make_backend(f"sqlite:///{tmp / 'shot.sqlite3'}", tmp)
    demo = DemoSeed(maker=backend.sessionmaker, settings=backend.settings.model_copy(
        update={"demo_credentials_file": str(tmp / "demo-credentials.txt")}))
    seed_users(demo)
    seed_incidents(demo)
    seed_meters(backend.sessionmaker, days=21)
    server = LiveServer(backend).start()
    try:
        client = ApiClient(server.url)
        user = client.login("supervisor", demo.created_users["supervisor"])
        settings = AppSettings.load(tmp / "desk.json")
        settings.alert_sound = False
        settings.language = "en"
        ctx = build_context(client, user, settings)
        window = MainWindow(ctx)
        window.resize(1920, 1080)
        window.show()
        ctx.events.start()
        window.switch_workspace("all")
        queue, card, energy = window.panels["incidents"], window.panels["incident_card"], window.panels["energy"]
        _wait(qapp, lambda: queue.model.rowCount() >= 100 and bool(energy.devices), 60)
        first = queue.proxy.incident_id(0)
        ctx.bus.incident_selected.emit(first)
        _wait(qapp, lambda: card.details is not None, 15)
        energy.show_meter(next(iter(energy.devices)))
        window.docks["energy"].raise_()
        _wait(qapp, lambda: False, 6)  # the map, the chart and the tiles draw

        def shot(name: str) -> None:
            path = out_dir / f"language-switch-{name}.png"
            window.grab().save(str(path))
            print(f"saved {path}")

        def choose(code: str) -> None:
            dlg = SettingsDialog(ctx, window)
            dlg.language.setCurrentIndex(dlg.language.findData(code))
            dlg.save()
            _wait(qapp, lambda: False, 5)  # the map page reloads in the new language

        shot("en")
        choose("ru")
        shot("ru")
        window.close()
        ctx.events.stop()
        ctx.incidents.shutdown()
        ctx.tasks.shutdown(wait=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
