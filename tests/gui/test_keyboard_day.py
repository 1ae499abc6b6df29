"""The dispatcher's day by keyboard, in Russian: find → open → acknowledge → assign → comment →
start → resolve with a code, in under 10 keystrokes plus the text typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from tests.gui.incident_helpers import add_services, make_incident, other_client

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def russian(qapp):
    from app import i18n

    i18n.install(qapp, "ru")
    yield
    i18n.install(qapp, "en")


class Keyboard:
    """Presses go to whatever has the focus, as a real keyboard's do; each chord counts one."""

    def __init__(self, qtbot, window) -> None:
        self.qtbot, self.window, self.count = qtbot, window, 0

    def target(self):
        return QApplication.focusWidget() or QApplication.activeWindow() or self.window

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.count += 1
        self.qtbot.keyClick(self.target(), key, modifier)

    def type(self, text: str) -> None:
        """The text itself is not counted. QTest only knows ASCII keys: Cyrillic goes as key
        events that carry their text, as an input method delivers them."""
        for ch in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(self.target(), QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))
            QApplication.processEvents()


def _window(ctx, qtbot):
    from app.mainwindow import MainWindow

    window = MainWindow(ctx, features=[s for s in ctx.features if s.name in ("incidents", "incident_card")])
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def _focus_in(qtbot, name: str) -> None:
    def there() -> bool:
        w = QApplication.focusWidget()  # an editable picker's focus is its line edit
        return w is not None and name in (w.objectName(), w.parentWidget() and w.parentWidget().objectName())

    try:
        qtbot.waitUntil(there, timeout=5_000)
    except Exception:
        w = QApplication.focusWidget()
        raise AssertionError(f"focus on {w and w.metaObject().className()} {w and w.objectName()!r}, "
                             f"active window {QApplication.activeWindow()}") from None


def test_the_dispatchers_day_by_keyboard_in_under_10_keystrokes(live_server, make_ctx, qtbot, russian):
    add_services(live_server)
    other = other_client(live_server)
    for i in range(3):
        make_incident(other, address=f"ул. Ленина, {i + 1}")
    inc = make_incident(other, category="utilities", priority="high", address="ул. Курчатова, 3")
    digits = str(int(inc.number.split("-")[1]))
    ctx = make_ctx(live_server)
    window = _window(ctx, qtbot)
    panel, card = window.panels["incidents"], window.panels["incident_card"]
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 4 and bool(panel.model.service_names), timeout=10_000)
    kb = Keyboard(qtbot, window)

    # find → open → acknowledge: one command.
    kb.press(Qt.Key.Key_K, CTRL)
    _focus_in(qtbot, "paletteInput")
    kb.type(f"{digits} принять")
    kb.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: other.get(inc.id).status == "acknowledged", timeout=10_000)
    qtbot.waitUntil(lambda: card.incident is not None and card.incident.id == inc.id
                    and card.incident.status == "acknowledged", timeout=10_000)

    # assign: the service picker you type into commits on Enter.
    kb.press(Qt.Key.Key_A, CTRL | SHIFT)
    _focus_in(qtbot, "assignCombo")
    kb.type("водо")
    kb.press(Qt.Key.Key_Return)
    try:
        qtbot.waitUntil(lambda: other.get(inc.id).assignee == "vodokanal", timeout=10_000)
    except Exception:
        raise AssertionError(f"picker {card.assign_combo.currentText()!r}, card error {card.error.text()!r}, "
                             f"focus {QApplication.focusWidget()}") from None

    # comment: Ctrl+M, the text, Ctrl+Enter.
    kb.press(Qt.Key.Key_M, CTRL)
    _focus_in(qtbot, "commentEdit")
    kb.type("Бригада выехала")
    kb.press(Qt.Key.Key_Return, CTRL)
    try:
        qtbot.waitUntil(lambda: [c.text for c in other.comments(inc.id)] == ["Бригада выехала"], timeout=10_000)
    except Exception:
        raise AssertionError(f"comment box {card.comment_edit.toPlainText()!r}, card error {card.error.text()!r}, "
                             f"focus {QApplication.focusWidget()}") from None

    # start work.
    qtbot.waitUntil(lambda: card.incident.version == other.get(inc.id).version, timeout=10_000)
    kb.press(Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: other.get(inc.id).status == "in_progress", timeout=10_000)

    # resolve with a code and a note: one command.
    qtbot.waitUntil(lambda: card.incident.status == "in_progress", timeout=10_000)
    kb.press(Qt.Key.Key_K, CTRL)
    _focus_in(qtbot, "paletteInput")
    kb.type("решить устранено заменили задвижку")
    kb.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: other.get(inc.id).status == "resolved", timeout=10_000)
    assert any("Устранено. заменили задвижку" in str(h) for h in other.history(inc.id))

    assert kb.count < 10, kb.count
    window.close()


def test_enter_opens_the_single_match_and_f8_asks_for_a_code_and_a_note(live_server, make_ctx, qtbot, russian):
    other = other_client(live_server)
    make_incident(other, address="ул. Ленина, 1")
    inc = make_incident(other, address="пр. Коммунистический, 20")
    other.change_status(inc.id, "acknowledged")
    other.change_status(inc.id, "in_progress")
    ctx = make_ctx(live_server)
    window = _window(ctx, qtbot)
    panel, card = window.panels["incidents"], window.panels["incident_card"]
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 2, timeout=10_000)
    kb = Keyboard(qtbot, window)

    kb.press(Qt.Key.Key_F, CTRL)
    _focus_in(qtbot, "incidentSearch")
    kb.type("Коммунист")
    kb.press(Qt.Key.Key_Return)  # no wait for the debounce: Enter applies the search and opens
    qtbot.waitUntil(lambda: card.incident is not None and card.incident.id == inc.id, timeout=5_000)

    # F8 does not resolve at once: it asks for the code, then the note.
    kb.press(Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: getattr(card, "resolve_dialog", None) is not None, timeout=5_000)
    dialog = card.resolve_dialog
    _focus_in(qtbot, "resolutionCode")
    kb.press(Qt.Key.Key_Return)  # no code: nothing happens
    assert dialog.isVisible() and other.get(inc.id).status == "in_progress"
    kb.type("Не подтверд")
    kb.press(Qt.Key.Key_Return)
    _focus_in(qtbot, "resolutionNote")
    kb.press(Qt.Key.Key_Return)  # no note: it says so and stays
    assert dialog.isVisible() and dialog.error.isVisible()
    kb.type("На месте всё исправно")
    kb.press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: other.get(inc.id).status == "resolved", timeout=10_000)
    window.close()


def test_quitting_with_changes_waiting_asks_and_enter_keeps_the_console_open(live_server, make_ctx, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    ctx = make_ctx(live_server)
    window = _window(ctx, qtbot)
    kb = Keyboard(qtbot, window)
    from backend_client.schemas.incidents import IncidentCreate

    live_server.stop()  # a change made now waits on this workstation
    ctx.incidents.create(IncidentCreate(category="roads", priority="low", lat=51.66, lon=35.65,
                                        address="ул. Ленина, 1", description="Яма"))
    qtbot.waitUntil(lambda: window.status.waiting == 1, timeout=15_000)
    asked = []

    def answer(button) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, lambda: answer(button))
            return
        asked.append(box.text())
        if button is None:
            qtbot.keyClick(box, Qt.Key.Key_Return)  # the default answer
        else:
            box.button(button).click()

    QTimer.singleShot(50, lambda: answer(None))
    kb.press(Qt.Key.Key_Q, CTRL)
    assert asked and "1" in asked[0]
    assert window.isVisible()  # Enter means "no"

    QTimer.singleShot(50, lambda: answer(QMessageBox.StandardButton.Yes))
    window.actions["quit"].trigger()
    assert len(asked) == 2 and not window.isVisible()


def test_the_focused_button_shows_a_ring(qapp, qtbot):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from app import theme

    theme.apply(qapp, "dark")
    try:
        host = QWidget()
        qtbot.addWidget(host)
        lay = QVBoxLayout(host)
        first, second = QPushButton("Принять"), QPushButton("Отклонить")
        lay.addWidget(first)
        lay.addWidget(second)
        host.show()
        qtbot.waitExposed(host)
        host.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is host)
        second.setFocus()
        qtbot.waitUntil(second.hasFocus)
        plain = second.grab().toImage()
        first.setFocus()
        qtbot.waitUntil(lambda: not second.hasFocus())
        second.setFocus()
        qtbot.waitUntil(second.hasFocus)
        first.setFocus()
        qtbot.waitUntil(first.hasFocus)
        unfocused = second.grab().toImage()
        second.setFocus()
        qtbot.waitUntil(second.hasFocus)
        assert second.grab().toImage() != unfocused and plain != unfocused
        host.close()
    finally:
        qapp.setStyleSheet("")
