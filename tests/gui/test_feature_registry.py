"""A feature declared in its own folder shows up everywhere it should, with nothing central edited."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt


def test_a_new_feature_brings_its_panel_dock_action_settings_and_map_layer(live_server, make_ctx, qtbot,
                                                                          monkeypatch, tmp_path):
    from app.features import FEATURE_MODULES, features
    from app.mainwindow import MainWindow

    monkeypatch.setenv("SC_DESK_CACHE_DIR", str(tmp_path / "cache"))
    ctx = make_ctx(live_server, role="dispatcher")
    ctx.features = features(FEATURE_MODULES + ["tests.fake_feature.feature"])
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()

    panel = window.panels["hydrants"]
    dock = window.docks["hydrants"]
    assert dock.windowTitle() == "Hydrants" and panel in dock.widget().findChildren(type(panel))
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    qtbot.waitUntil(lambda: dock in window.tabifiedDockWidgets(window.docks["incident_card"]), timeout=5_000)
    assert dock.toggleViewAction() in window.view_menu.actions()

    # Its action is in the View menu with its shortcut and reaches the panel.
    action = window.actions["hydrants_refresh"]
    assert action in window.view_menu.actions() and action.shortcut().toString() == "Ctrl+Alt+H"
    action.trigger()
    assert panel.refreshed == 2

    # Its typed settings section is kept in the settings file.
    panel.settings.show_dry = False
    ctx.settings.save()
    from app.settings import AppSettings

    assert AppSettings.load(ctx.settings.path).section("hydrants").show_dry is False

    # Its map layer is on the map page, and what the panel publishes is drawn there.
    map_panel = window.panels["map"]
    qtbot.waitUntil(lambda: map_panel.ready, timeout=30_000)
    panel.publish()
    box: list = []

    def on_page() -> bool:
        box.clear()
        map_panel.page.runJavaScript(
            "JSON.stringify(SC.layers.hydrants ? Array.from(SC.layers.hydrants.items.keys()) : null)", 0,
            box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=5_000)
        return json.loads(box[0]) == ["1"]

    qtbot.waitUntil(on_page, timeout=15_000)
    # The saved layout is keyed by the set of docks: with the feature gone, it is not restored.
    window.close()
    plain = MainWindow(ctx.__class__(**{**ctx.__dict__, "features": features()}))
    qtbot.addWidget(plain)
    assert "hydrants" not in plain.docks and plain.layout_version != window.layout_version
    plain.close()
