"""Reading what the map page holds, from tests: scripts run in the page, and a request recorder."""

from __future__ import annotations

import threading
from urllib.parse import urlparse

from PySide6.QtWebEngineCore import QWebEngineUrlRequestInterceptor

LOAD_MS = 30_000


def js(panel, qtbot, script: str, timeout: int = 10_000):
    """Run a script in the map page and return its (JSON-able) result."""
    box: list = []
    panel.page.runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def js_until(panel, qtbot, script: str, check, timeout: int = 10_000):
    """Poll a page expression until check(result) holds; return the last result."""
    last: list = [None]

    def ok() -> bool:
        last[0] = js(panel, qtbot, script)
        return bool(check(last[0]))

    qtbot.waitUntil(ok, timeout=timeout)
    return last[0]


class LocalOnly(QWebEngineUrlRequestInterceptor):
    """Records every request the page makes; anything that would leave the machine is a failure."""

    LOCAL_SCHEMES = {"file", "qrc", "data", "blob", "about"}
    LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.remote: list[str] = []
        self._lock = threading.Lock()

    def interceptRequest(self, info) -> None:  # noqa: N802 - Qt's name; runs on the IO thread
        url = info.requestUrl().toString()
        parsed = urlparse(url)
        local = parsed.scheme in self.LOCAL_SCHEMES or parsed.hostname in self.LOCAL_HOSTS
        with self._lock:
            self.seen.append(url)
            if not local:
                self.remote.append(url)
        if not local:
            info.block(True)
