"""The main window composes every registered panel and keeps the operator's layout."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_main_window_builds_every_registered_panel_and_restores_its_layout(live_server, make_ctx, qtbot):
    from app.mainwindow import MainWindow
    from app.panels import PANELS

    ctx = make_ctx(live_server, role="supervisor")  # a supervisor sees every panel, the archive too
    errors = []
    ctx.errors.reported.connect(lambda where, message: errors.append((where, message)))
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    assert set(window.panels) == {spec.name for spec in PANELS}, errors
    central = [s.name for s in PANELS if s.central]
    assert window.centralWidget() is window.panels[central[0]]
    assert set(window.docks) == {s.name for s in PANELS if not s.central}

    # First start: the control-room arrangement, applied once the window has its size —
    # energy and the video wall side by side below, the archive tabbed with the wall.
    d = window.docks
    qtbot.waitUntil(lambda: window.dockWidgetArea(d["video_wall"]) == Qt.DockWidgetArea.BottomDockWidgetArea,
                    timeout=5_000)
    qtbot.waitUntil(lambda: d["video_wall"].geometry().left() > d["energy"].geometry().right(), timeout=5_000)
    assert d["archive"] in window.tabifiedDockWidgets(d["video_wall"])
    assert window.centralWidget().height() > d["energy"].height()

    # The operator rearranges: the card floats off to the left and the energy dock is closed.
    card = window.docks["incident_card"]
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, card)
    if "energy" in window.docks:
        window.docks["energy"].hide()
    window.close()  # closing saves the layout in the settings
    assert ctx.settings.window_state

    again = MainWindow(ctx)
    qtbot.addWidget(again)
    again.show()
    assert again.dockWidgetArea(again.docks["incident_card"]) == Qt.DockWidgetArea.LeftDockWidgetArea
    if "energy" in again.docks:
        assert again.docks["energy"].isHidden()
    again.actions["reset_layout"].trigger()
    assert again.dockWidgetArea(again.docks["incident_card"]) == Qt.DockWidgetArea.RightDockWidgetArea
    if "energy" in again.docks:
        assert not again.docks["energy"].isHidden()
    again.close()
