"""The wall screen and the room panel against a real backend: live figures from the event stream, pages that
rotate, the last figures kept through an outage; the shift report dialog makes and opens a PDF."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import TEST_PASSWORD
from tests.room.factories import add_incident

UTC = timezone.utc


def post_incident(server, priority: str = "medium") -> dict:
    from backend_client.client import ApiClient

    c = ApiClient(server.url)
    c.login("dispatcher", TEST_PASSWORD)
    return c.request("POST", "/api/v1/incidents", json={
        "category": "roads", "priority": priority, "lat": 51.66, "lon": 35.65, "address": "ул. Курчатова, 7",
        "description": "Провал асфальта"})


@pytest.fixture
def wall(qtbot, make_ctx, live_server):
    from widgets.room.wall import WallScreen

    now = datetime.now(UTC)
    add_incident(live_server.backend, created=now - timedelta(minutes=30), priority="critical",
                 address="ул. Ленина, 10")
    add_incident(live_server.backend, created=now - timedelta(hours=30), priority="critical")  # overdue
    ctx = make_ctx(live_server)
    room = ctx.settings.section("room")
    room.wall_center = ""          # no map here: tests/room/test_wall_screens.py shows it with the map
    room.refresh_seconds = 600     # so what changes below can only come from the event stream
    room.wall_page_seconds = 1.0
    w = WallScreen(ctx)
    qtbot.addWidget(w)
    w.resize(1920, 1080)
    w.show()
    yield w
    w.close()


def test_figures_are_live_from_the_event_stream(qtbot, wall, live_server):
    open_tile = wall.widgets["incidents.open"]
    qtbot.waitUntil(lambda: open_tile.value == 2, timeout=15_000)
    assert wall.widgets["incidents.overdue"].alarm  # one overdue: the tile is in alarm
    critical = wall.widgets["incidents.critical"]
    assert [i["address"] for i in critical.data["critical_recent"]] == ["ул. Ленина, 10"]
    made = post_incident(live_server, priority="critical")
    qtbot.waitUntil(lambda: open_tile.value == 3, timeout=15_000)
    qtbot.waitUntil(lambda: len(critical.data["critical_recent"]) == 2, timeout=15_000)
    assert critical.data["critical_recent"][0]["number"] == made["number"]
    assert critical.data["critical_recent"][0]["age_minutes"] <= 1


def test_pages_rotate_when_tiles_do_not_fit(qtbot, wall):
    assert wall.page_count() == 2  # 20 tiles (the room's 13, transport, intersections, works, cleaning), 10 places
    first = {n for n, w in wall.widgets.items() if w.isVisible()}
    with qtbot.waitSignal(wall.page_changed, timeout=5_000):
        pass
    second = {n for n, w in wall.widgets.items() if w.isVisible()}
    assert first and second and not first & second and len(first | second) == 20
    assert "2" in wall.pages.text()


def test_an_outage_keeps_the_last_figures_and_says_since_when(qtbot, wall, live_server):
    open_tile = wall.widgets["incidents.open"]
    qtbot.waitUntil(lambda: open_tile.value == 2, timeout=15_000)
    live_server.stop()
    wall.board.refresh()  # the next timer tick, sooner
    qtbot.waitUntil(lambda: wall.status.text().startswith("No connection since"), timeout=20_000)
    assert open_tile.value == 2 and open_tile.stale
    since = wall.board.offline_since
    assert wall.status.text().endswith(since.strftime("%H:%M"))


def test_room_panel_and_the_shift_report_dialog_open_the_pdf(qtbot, make_ctx, live_server):
    from app.mainwindow import MainWindow

    add_incident(live_server.backend, created=datetime.now(UTC) - timedelta(minutes=5), priority="high")
    ctx = make_ctx(live_server, role="supervisor")
    window = MainWindow(ctx, [s for s in ctx.features if s.name == "room"])
    qtbot.addWidget(window)
    panel = window.panels["room"]
    qtbot.waitUntil(lambda: panel.widgets["incidents.open"].value == 1, timeout=15_000)
    assert window.findChild(type(window.menuBar().actions()[0].menu()), "menu_report") is not None
    dialog = panel.open_shift_report()
    opened = []
    dialog.opener = lambda url: opened.append(url.toLocalFile())
    assert dialog.preset.currentData() == "shift" and dialog.period()[1] > dialog.period()[0]
    with qtbot.waitSignal(dialog.finished_report, timeout=60_000):
        dialog.make.click()
    assert opened and open(opened[0], "rb").read(5) == b"%PDF-"
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    dialog.close()
    window.close()


def test_dispatchers_get_the_wall_but_not_the_report(qtbot, make_ctx, live_server):
    from app.mainwindow import MainWindow

    ctx = make_ctx(live_server, role="dispatcher")
    window = MainWindow(ctx, [s for s in ctx.features if s.name == "room"])
    qtbot.addWidget(window)
    assert window.actions["room.wall"].isVisible() and not window.actions["room.shift_report"].isVisible()
    assert window.findChild(type(window.menuBar().actions()[0].menu()), "menu_report") is None
    window.close()


def test_view_action_opens_the_wall_full_screen_and_unchecks_when_it_closes(qtbot, make_ctx, live_server):
    from app.mainwindow import MainWindow

    ctx = make_ctx(live_server, role="dispatcher")
    ctx.settings.section("room").wall_center = ""
    window = MainWindow(ctx, [s for s in ctx.features if s.name == "room"])
    qtbot.addWidget(window)
    panel = window.panels["room"]
    action = window.actions["room.wall"]
    action.setChecked(True)
    wall = panel.wall
    assert wall is not None and wall.isVisible()  # full screen is checked under X: test_wall_screens.py
    assert ctx.settings.section("room").wall_screen == wall.screen().name()
    qtbot.waitUntil(lambda: wall.widgets["incidents.open"].value == 0, timeout=15_000)
    from PySide6.QtCore import Qt

    assert wall.page == 0
    qtbot.keyClick(wall, Qt.Key.Key_Right)  # no mouse on a wall: keys only
    assert wall.page == 1
    qtbot.keyClick(wall, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.wall is None, timeout=5_000)
    assert not action.isChecked()
    window.close()
