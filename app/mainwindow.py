"""The main window: composes the panels as docks, keeps the layout, shows the state."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from app.actions import build_actions
from app.context import AppContext
from app.panels import PANELS, PanelSpec
from app.statusbar import ConnectionStatusBar

log = logging.getLogger(__name__)
LAYOUT_VERSION = 3  # bump when the set of docks changes so old saved layouts are ignored


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, panels: list[PanelSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Situation Center — Smart Kurchatov"))
        self.resize(1600, 960)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AllowNestedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AnimatedDocks)
        self.actions = build_actions(self)
        self.panels: dict[str, QWidget] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._build_menus()
        self._build_panels(panels if panels is not None else PANELS)
        self.setStatusBar(ConnectionStatusBar(ctx, self))
        for service in {id(s): s for s in ctx.services.values()}.values():  # e.g. the offline banner
            hook = getattr(service, "attach_window", None)
            if hook:
                hook(self)
        self._default_state = self.saveState(LAYOUT_VERSION)
        self._first_show = not self.restore_layout()

    # ----------------------------------------------------------- composition
    def _build_panels(self, specs: list[PanelSpec]) -> None:
        central_set = False
        for spec in specs:
            if not self.ctx.has_role(spec.min_role):
                continue
            try:
                widget = spec.build(self.ctx)
            except Exception as exc:  # one broken panel must not take the console down
                log.exception("panel %s failed to start", spec.name)
                self.ctx.errors.report(spec.name, exc)
                continue
            widget.setObjectName(f"panel_{spec.name}")
            self.panels[spec.name] = widget
            title = QCoreApplication.translate("Panels", spec.title)
            if spec.central and not central_set:
                self.setCentralWidget(widget)
                central_set = True
                continue
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{spec.name}")
            dock.setWidget(widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.addDockWidget(spec.area, dock)
            self.docks[spec.name] = dock
            self.view_menu.addAction(dock.toggleViewAction())
        for widget in self.panels.values():
            hook = getattr(widget, "attach_window", None)
            if hook:
                hook(self)

    def _arrange_default(self) -> None:
        """The first-start layout: map | queue | card on top; energy | video wall (| archive) below.

        Sizes are shares of the window, so the queue keeps its columns on any screen."""
        d = self.docks
        h, v = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        width, height = max(self.width(), 1200), max(self.height(), 800)
        if "energy" in d and "video_wall" in d:
            self.splitDockWidget(d["energy"], d["video_wall"], h)
            self.resizeDocks([d["energy"], d["video_wall"]], [width // 2, width // 2], h)
            if "archive" in d:
                self.tabifyDockWidget(d["video_wall"], d["archive"])
                d["video_wall"].raise_()
        if "energy" in d:
            self.resizeDocks([d["energy"]], [int(height * 0.34)], v)
        if "map" in d:
            self.resizeDocks([d["map"]], [int(width * 0.2)], h)
        if "incident_card" in d:
            self.resizeDocks([d["incident_card"]], [int(width * 0.26)], h)

    def _build_menus(self) -> None:
        a = self.actions
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(a["new_incident"])
        file_menu.addSeparator()
        file_menu.addAction(a["settings"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        self.incident_menu = self.menuBar().addMenu(self.tr("&Incident"))
        for name in ("acknowledge", "start_work", "resolve", "assign", "comment", "ack_alert", "find", "refresh"):
            self.incident_menu.addAction(a[name])
        self.view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.view_menu.addAction(a["fullscreen"])
        self.view_menu.addAction(a["reset_layout"])
        self.view_menu.addSeparator()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("About"), self._about)
        a["quit"].triggered.connect(self.close)
        a["fullscreen"].toggled.connect(lambda on: self.showFullScreen() if on else self.showNormal())
        a["reset_layout"].triggered.connect(self.reset_layout)
        a["settings"].triggered.connect(self._open_settings)

    def _open_settings(self) -> None:
        from app.settings_dialog import SettingsDialog

        SettingsDialog(self.ctx, self).exec()

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About"),
                          self.tr("Situation Center of the city of Kurchatov.\nServer: {0}").format(self.ctx.api.base_url))

    # ----------------------------------------------------------- layout
    def restore_layout(self) -> bool:
        """Restore the saved window and dock layout; False when there is none (first start)."""
        s = self.ctx.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))
        if s.window_state:
            return self.restoreState(QByteArray.fromBase64(s.window_state.encode()), LAYOUT_VERSION)
        return False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first_show:
            # Dock sizes only take once the window has its real size, so the default
            # arrangement waits for the first show (and then is what "Reset layout" restores).
            self._first_show = False
            QTimer.singleShot(0, self._apply_default_layout)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self._arrange_default()

    def _apply_default_layout(self) -> None:
        self._arrange_default()
        self._default_state = self.saveState(LAYOUT_VERSION)

    def save_layout(self) -> None:
        s = self.ctx.settings
        s.window_geometry = bytes(self.saveGeometry().toBase64()).decode()
        s.window_state = bytes(self.saveState(LAYOUT_VERSION).toBase64()).decode()
        s.save()

    def closeEvent(self, event) -> None:
        for widget in self.panels.values():
            closer = getattr(widget, "shutdown", None)
            if closer:
                try:
                    closer()
                except Exception:  # closing must finish even if a panel misbehaves
                    log.exception("panel shutdown failed")
        self.save_layout()
        super().closeEvent(event)
