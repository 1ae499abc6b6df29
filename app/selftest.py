"""`sc-desk --self-test`: what a field technician runs after installing a workstation.

It starts the real application headless (Qt's offscreen platform unless a display is asked
for), logs in, loads the incident queue into the real main window, renders the map page in Qt
WebEngine, and decodes one frame of a camera if a URL is given. One line per check on stdout:

    PASS  login: dispatcher (dispatcher) on https://sc.kurchatov.example
    FAIL  map page: Leaflet did not start in 60 s

and the exit status is the number of failed checks (0: all passed; at most 100).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

PAGE_TIMEOUT = 90.0   # Chromium's first start in a cold bundle on a loaded 2-core machine is slow
QUEUE_TIMEOUT = 30.0
CAMERA_TIMEOUT = 20.0


class Checks:
    def __init__(self, out=None) -> None:
        if out is None and sys.stdout is None:
            # A Windows GUI executable started without redirection has no stdout: the report
            # goes to a file next to the logs (the exit status is the same).
            from app.settings import data_dir

            out = open(data_dir() / "self-test.txt", "w", encoding="utf-8")  # noqa: SIM115 - lives with the process
        self.out = out or sys.stdout
        self.failed = 0
        self.names: list[str] = []

    def run(self, name: str, fn: Callable[[], str]) -> bool:
        self.names.append(name)
        try:
            detail = fn()
        except Exception as exc:  # every failure is a line of the report, never a traceback
            self.failed += 1
            print(f"FAIL  {name}: {type(exc).__name__}: {exc}", file=self.out, flush=True)
            return False
        print(f"PASS  {name}: {detail}", file=self.out, flush=True)
        return True


def wait_for(app, predicate: Callable[[], bool], timeout: float) -> bool:
    """Run the Qt event loop until predicate() holds (True) or the timeout passes (False)."""
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return predicate()


def run_js(app, page, script: str, timeout: float = 15.0):
    box: list = []
    page.runJavaScript(script, 0, box.append)
    if not wait_for(app, lambda: bool(box), timeout):
        raise TimeoutError(f"the page did not answer {script!r} in {timeout:.0f} s")
    return box[0]


def run(args) -> int:
    """The self-test; ``args`` are sc-desk's parsed arguments (server, user, password_file, camera_url)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app import site

    settings = site.prepare(console=False)
    settings.path = None  # a self-test never changes the operator's saved settings or layout
    if args.server:
        settings.server_url = args.server
    checks = Checks()
    state: dict = {}

    def files() -> str:
        from app import i18n, theme

        qm = sorted(i18n.TRANSLATIONS.glob("*_ru.qm"))
        if not qm:
            raise FileNotFoundError(f"no compiled translations (*_ru.qm) in {i18n.TRANSLATIONS}")
        themes = sorted(theme.THEME_DIR.glob("*.qss"))
        if not themes:
            raise FileNotFoundError(f"no themes in {theme.THEME_DIR}")
        import resources

        sounds = sorted((os.path.dirname(resources.__file__) + "/sounds/" + n) for n in
                        os.listdir(os.path.dirname(resources.__file__) + "/sounds") if n.endswith(".wav"))
        if not sounds:
            raise FileNotFoundError("no alert sounds")
        frozen = " (frozen bundle)" if getattr(sys, "frozen", False) else ""
        return f"{len(qm)} translations, {len(themes)} theme(s), {len(sounds)} sound(s){frozen}; " \
               f"log {site.log_file() or 'console only'}"

    checks.run("installed files", files)

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.main import build_context, choose_renderer

    renderer = choose_renderer()
    QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Situation Center")
    app.setOrganizationName("Smart Kurchatov")

    def translations_theme() -> str:
        from app import i18n, theme

        i18n.install(app, "ru")
        title = app.translate("MainWindow", "About")
        i18n.install(app, args.language or settings.language)
        theme.apply(app, settings.theme)
        return f"Russian loaded ('About' → {title!r}), theme {settings.theme}, renderer {renderer}"

    checks.run("translations and theme", translations_theme)

    def server() -> str:
        from backend_client.client import ApiClient

        client = ApiClient(settings.server_url)
        health = client.health()
        state["client"] = client
        return f"{client.base_url} answers ({health.get('status', health)})"

    def login() -> str:
        if not (args.user and args.password_file):
            raise ValueError("give --user and --password-file")
        with open(args.password_file, encoding="utf-8") as fh:
            password = fh.read().strip()
        client = state["client"]
        user = client.login(args.user, password)
        state["user"] = user
        return f"{user.username} ({user.role}) on {client.base_url}"

    if checks.run("server", server):
        checks.run("login", login)

    window = None
    if "user" in state:
        from app.mainwindow import MainWindow
        from widgets.map.panel import start_web_engine

        start_web_engine()
        ctx = build_context(state["client"], state["user"], settings)
        state["ctx"] = ctx

        def main_window() -> str:
            nonlocal window
            window = MainWindow(ctx)
            window.resize(1600, 900)
            window.show()
            return f"{len(window.panels)} panels: {', '.join(window.panels)}"

        if checks.run("main window", main_window):
            checks.run("incident queue", lambda: _queue(app, window, ctx))
            checks.run("map page", lambda: _map(app, window))
    if args.camera_url:
        checks.run("camera", lambda: _camera(app, args.camera_url))

    if window is not None:
        window.close()
    ctx = state.get("ctx")
    if ctx is not None:
        ctx.events.stop()
        ctx.incidents.shutdown()
        ctx.tasks.shutdown()
    print(f"{'PASS' if not checks.failed else 'FAIL'}  self-test: {len(checks.names) - checks.failed} of "
          f"{len(checks.names)} checks passed", file=checks.out, flush=True)
    return min(checks.failed, 100)


def _queue(app, window, ctx) -> str:
    """The incident queue as the operator sees it: the queue panel's table holds what the server has."""
    from backend_client.incidents import IncidentsApi
    from backend_client.schemas.incidents import IncidentQuery

    panel = window.panels.get("incidents")
    if panel is None:
        raise LookupError("the main window has no incident queue")
    expected = sum(1 for _ in IncidentsApi(ctx.api).iter_all(IncidentQuery(limit=500), max_rows=5000))
    if not wait_for(app, lambda: panel._loaded_once and panel.model.rowCount() == expected, QUEUE_TIMEOUT):
        raise TimeoutError(f"the queue shows {panel.model.rowCount()} of the server's {expected} incidents "
                           f"after {QUEUE_TIMEOUT:.0f} s")
    return f"{panel.model.rowCount()} incident(s) in the queue, as on the server"


# The city base is drawn on Leaflet's canvas renderer (prefer_canvas): the share of its pixels
# that are painted (sampled every 8th pixel in both directions) says whether anything was drawn.
PAINTED_JS = """JSON.stringify((function () {
  var total = 0, painted = 0;
  document.querySelectorAll('.leaflet-overlay-pane canvas').forEach(function (c) {
    if (!c.width || !c.height) return;
    var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (var y = 0; y < c.height; y += 8) for (var x = 0; x < c.width; x += 8) {
      total++; if (d[(y * c.width + x) * 4 + 3] > 0) painted++;
    }
  });
  return {leaflet: (window.L && L.version) || null, painted: total ? painted / total : 0,
          w: window.innerWidth, h: window.innerHeight};
})())"""


def _map(app, window) -> str:
    """The map page renders: Chromium started, Leaflet ran, the city's vector base is drawn,
    and the page's bridge to Python answered (the panel's page_loaded)."""
    panel = window.panels.get("map")
    if panel is None:
        raise LookupError("the main window has no map panel")
    if not wait_for(app, lambda: panel.ready, PAGE_TIMEOUT):
        raise TimeoutError(f"the map page did not start in {PAGE_TIMEOUT:.0f} s (WebEngine, Leaflet or the channel)")
    info = run_js(app, panel.page, PAINTED_JS)
    import json

    info = json.loads(info)
    if not info["leaflet"]:
        raise RuntimeError("Leaflet is not on the page")
    if info["painted"] < 0.05:
        raise RuntimeError(f"Leaflet runs but painted {info['painted']:.1%} of the map with the city's vector base")
    return (f"Leaflet {info['leaflet']} painted the city's vector base over {info['painted']:.0%} "
            f"of a {info['w']}x{info['h']} map")


def _camera(app, url: str) -> str:
    """One frame through the desktop's own video pipeline (PyAV/FFmpeg decode, swscale to a
    QImage), then through OpenCV (the JPEG encoder snapshots use), proving both native libraries."""
    import cv2
    import numpy as np

    from backend_client.schemas.cameras import mask_url
    from widgets.video.stream import StreamReader

    reader = StreamReader(url)
    reader.start()
    try:
        if not wait_for(app, lambda: reader.decoded > 0 or reader.state == "error", CAMERA_TIMEOUT):
            raise TimeoutError(f"no frame from {mask_url(url)} in {CAMERA_TIMEOUT:.0f} s")
        pic = reader.take()
        if pic is None:
            raise RuntimeError(f"{mask_url(url)}: {reader.error or 'no picture'}")
        image = pic.image
        w, h = image.width(), image.height()
        ptr = image.constBits()
        bgra = np.frombuffer(ptr, dtype=np.uint8, count=image.sizeInBytes()).reshape(h, image.bytesPerLine() // 4, 4)
        ok, jpeg = cv2.imencode(".jpg", np.ascontiguousarray(bgra[:, :w, :3]))
        if not ok:
            raise RuntimeError("OpenCV could not encode the frame")
        codec = pic.source.format.name
        return f"{mask_url(url)}: {w}x{h} ({codec}) decoded, {len(jpeg)} bytes as JPEG"
    finally:
        reader.stop()
