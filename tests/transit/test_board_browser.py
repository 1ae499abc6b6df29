"""The stop board page in a real browser engine (QtWebEngine, i.e. Chromium), including the server going away."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import QUrl

from backend.transit.ingest import PositionWriter
from tests.transit import factory

LOAD_MS = 60_000


@pytest.fixture
def board_server(live_server, monkeypatch):
    from backend.domain import DemoSeed
    from backend.transit.demo import seed

    b = live_server.backend
    seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
    now = factory.set_clock(monkeypatch, factory.MORNING)
    factory.drive(PositionWriter(b.sessionmaker), until_ms=now, minutes=20)
    return live_server


def _js(qtbot, page, script: str):
    box: list = []
    page.runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0]) if isinstance(box[0], str) else box[0]


STATE = """JSON.stringify({state: window.boardState || null,
  rows: Array.from(document.querySelectorAll('#rows tr')).map(r => [r.dataset.status, r.innerText]),
  stale: document.getElementById('stale').className, staleText: document.getElementById('stale').innerText,
  clock: document.getElementById('clock').innerText, title: document.title,
  ticker: document.getElementById('ticker').innerText})"""


def test_board_page_shows_arrivals_and_keeps_them_when_the_server_goes_away(qtbot, board_server):
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

    profile = QWebEngineProfile()
    page = QWebEnginePage(profile)
    started = time.perf_counter()
    with qtbot.waitSignal(page.loadFinished, timeout=LOAD_MS) as loaded:
        page.load(QUrl(f"{board_server.url}/boards/KUR013"))
    assert loaded.args == [True]
    qtbot.waitUntil(lambda: _js(qtbot, page, STATE)["state"] == "fresh", timeout=LOAD_MS)
    qtbot.waitUntil(lambda: len(_js(qtbot, page, STATE)["rows"]) > 0, timeout=10_000)
    first_rows_s = time.perf_counter() - started
    s = _js(qtbot, page, STATE)
    assert s["title"] == "ул. Школьная, 14"
    assert s["stale"] == "" and len(s["clock"]) == 5 and s["clock"][2] == ":"
    texts = [t for _, t in s["rows"]]
    assert any(("мин" in t or "прибывает" in t) for t in texts), texts
    assert all("undefined" not in t and "NaN" not in t for t in texts)
    departed = [t for st, t in s["rows"] if st == "departed"]
    assert all("ушёл" in t for t in departed)

    board_server.stop()  # the server goes away
    page.runJavaScript("window.boardPoll()")
    qtbot.waitUntil(lambda: _js(qtbot, page, STATE)["state"] == "stale", timeout=30_000)
    qtbot.wait(1200)  # the next render tick
    s = _js(qtbot, page, STATE)
    assert s["stale"] == "on" and "данные на" in s["staleText"]
    assert s["rows"], "the last good data stays on the board"
    assert "Школьная" in s["title"]  # still our page, not a browser error page
    page.deleteLater()  # the page before its profile, or WebEngine warns
    profile.deleteLater()
    qtbot.wait(50)
    print(f"board first rows after {first_rows_s * 1000:.0f} ms")
