"""Render docs/screenshots/energy.png: a school's week of heat with its baseline band and a shaded alarm.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/energy_screenshot.py [out.png] [--overview]

A throwaway SQLite backend with the demo buildings (six weeks of history) is served on a free
port; the real EnergyPanel talks to it like the desk does.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    overview = "--overview" in sys.argv  # the City overview tab instead of the chart
    out = Path(args[0]) if args else ROOT / "docs" / "screenshots" / "energy.png"
    tmp = Path(tempfile.mkdtemp(prefix="sc-energy-shot-"))
    os.environ["SC_DESK_CONFIG_DIR"] = str(tmp / "cfg")
    os.environ["SC_DESK_DATA_DIR"] = str(tmp / "data")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from app import i18n, theme
    from app.main import build_context
    from app.settings import AppSettings
    from backend.energy.demo import seed_fault_alarms
    from backend.telemetry.demo import seed_meters
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD, LiveServer, make_backend

    qapp = QApplication.instance() or QApplication([])
    lang = os.environ.get("SC_SHOT_LANG", "ru")
    i18n.build()
    i18n.install(qapp, lang)
    theme.apply(qapp, "dark")
    backend = make_backend(f"sqlite:///{tmp / 'shot.sqlite3'}", tmp)
    backend.add_user("dispatcher", "dispatcher")
    seed_meters(backend.sessionmaker, days=60)
    seed_fault_alarms(backend.sessionmaker)
    server = LiveServer(backend).start()
    try:
        client = ApiClient(server.url)
        user = client.login("dispatcher", TEST_PASSWORD)
        ctx = build_context(client, user, AppSettings.load(tmp / "desk.json"))
        from widgets.energy.panel import EnergyPanel

        panel = EnergyPanel(ctx)
        panel.resize(1400, 760)
        panel.show()
        loop = QEventLoop()
        QTimer.singleShot(20_000, loop.quit)

        def wait_sites():
            if len(panel.devices) >= 120:
                panel.loaded.connect(loop.quit)
                panel.show_meter("kur-school-3-heat")
                idx = next(i for i in range(panel.tree_model.rowCount())
                           if panel.tree_model.item(i).text() == panel.labels.kind("school"))
                panel.tree.expand(panel.tree_model.index(idx, 0))
            else:
                QTimer.singleShot(100, wait_sites)

        wait_sites()
        loop.exec()
        if overview:
            panel.tabs.setCurrentIndex(0)
            panel.overview.refresh()
            wait = QEventLoop()
            QTimer.singleShot(3000, wait.quit)
            wait.exec()
        for _ in range(20):
            qapp.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        panel.grab().save(str(out))
        print(f"saved {out}")
        panel.close()
        ctx.tasks.shutdown(wait=True)
    finally:
        server.stop()
        backend.app.state.engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
