"""The Transport panel against a live server with the simulated buses: tables, Marey chart, map layers."""

from __future__ import annotations

import os

import pytest

from backend.transit.ingest import PositionWriter
from tests.transit import factory


@pytest.fixture
def transit_server(live_server, monkeypatch):
    from backend.domain import DemoSeed
    from backend.transit.demo import seed

    b = live_server.backend
    seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
    now = factory.set_clock(monkeypatch, factory.MORNING)
    factory.drive(PositionWriter(b.sessionmaker), until_ms=now, minutes=60)
    return live_server


def test_panel_shows_smart_stops_routes_vehicles_marey_and_map_layers(qtbot, make_ctx, transit_server, tmp_path):
    from widgets.transit.models import ID_ROLE
    from widgets.transit.panel import BUSES, ROUTE, STOPS, TransitPanel

    ctx = make_ctx(transit_server, start_events=False)
    layers: dict[str, list] = {}
    ctx.bus.map_items_changed.connect(lambda name, items: layers.__setitem__(name, items))
    panel = TransitPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1500, 620)
    with qtbot.waitSignal(panel.marey_loaded, timeout=60_000):
        panel.show()
    assert panel.stops_model.rowCount() == 8
    texts = [panel.stops_model.rows[r][1][1] for r in range(8)]
    assert any("min" in t or "arriving" in t for t in texts), texts
    assert panel.routes_model.rowCount() == 4 and panel.vehicles_model.rowCount() >= 12
    planned, actual = panel.marey.line_counts()
    assert planned >= 5 and actual >= 2
    qtbot.waitUntil(lambda: STOPS in layers and ROUTE in layers and BUSES in layers, timeout=20_000)
    assert len(layers[STOPS]) == 42 and sum(1 for s in layers[STOPS] if s["radius"] == 6) == 8
    assert all(b["glyph"] and "lat" in b for b in layers[BUSES])
    assert layers[ROUTE][0]["geometry"]["type"] == "LineString"
    # A bus clicked on the map opens its row here.
    bus_id = panel.vehicles_model.rows[-1][0]
    ctx.bus.map_item_clicked.emit(BUSES, bus_id)
    assert panel.tabs.currentWidget() is panel.vehicles_view
    assert panel.vehicles_model.data(panel.vehicles_view.currentIndex(), ID_ROLE) == bus_id

    panel.stops_view.selectRow(0)
    assert panel.board_button.isEnabled()
    assert panel.api.board_url(panel.selected_stop()).endswith(f"/boards/{panel.selected_stop()}")
    # The board opens in a window of the desk (a control-room machine may have no browser), showing
    # the page the stop's own screen shows; a second click raises the same window.
    board = panel.open_board()
    assert board.isVisible() and panel.open_board() is board
    try:
        box: list = []

        def fresh_rows() -> bool:
            board.view.page().runJavaScript(
                "JSON.stringify({s: window.boardState || null, n: document.querySelectorAll('#rows tr').length})",
                0, box.append)
            return bool(box) and '"s":"fresh"' in box[-1] and '"n":0' not in box[-1]

        qtbot.waitUntil(fresh_rows, timeout=60_000)
        assert panel.stops_model.rows[0][1][0] in board.windowTitle()
    finally:
        board.close()
        qtbot.waitUntil(lambda: not panel._boards, timeout=5_000)  # closed is deleted, and forgotten
    with qtbot.waitSignal(panel.marey_loaded, timeout=30_000):
        panel.set_direction(1)
    if os.environ.get("SC_SCREENSHOTS"):  # as the desk shows it: the dark theme
        from PySide6.QtWidgets import QApplication

        from app.theme import apply

        apply(QApplication.instance(), "dark")
        qtbot.wait(300)
        panel.grab().save(os.path.join(os.environ["SC_SCREENSHOTS"], "transit_panel.png"))
        QApplication.instance().setStyleSheet("")


def test_dispatcher_publishes_and_ends_a_service_alert_from_the_panel(qtbot, make_ctx, transit_server):
    from widgets.transit.alerts import AlertForm
    from widgets.transit.panel import TransitPanel

    ctx = make_ctx(transit_server, start_events=False)
    panel = TransitPanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: panel.alerts.routes != [], timeout=60_000)
    form = AlertForm(panel.alerts.routes)
    qtbot.addWidget(form)
    form.route.setCurrentIndex(form.route.findData("2"))
    form.stops.setText("KUR013, KUR020")
    form.header_ru.setText("Маршрут 2 идёт в объезд")
    form.header_en.setText("Route 2 detour")
    with qtbot.waitSignal(panel.alerts.changed, timeout=20_000):
        panel.alerts.publish(form)
    qtbot.waitUntil(lambda: panel.alerts.model.rowCount() == 1, timeout=20_000)
    alert = panel.api.alerts()[0]
    assert alert.active and alert.route_id == "2" and alert.stop_ids == ["KUR013", "KUR020"]
    assert alert.ends_at is not None
    panel.alerts.view.selectRow(0)
    with qtbot.waitSignal(panel.alerts.changed, timeout=20_000):
        panel.alerts.end_selected()
    assert not panel.api.alerts()[0].active
    # a form with no headline is refused before anything is sent
    empty = AlertForm(panel.alerts.routes)
    qtbot.addWidget(empty)
    with pytest.raises(ValueError):
        empty.alert()
