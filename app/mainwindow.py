"""The main window: composes the registered features' panels as docks, keeps the layout, shows the state."""

from __future__ import annotations

import logging
import zlib

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMessageBox, QWidget

from app import site
from app.actions import build_actions
from app.context import AppContext
from app.statusbar import ConnectionStatusBar
from widgets.common.feature import FeatureSpec

log = logging.getLogger(__name__)
AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea, "top": Qt.DockWidgetArea.TopDockWidgetArea}


def layout_version(names: list[str]) -> int:
    """Saved layouts are keyed by the set of docks: a layout saved with other panels is not restored."""
    return zlib.crc32(",".join(sorted(names)).encode()) & 0x7FFFFFFF


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, features: list[FeatureSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Situation Center — Smart Kurchatov"))
        self.resize(1600, 960)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AllowNestedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AnimatedDocks)
        specs = [s for s in (ctx.features if features is None else features) if ctx.has_role(s.min_role)]
        self.specs = {s.name: s for s in specs}
        self.actions = build_actions(self)
        self._add_feature_actions(specs)
        self.panels: dict[str, QWidget] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._build_menus()
        self._build_panels(specs)
        self.layout_version = layout_version(list(self.docks))
        self.setStatusBar(ConnectionStatusBar(ctx, self))
        ctx.incidents.attach_window(self)  # the offline banner and the waiting counter
        self._default_state = self.saveState(self.layout_version)
        self._first_show = not self.restore_layout()

    # ----------------------------------------------------------- composition
    def _add_feature_actions(self, specs: list[FeatureSpec]) -> None:
        for spec in specs:
            for adef in spec.actions:
                a = QAction(QCoreApplication.translate("Actions", adef.text), self)
                a.setObjectName(f"action_{adef.name}")
                if adef.shortcut:
                    a.setShortcut(QKeySequence(adef.shortcut))
                a.setCheckable(adef.checkable)
                a.setProperty("menu", adef.menu)
                self.actions[adef.name] = a

    def _build_panels(self, specs: list[FeatureSpec]) -> None:
        central_set = False
        for spec in specs:
            try:
                widget = spec.build(self.ctx)
            except Exception as exc:  # one broken panel must not take the console down
                log.exception("panel %s failed to start", spec.name)
                self.ctx.errors.report(spec.name, exc)
                continue
            widget.setObjectName(f"panel_{spec.name}")
            self.panels[spec.name] = widget
            title = QCoreApplication.translate("Panels", spec.title)
            if spec.placement.area == "central" and not central_set:
                self.setCentralWidget(widget)
                central_set = True
                continue
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock_{spec.name}")
            dock.setWidget(widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                             | QDockWidget.DockWidgetFeature.DockWidgetClosable)
            self.addDockWidget(AREAS.get(spec.placement.area, Qt.DockWidgetArea.RightDockWidgetArea), dock)
            self.docks[spec.name] = dock
            self.view_menu.addAction(dock.toggleViewAction())
        for widget in self.panels.values():
            hook = getattr(widget, "attach_window", None)
            if hook:
                hook(self)

    def _arrange_default(self) -> None:
        """The first-start layout from each feature's placement hint. Sizes are shares of the
        window, so the queue keeps its columns on any screen."""
        d = self.docks
        h, v = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        width, height = max(self.width(), 1200), max(self.height(), 800)
        raised = []
        for name, dock in d.items():
            p = self.specs[name].placement
            if p.beside in d:
                along = h if p.area in ("bottom", "top") else v
                self.splitDockWidget(d[p.beside], dock, along)
                total = width if along == h else height
                self.resizeDocks([d[p.beside], dock], [int(total * (1 - p.share)), int(total * p.share)], along)
            elif p.tab_with in d:
                self.tabifyDockWidget(d[p.tab_with], dock)
                raised.append(d[p.tab_with])
        for name, dock in d.items():
            p = self.specs[name].placement
            if p.beside in d or p.tab_with in d:
                continue
            if p.area in ("left", "right"):
                self.resizeDocks([dock], [int(width * p.share)], h)
            else:
                self.resizeDocks([dock], [int(height * p.share)], v)
        for dock in raised:
            dock.raise_()

    def _build_menus(self) -> None:
        a = self.actions
        menus = {"file": self.menuBar().addMenu(self.tr("&File"))}
        menus["incident"] = self.menuBar().addMenu(self.tr("&Incident"))
        self.view_menu = menus["view"] = self.menuBar().addMenu(self.tr("&View"))
        for action in a.values():
            if action.property("menu") in menus:
                menus[action.property("menu")].addAction(action)
        file_menu = menus["file"]
        file_menu.addSeparator()
        file_menu.addAction(a["settings"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])
        self.incident_menu = menus["incident"]
        self.incident_menu.menuAction().setVisible(not self.incident_menu.isEmpty())
        self.view_menu.addSeparator()
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
                          self.tr("Situation Center of the city of Kurchatov.\nServer: {0}\nLog: {1}").format(
                              self.ctx.api.base_url, site.log_file() or self.tr("console only")))

    # ----------------------------------------------------------- layout
    def restore_layout(self) -> bool:
        """Restore the saved window and dock layout; False when there is none (first start)."""
        s = self.ctx.settings
        if s.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(s.window_geometry.encode()))
        if s.window_state:
            return self.restoreState(QByteArray.fromBase64(s.window_state.encode()), self.layout_version)
        return False

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._first_show:
            # Dock sizes only take once the window has its real size, so the default
            # arrangement waits for the first show (and then is what "Reset layout" restores).
            self._first_show = False
            QTimer.singleShot(0, self._apply_default_layout)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state, self.layout_version)
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        self._arrange_default()

    def _apply_default_layout(self) -> None:
        self._arrange_default()
        self._default_state = self.saveState(self.layout_version)

    def save_layout(self) -> None:
        s = self.ctx.settings
        s.window_geometry = bytes(self.saveGeometry().toBase64()).decode()
        s.window_state = bytes(self.saveState(self.layout_version).toBase64()).decode()
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
