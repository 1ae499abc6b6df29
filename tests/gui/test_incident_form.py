"""The create-incident form: local validation beside the fields, server errors in the form, a real POST."""

from __future__ import annotations

from tests.gui.incident_helpers import add_services, other_client


def type_text(widget, text: str) -> None:
    """Key presses carrying the characters: QTest.keyClicks knows only ASCII keys."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, ch))


def _form(ctx, qtbot):
    from widgets.incidents.form import IncidentForm

    form = IncidentForm(ctx.incidents)
    qtbot.addWidget(form)
    form.prefill(None, None)
    return form


def test_form_validates_locally_then_creates_on_the_server(live_server, make_ctx, qtbot):
    add_services(live_server)
    ctx = make_ctx(live_server, start_events=False)
    form = _form(ctx, qtbot)
    # Nothing chosen: no silent city-centre coordinates, the form asks for the place.
    assert form.lat.text() == "" and form.lon.text() == ""
    form.submit()
    shown = {name for name, label in form.errors.items() if not label.isHidden()}
    assert shown == {"category", "lat", "description"} and "map" in form.errors["lat"].text()

    form.lat.setText("95")
    form.lon.setText("35.6542")
    form.submit()
    assert not form.busy
    shown = {name for name, label in form.errors.items() if not label.isHidden()}
    assert shown == {"category", "lat", "description"}
    assert "between" in form.errors["lat"].text()
    assert form.lat.property("invalid") is True

    form.category.setCurrentIndex(form.category.findData("street_lighting"))
    form.lat.setText("51,6612")            # a comma works as the decimal separator
    form.lon.setText("abc")
    form.description.setPlainText("   ")
    form.submit()
    shown = {name for name, label in form.errors.items() if not label.isHidden()}
    assert shown == {"lon", "description"}

    form.lon.setText("35.6601")
    form.address.setText("ул. Молодёжная, 11")
    form.description.setPlainText("Не горит фонарь у детской площадки")
    qtbot.waitUntil(lambda: form.assignee.count() == 4, timeout=5_000)
    form.assignee.setCurrentIndex(form.assignee.findData("gorelectroset"))
    created = []
    form.created.connect(created.append)
    form.submit()
    qtbot.waitUntil(lambda: bool(created), timeout=5_000)
    assert created[0].client_uuid == form.client_uuid
    other = other_client(live_server)
    # An offline-capable gateway may answer with a local copy first (negative id): find it by client_uuid.
    on_server = lambda: [i for i in other.list().items if i.client_uuid == form.client_uuid]  # noqa: E731
    qtbot.waitUntil(lambda: len(on_server()) == 1, timeout=10_000)
    inc = on_server()[0]
    assert (inc.category, inc.lat, inc.lon, inc.assignee, inc.source) == (
        "street_lighting", 51.6612, 35.6601, "gorelectroset", "operator")


def test_server_refusal_is_shown_in_the_form(live_server, make_ctx, qtbot):
    ctx = make_ctx(live_server, start_events=False)
    form = _form(ctx, qtbot)
    form.prefill(51.6606, 35.6542)  # the place, picked on the map
    form.category.setCurrentIndex(form.category.findData("roads"))
    form.description.setPlainText("Яма")
    form.assignee.addItem("Несуществующая служба", "no_such_service")  # e.g. a service retired meanwhile
    form.assignee.setCurrentIndex(form.assignee.count() - 1)
    form.submit()
    qtbot.waitUntil(lambda: not form.busy, timeout=5_000)
    assert not form.errors["assignee"].isHidden()
    assert "no_such_service" in form.errors["assignee"].text()
    assert form.result() == 0  # still open for a correction


def test_map_click_opens_a_prefilled_form(live_server, make_ctx, qtbot):
    from widgets.incidents.panel import IncidentQueuePanel

    ctx = make_ctx(live_server, start_events=False)
    panel = IncidentQueuePanel(ctx)
    qtbot.addWidget(panel)
    ctx.bus.create_incident_at.emit(51.6651, 35.6489, "ул. Космонавтов, 5")
    form = panel._form
    assert form is not None and form.isVisible()
    assert (form.lat.text(), form.lon.text(), form.address.text()) == ("51.665100", "35.648900", "ул. Космонавтов, 5")
    form.reject()


def test_typed_address_is_chosen_by_keyboard_and_saved_with_the_house_coordinates(live_server, make_ctx, qtbot):
    from PySide6.QtCore import Qt

    from resources.city import kurchatov
    from widgets.common.bus import MAP_POINT
    from widgets.incidents.panel import IncidentQueuePanel

    house = next(a for a in kurchatov.addresses() if a.address == "ул. Молодёжная, 12")
    ctx = make_ctx(live_server, start_events=False)
    panel = IncidentQueuePanel(ctx)
    qtbot.addWidget(panel)
    focus = []
    ctx.bus.map_focus_requested.connect(lambda layer, item: focus.append((layer, item)))
    qtbot.waitUntil(lambda: panel._addresses is not None, timeout=5_000)  # indexed off the GUI thread
    form = panel.open_create_form()
    form.category.setCurrentIndex(form.category.findData("roads"))
    form.description.setPlainText("Провал асфальта у подъезда")
    form.address.setFocus()
    # Lower case, "улица" spelled out, е for ё, no comma: still the house.
    type_text(form.address, "улица молодежная 1")
    popup = form.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2_000)
    shown = [form.suggestions.index(r).data() for r in range(form.suggestions.rowCount())]
    assert shown[0] == "ул. Молодёжная, 1" and house.address in shown
    for _ in range(shown.index(house.address) + 1):
        qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert form.address.text() == house.address
    assert (float(form.lat.text()), float(form.lon.text())) == (house.lat, house.lon)
    assert form.isVisible() and not form.busy  # Enter chose the house; it did not save the form
    assert not form.place.isHidden() and form.lat.text() in form.place.text()
    assert focus == [(MAP_POINT, (house.lat, house.lon))]

    created = []
    form.created.connect(created.append)
    form.submit()
    qtbot.waitUntil(lambda: bool(created), timeout=5_000)
    on_server = [i for i in other_client(live_server).list().items if i.client_uuid == form.client_uuid]
    assert len(on_server) == 1
    assert (on_server[0].address, on_server[0].lat, on_server[0].lon) == (house.address, house.lat, house.lon)


def test_enter_takes_the_first_suggestion_and_editing_drops_the_house(live_server, make_ctx, qtbot):
    from PySide6.QtCore import Qt

    from widgets.incidents.addresses import AddressIndex

    form = _form(make_ctx(live_server, start_events=False), qtbot)
    form.set_addresses(AddressIndex.default())
    form.show()
    form.address.setFocus()
    type_text(form.address, "ГАЙДАРА 3")
    qtbot.waitUntil(form.completer.popup().isVisible, timeout=2_000)
    qtbot.keyClick(form.completer.popup(), Qt.Key.Key_Return)
    assert form.address.text() == "ул. Гайдара, 3" and form.lat.text() and form.isVisible()
    # The text no longer names that house: its coordinates go too, so nothing is saved at the wrong place.
    qtbot.keyClick(form.address, Qt.Key.Key_Backspace)
    assert form.lat.text() == "" and form.lon.text() == "" and form.place.isHidden()
    form.submit()
    assert not form.errors["lat"].isHidden()
