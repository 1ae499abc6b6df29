"""The incident card against a real backend: its actions change the server's state."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage

from tests.gui.incident_helpers import add_services, make_incident, other_client


def _card(ctx, qtbot):
    from widgets.incidents.card import IncidentCardPanel

    card = IncidentCardPanel(ctx)
    qtbot.addWidget(card)
    return card


def _show(ctx, card, qtbot, incident_id: int) -> None:
    ctx.bus.incident_selected.emit(incident_id)
    qtbot.waitUntil(lambda: card.incident is not None and card.incident.id == incident_id
                    and card.details is not None, timeout=10_000)


def test_card_actions_change_the_server_state(live_server, make_ctx, qtbot, tmp_path):
    add_services(live_server)
    other = other_client(live_server)
    inc = make_incident(other, category="utilities", priority="high", address="ул. Курчатова, 3")
    ctx = make_ctx(live_server)
    card = _card(ctx, qtbot)
    _show(ctx, card, qtbot, inc.id)
    assert card.title.text() == inc.number
    assert card.field_labels["address"].text() == "ул. Курчатова, 3"
    # Only the transitions the lifecycle allows from "new" are offered.
    assert set(card.status_buttons) == {"acknowledged", "rejected"}
    qtbot.waitUntil(lambda: card.assign_combo.count() == 4, timeout=10_000)  # "not assigned" + 3 services

    card.status_buttons["acknowledged"].click()
    qtbot.waitUntil(lambda: other.get(inc.id).status == "acknowledged", timeout=10_000)
    qtbot.waitUntil(lambda: set(card.status_buttons) == {"in_progress", "rejected"}, timeout=10_000)

    card.assign_combo.setCurrentIndex(card.assign_combo.findData("vodokanal"))
    card.assign_button.click()
    try:
        qtbot.waitUntil(lambda: other.get(inc.id).assignee == "vodokanal", timeout=10_000)
    except Exception:
        raise AssertionError(f"not assigned on the server; card error {card.error.text()!r}, "
                             f"gateway {type(card.gateway).__name__}") from None
    qtbot.waitUntil(lambda: card.field_labels["assignee"].text() == "МУП «Водоканал»", timeout=10_000)

    card.comment_edit.setPlainText("Бригада выехала, будет через 20 минут")
    card.comment_button.click()
    qtbot.waitUntil(lambda: [c.text for c in other.comments(inc.id)] == ["Бригада выехала, будет через 20 минут"],
                    timeout=10_000)
    qtbot.waitUntil(lambda: card.comment_list.count() == 1 and card.comment_edit.toPlainText() == "", timeout=10_000)

    photo = tmp_path / "leak.png"
    img = QImage(320, 240, QImage.Format.Format_RGB32)
    img.fill(QColor("#3e9eff"))
    assert img.save(str(photo))
    card.attach_file(str(photo))
    qtbot.waitUntil(lambda: [a.filename for a in other.attachments(inc.id)] == ["leak.png"], timeout=10_000)
    qtbot.waitUntil(lambda: card.attachment_list.count() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not card.attachment_list.item(0).icon().isNull(), timeout=10_000)  # the thumbnail

    card.status_buttons["in_progress"].click()
    qtbot.waitUntil(lambda: other.get(inc.id).status == "in_progress", timeout=10_000)
    # The history shows every change, newest first.
    qtbot.waitUntil(lambda: card.history_tree.topLevelItemCount() >= 5, timeout=10_000)
    assert not card.error.isVisible()


def test_ctrl_enter_sends_the_comment_while_an_assignment_is_still_on_its_way(live_server, make_ctx, qtbot):
    """The server has the assignment but its answer has not reached the card yet: the comment typed
    meanwhile still goes (it once did nothing, leaving the text in the box with no message), and
    pressing Ctrl+Enter twice sends it once."""
    from PySide6.QtCore import Qt

    add_services(live_server)
    other = other_client(live_server)
    inc = make_incident(other, category="utilities")
    ctx = make_ctx(live_server)
    card = _card(ctx, qtbot)
    card.show()
    _show(ctx, card, qtbot, inc.id)
    card._busy(True)  # as between sending the assignment and handling its answer
    card.comment_edit.setFocus()
    card.comment_edit.setPlainText("Бригада выехала")
    qtbot.keyClick(card.comment_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(card.comment_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: card.comment_edit.toPlainText() == "", timeout=10_000)
    assert [c.text for c in other.comments(inc.id)] == ["Бригада выехала"]
    assert not card.error.isVisible()
    assert not card.status_buttons["acknowledged"].isEnabled()  # the assignment's own wait is untouched


def test_illegal_transition_and_stale_version_show_the_server_message(live_server, make_ctx, qtbot):
    other = other_client(live_server)
    inc = make_incident(other)
    ctx = make_ctx(live_server)
    card = _card(ctx, qtbot)
    _show(ctx, card, qtbot, inc.id)
    card.show()
    card.request_status("resolved", "Устранено", ask=False)  # not offered from "new"; the server refuses too
    qtbot.waitUntil(lambda: card.error.isVisible(), timeout=10_000)
    assert "cannot go from new to resolved" in card.error.text()
    assert other.get(inc.id).status == "new"

    # Reopening needs a supervisor: a dispatcher is not offered it.
    other.change_status(inc.id, "rejected")
    qtbot.waitUntil(lambda: card.incident.status == "rejected", timeout=10_000)
    assert card.status_buttons == {}


def test_mark_duplicate(live_server, make_ctx, qtbot):
    other = other_client(live_server)
    original = make_incident(other, description="Не горит фонарь", category="street_lighting")
    copy = make_incident(other, description="Темно у подъезда, фонарь", category="street_lighting")
    ctx = make_ctx(live_server)
    card = _card(ctx, qtbot)
    _show(ctx, card, qtbot, copy.id)
    card.show()
    card.request_duplicate("abc")
    assert card.error.isVisible()
    card.request_duplicate(copy.number)  # itself: the server refuses with a message
    qtbot.waitUntil(lambda: "itself" in card.error.text(), timeout=10_000)
    card.duplicate_edit.setText(original.number)
    card.duplicate_button.click()
    qtbot.waitUntil(lambda: other.get(copy.id).duplicate_of == original.id, timeout=10_000)
    qtbot.waitUntil(lambda: card.incident.status == "duplicate", timeout=10_000)
    assert not card.duplicate_button.isEnabled()


def test_a_stale_card_merges_other_fields_and_conflicts_only_on_the_same_field(live_server, make_ctx, qtbot):
    """The card's edit carries its version (If-Match); a 412 becomes a conflict only when someone
    else changed the same field meanwhile (issue 21), otherwise the edit applies on the new version."""
    other = other_client(live_server)
    inc = make_incident(other, priority="medium")
    ctx = make_ctx(live_server, start_events=False)  # no live updates: this card goes stale
    card = _card(ctx, qtbot)
    _show(ctx, card, qtbot, inc.id)
    card.show()
    card.priority_combo.setCurrentIndex(card.priority_combo.findData("high"))
    card.priority_button.click()
    qtbot.waitUntil(lambda: other.get(inc.id).priority == "high", timeout=10_000)
    qtbot.waitUntil(lambda: card.incident.priority == "high", timeout=10_000)

    other.change_status(inc.id, "acknowledged")           # someone else, another field
    card.request_priority("critical")
    qtbot.waitUntil(lambda: other.get(inc.id).priority == "critical", timeout=10_000)
    assert other.get(inc.id).status == "acknowledged"
    qtbot.waitUntil(lambda: card.incident.priority == "critical", timeout=10_000)

    conflicts = []
    ctx.incidents.conflict_found.connect(conflicts.append)
    current = other.get(inc.id)
    other.patch(inc.id, current.version, {"priority": "low"})   # someone else, the same field
    card.request_priority("high")
    qtbot.waitUntil(lambda: bool(conflicts), timeout=10_000)
    assert "changed by someone else" in (conflicts[0].error or "")
    assert other.get(inc.id).priority == "low"                  # nothing overwritten unseen


def test_cameras_near_the_incident_open_the_archive_at_its_time(live_server, make_ctx, qtbot):
    """Supervisors get "cameras near this place at that time"; it asks the archive for the
    recording cameras within 400 m at the incident's registration time. Dispatchers don't."""
    from backend_client.cameras import CamerasApi
    from backend_client.client import ApiClient
    from tests.conftest import TEST_PASSWORD

    admin = ApiClient(live_server.url)
    admin.login("admin", TEST_PASSWORD)
    cams = CamerasApi(admin)
    near = cams.create(name="Площадь", lat=51.6601, lon=35.6521, main_url="rtsp://127.0.0.1:1/a", recording=True)
    cams.create(name="Далеко", lat=51.6700, lon=35.6700, main_url="rtsp://127.0.0.1:1/b", recording=True)
    inc = make_incident(other_client(live_server), lat=51.6603, lon=35.6523)

    dispatcher_card = _card(make_ctx(live_server, "dispatcher"), qtbot)
    assert dispatcher_card.cameras_button.isHidden()

    ctx = make_ctx(live_server, "supervisor")
    card = _card(ctx, qtbot)
    _show(ctx, card, qtbot, inc.id)
    assert not card.cameras_button.isHidden()
    asked = []
    ctx.bus.archive_requested.connect(lambda cid, at: asked.append((cid, at)))
    card.cameras_button.click()
    qtbot.waitUntil(lambda: bool(asked), timeout=10_000)
    assert asked == [(near.id, card.incident.created_at.isoformat())]


def test_the_card_is_a_fixed_frame_that_fits_a_narrow_dock_in_russian(live_server, make_ctx, qtbot, qapp):
    """Wrapping text, no sideways scroll, the action bar and the comment box always in view."""
    from PySide6.QtCore import QPoint

    from app import i18n

    add_services(live_server)
    other = other_client(live_server)
    inc = make_incident(other, category="utilities", priority="critical",
                        address="ул. Молодёжная, д. 12, корп. 3, подъезд 4, у детского сада «Солнышко»",
                        description="Прорыв трубы отопления " * 12)
    other.change_status(inc.id, "acknowledged", version=inc.version)
    i18n.install(qapp, "ru")
    try:
        ctx = make_ctx(live_server)
        card = _card(ctx, qtbot)
        card.resize(380, 760)
        card.show()
        _show(ctx, card, qtbot, inc.id)
        qtbot.waitUntil(lambda: card.history_tree.topLevelItemCount() >= 1, timeout=10_000)
        assert card.minimumSizeHint().width() <= 380, card.minimumSizeHint()
        qtbot.wait(50)
        inside = card.rect()
        for w in [card.comment_edit, card.comment_button, card.assign_combo, card.assign_button,
                  *card.status_buttons.values()]:
            top_left = w.mapTo(card, QPoint(0, 0))
            assert inside.contains(top_left) and inside.contains(top_left + QPoint(w.width() - 1, w.height() - 1)), \
                (w.objectName() or w.text(), top_left, w.size())
            assert w.isVisible()
        assert not card.details_scroll.horizontalScrollBar().isVisible()
        assert card.field_labels["address"].wordWrap() and card.field_labels["address"].width() < 380
        # History times are never cut to "22:…".
        item = card.history_tree.topLevelItem(0)
        fm = card.history_tree.fontMetrics()
        assert card.history_tree.header().sectionSize(0) >= fm.horizontalAdvance(item.text(0))
        # Ctrl+M's target is in view without scrolling.
        card._focus_comment()
        assert card.comment_edit.hasFocus() or not card.isActiveWindow()
        assert card.comment_edit.visibleRegion().boundingRect().height() == card.comment_edit.height()
    finally:
        i18n.install(qapp, "en")
