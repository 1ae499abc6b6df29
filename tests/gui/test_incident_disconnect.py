"""A backend that goes away shows as disconnected; the desk keeps running and says why actions fail."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from tests.gui.incident_helpers import make_incident, other_client


def test_dead_server_shows_disconnected_and_the_window_keeps_running(live_server, make_ctx, qtbot):
    from app.mainwindow import MainWindow
    
    inc = make_incident(other_client(live_server), priority="high")
    ctx = make_ctx(live_server)
    window = MainWindow(ctx, features=[s for s in ctx.features if s.name in ("incidents", "incident_card")])
    qtbot.addWidget(window)
    window.show()
    panel, card = window.panels["incidents"], window.panels["incident_card"]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: window.statusBar().state == "connected", timeout=10_000)
    ctx.bus.incident_selected.emit(inc.id)
    qtbot.waitUntil(lambda: card.details is not None, timeout=5_000)

    live_server.stop()
    # "offline" when an offline-capable gateway has taken over; "disconnected" with the plain one
    qtbot.waitUntil(lambda: window.statusBar().state in ("disconnected", "offline"), timeout=15_000)
    assert any(w in window.statusBar().state_label.text() for w in ("Disconnected", "Offline"))

    gw = ctx.incidents
    window.actions["acknowledge"].trigger()
    # The card either says why its action failed, or the change waits in the offline outbox.
    qtbot.waitUntil(lambda: card.error.isVisible() or getattr(gw, "waiting", 0) > 0, timeout=15_000)
    if card.error.isVisible():
        assert "cannot be reached" in card.error.text()
        window.actions["refresh"].trigger()   # fails in a worker and says so in the status bar
        qtbot.waitUntil(lambda: "cannot be reached" in window.statusBar().message_label.text(), timeout=15_000)

    ticks = []                                # the GUI thread is alive and the queue still shows its rows
    QTimer.singleShot(10, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=1_000)
    assert panel.model.rowCount() == 1 and window.isVisible()
    window.close()


def test_a_desk_started_while_the_server_is_away_fills_its_queue_when_it_returns(live_server, make_ctx, qtbot):
    from tests.conftest import LiveServer
    from widgets.incidents.panel import HEADER_KEY, IncidentQueuePanel

    inc = make_incident(other_client(live_server), priority="low")
    ctx = make_ctx(live_server, start_events=False)
    live_server.stop()
    ctx.events.start()
    panel = IncidentQueuePanel(ctx)
    qtbot.addWidget(panel)
    qtbot.waitUntil(lambda: ctx.events.state == "disconnected", timeout=15_000)
    assert panel.model.rowCount() == 0
    again = LiveServer(live_server.backend, port=live_server.port).start()
    try:
        qtbot.waitUntil(lambda: panel.model.incident_by_id(inc.id) is not None, timeout=45_000)
        panel.shutdown()  # keeps the operator's column layout
        assert ctx.settings.extra[HEADER_KEY]
    finally:
        ctx.events.stop()
        again.stop()
