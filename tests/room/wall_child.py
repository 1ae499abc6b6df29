"""A desktop process that opens only the wall screen (what `sc-desk --wall` does after login), for the
two-screen test and the README screenshot. Prints one JSON line when the figures are up, and another when
the open-incident figure changes (with --wait-change).

    xvfb-run -a -s "-screen 0 1920x1080x24 -screen 1 1920x1080x24" \\
        python tests/room/wall_child.py URL USER PASSWORD [--shot wall.png] [--wait-change] [--language ru]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("user")
    p.add_argument("password")
    p.add_argument("--shot")
    p.add_argument("--wait-change", action="store_true")
    p.add_argument("--language", default="en")
    p.add_argument("--settle", type=float, default=4.0, help="seconds for the map to draw before the shot")
    a = p.parse_args()

    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app import i18n, theme
    from app.main import build_context, choose_renderer
    from app.settings import AppSettings
    from backend_client.client import ApiClient
    from widgets.map.panel import start_web_engine
    from widgets.room.wall import open_wall

    choose_renderer()
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication(sys.argv[:1])
    settings = AppSettings.load()
    i18n.install(app, a.language)
    theme.apply(app, "dark")
    client = ApiClient(a.url)
    user = client.login(a.user, a.password)
    start_web_engine()
    ctx = build_context(client, user, settings)
    ctx.events.start()
    operator_screen = QGuiApplication.primaryScreen()
    wall = open_wall(ctx, avoid=operator_screen)

    def wait(cond, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not cond() and time.monotonic() < deadline:
            QCoreApplication.processEvents()
            time.sleep(0.02)
        return cond()

    open_tile = wall.widgets["incidents.open"]
    ok = wait(lambda: open_tile.value is not None and len(wall.board.data) >= 2, 60)
    settle = time.monotonic() + a.settle
    wait(lambda: time.monotonic() > settle, a.settle + 1)
    screens = QGuiApplication.screens()
    out = {"ready": ok, "screens": len(screens), "screen": screens.index(wall.screen()),
           "operator_screen": screens.index(operator_screen), "full_screen": wall.isFullScreen(),
           "geometry": list(wall.geometry().getRect()), "open": open_tile.value,
           "center": wall.center.objectName(), "remembered": [wall.settings.wall_screen,
                                                              wall.settings.wall_screen_index]}
    if a.shot:
        wall.screen().grabWindow(0).save(a.shot)
    print(json.dumps(out), flush=True)
    if a.wait_change:
        before = open_tile.value
        changed = wait(lambda: open_tile.value != before, 60)
        print(json.dumps({"changed": changed, "open": open_tile.value}), flush=True)
    wall.close()
    ctx.events.stop()
    ctx.incidents.shutdown()
    ctx.tasks.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
