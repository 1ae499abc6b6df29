"""Undo of the last status change against a real backend: within the window, after it, and offline."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.incidents import gateway as offline_gateway
from tests.conftest import LiveServer
from tests.gui.incident_helpers import make_incident, other_client


def _card(ctx, qtbot, incident_id: int):
    from widgets.incidents.card import IncidentCardPanel

    card = IncidentCardPanel(ctx)
    qtbot.addWidget(card)
    card.show()
    card.activateWindow()
    qtbot.waitUntil(card.isActiveWindow, timeout=5_000)
    ctx.bus.incident_selected.emit(incident_id)
    qtbot.waitUntil(lambda: card.incident is not None and card.incident.id == incident_id
                    and card.details is not None, timeout=10_000)
    return card


def _statuses(api, incident_id: int) -> list[tuple[str | None, str | None]]:
    return [(h.old, h.new) for h in api.history(incident_id) if h.field == "status"]


def test_status_change_is_undone_on_the_server_within_the_window(live_server, make_ctx, qtbot):
    other = other_client(live_server)
    inc = make_incident(other)
    ctx = make_ctx(live_server)
    card = _card(ctx, qtbot, inc.id)
    assert card.undo_bar.isHidden() and not card.undo_shortcut.isEnabled()

    card.request_status("acknowledged")  # what F6 does
    qtbot.waitUntil(lambda: other.get(inc.id).status == "acknowledged", timeout=10_000)
    qtbot.waitUntil(lambda: card.undo_bar.isVisible(), timeout=10_000)
    assert inc.number in card.undo_bar.label.text() and "Ctrl+Z" in card.undo_bar.button.text()
    qtbot.waitUntil(lambda: card.incident.status == "acknowledged" and not card.busy, timeout=10_000)
    card.setFocus()
    qtbot.keyClick(card, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: other.get(inc.id).status == "new", timeout=10_000)
    assert _statuses(other, inc.id)[-2:] == [("new", "acknowledged"), ("acknowledged", "new")]
    assert card.undo_bar.isHidden() and not card.undo_shortcut.isEnabled()  # one undo per change
    qtbot.waitUntil(lambda: card.incident.status == "new", timeout=10_000)


def test_no_undo_is_offered_after_the_window(live_server, make_ctx, qtbot):
    from widgets.incidents.undo import UNDO_S

    other = other_client(live_server)
    inc = make_incident(other)
    ctx = make_ctx(live_server)
    card = _card(ctx, qtbot, inc.id)
    card.status_buttons["acknowledged"].click()
    qtbot.waitUntil(lambda: card.undo_bar.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: card.undo_bar.isHidden(), timeout=int(UNDO_S * 1000) + 5_000)
    assert not card.undo_shortcut.isEnabled() and card.undo_offers.live() is None
    card.undo_status()  # whatever reaches it late does nothing
    card.undo_bar.button.click()
    qtbot.wait(500)
    assert other.get(inc.id).status == "acknowledged"
    assert _statuses(other, inc.id) == [("new", "acknowledged")]


def test_undo_of_a_queued_status_change_never_reaches_the_server(live_server, make_ctx, qtbot, monkeypatch):
    monkeypatch.setattr(offline_gateway, "PROBE_MS", 300)
    other = other_client(live_server)
    inc = make_incident(other)
    ctx = make_ctx(live_server)
    gw = ctx.incidents
    card = _card(ctx, qtbot, inc.id)

    live_server.stop()
    qtbot.waitUntil(lambda: not gw.online, timeout=15_000)
    card.request_status("acknowledged")
    qtbot.waitUntil(lambda: gw.waiting == 1 and card.undo_bar.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: card.incident.status == "acknowledged" and not card.busy, timeout=10_000)
    card.undo_bar.button.click()
    qtbot.waitUntil(lambda: gw.waiting == 0, timeout=10_000)
    qtbot.waitUntil(lambda: card.incident.status == "new", timeout=10_000)
    assert [op.state for op in gw.store.ops(incident_id=inc.id)] == ["discarded"]

    server = LiveServer(live_server.backend, live_server.port).start()
    try:
        qtbot.waitUntil(lambda: gw.online, timeout=20_000)
        qtbot.wait(1_000)  # a pass of the sync would have sent it by now
        assert other.get(inc.id).status == "new" and _statuses(other, inc.id) == []
    finally:
        server.stop()
