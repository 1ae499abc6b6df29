"""The main window: composes the registered features' panels as docks, keeps the layout, shows the state."""

from __future__ import annotations

import logging
import zlib

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QEvent, QLocale, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QMessageBox, QScrollArea, QWidget

from app import site
from app.actions import build_actions
from app.context import AppContext
from app.retranslate import retranslate
from app.statusbar import ConnectionStatusBar
from widgets.common.feature import FeatureSpec, Placement, Workspace

log = logging.getLogger(__name__)
AREAS = {"left": Qt.DockWidgetArea.LeftDockWidgetArea, "right": Qt.DockWidgetArea.RightDockWidgetArea,
         "bottom": Qt.DockWidgetArea.BottomDockWidgetArea, "top": Qt.DockWidgetArea.TopDockWidgetArea}


WORKSPACES = (
    Workspace("dispatcher", QT_TRANSLATE_NOOP("Workspaces", "Dispatcher"), "Ctrl+1"),
    Workspace("supervisor", QT_TRANSLATE_NOOP("Workspaces", "Supervisor"), "Ctrl+2", min_role="supervisor"),
    Workspace("all", QT_TRANSLATE_NOOP("Workspaces", "All panels"), "Ctrl+3"),
)
PANEL_MIN = (280, 160)  # a dock never asks for more; a denser panel scrolls inside it
WORKSPACE_KEY = "workspace"            # settings.extra: the workspace on screen
WORKSPACE_STATES_KEY = "workspace_states"  # settings.extra: {workspace: base64 saveState}


def layout_version(names: list[str]) -> int:
    """Saved layouts are keyed by the set of docks: a layout saved with other panels is not restored."""
    return zlib.crc32(",".join(sorted(names)).encode()) & 0x7FFFFFFF


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, features: list[FeatureSpec] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("MainWindow")
        self.setWindowTitle(self.tr("Situation Center — Smart Kurchatov"))
        screen = QGuiApplication.primaryScreen()
        if screen is not None and not ctx.settings.window_geometry:
            self.setGeometry(screen.availableGeometry())  # the first start fills the screen
        else:
            self.resize(1600, 960)
        self.setDockNestingEnabled(True)
        # The side columns (map, card, archive) run the full height; the bottom row (the wall)
        # sits under the queue only.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.setDockOptions(QMainWindow.DockOption.AllowNestedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AnimatedDocks)
        specs = [s for s in (ctx.features if features is None else features) if ctx.has_role(s.min_role)]
        self.specs = {s.name: s for s in specs}
        self.actions = build_actions(self)
        self._add_feature_actions(specs)
        self.workspaces = [w for w in WORKSPACES if ctx.has_role(w.min_role)]
        default = "supervisor" if ctx.has_role("supervisor") else "dispatcher"
        saved = ctx.settings.extra.get(WORKSPACE_KEY)
        self.workspace = saved if saved in {w.name for w in self.workspaces} else default
        self.panels: dict[str, QWidget] = {}
        self.docks: dict[str, QDockWidget] = {}
        self._build_menus()
        self._build_panels(specs)
        self.layout_version = layout_version(list(self.docks))
        self.status = ConnectionStatusBar(ctx, self)
        self.setStatusBar(self.status)
        self._quit_confirmed = False
        ctx.incidents.attach_window(self)  # the offline banner and the waiting counter
        self._first_show = not self.restore_layout()
        if self._first_show:
            # Which docks show, and where, before the window is shown: every dock at once in
            # its bare area would ask for a window wider than the screen. Sizes follow on show.
            self._arrange(self.workspace)

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
            dock.setWidget(self._framed(widget))
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

    def placements(self, workspace: str) -> dict[str, Placement]:
        """The docks the workspace shows, with where they go."""
        out = {}
        for name in self.docks:
            p = self.specs[name].placement_in(workspace)
            if p is not None and p.area != "central":
                out[name] = p
        return out

    @staticmethod
    def _framed(panel: QWidget) -> QScrollArea:
        """A panel in a frame that scrolls when its dock is made smaller than the panel's
        minimum: one dense panel must not push the window off a 1920 px screen."""
        area = QScrollArea()
        area.setObjectName(f"frame_{panel.objectName()}")
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setWidget(panel)
        area.setMinimumSize(*PANEL_MIN)
        return area

    def _arrange_default(self) -> None:
        self._arrange(self.workspace)

    def _arrange(self, workspace: str) -> None:
        """Arrange the docks from the workspace's placement hints. Sizes are shares of the
        window, so the queue keeps its columns on any screen; docks the workspace does not
        name are hidden."""
        d = self.docks
        places = self.placements(workspace)
        h, v = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        # Shares of what the separators leave: asking for more than the window has grows it.
        width, height = self.width() - 48, self.height() - 96
        for name, dock in d.items():
            p = places.get(name, self.specs[name].placement)
            dock.setFloating(False)
            dock.hide()  # shown once split and tabbed: side by side in one row they would not fit
            self.addDockWidget(AREAS.get(p.area, Qt.DockWidgetArea.RightDockWidgetArea), dock)
        raised = []
        for name, p in places.items():
            dock = d[name]
            if p.beside in places:
                along = h if p.area in ("bottom", "top") else v
                self.splitDockWidget(d[p.beside], dock, along)
            elif p.tab_with in places:
                self.tabifyDockWidget(d[p.tab_with], dock)
                raised.append(d[p.tab_with])
        for name in places:
            d[name].show()
        # The bottom and top rows run between the side columns (see the corners above).
        sides = sum(p.share for p in places.values()
                    if p.area in ("left", "right") and p.beside not in places and p.tab_with not in places)
        for name, p in places.items():
            dock = d[name]
            if p.beside in places:
                along = h if p.area in ("bottom", "top") else v
                total = int(width * (1 - sides)) if along == h else height
                self.resizeDocks([d[p.beside], dock], [int(total * (1 - p.share)), int(total * p.share)], along)
            elif p.tab_with in places:
                continue
            elif p.area in ("left", "right"):
                self.resizeDocks([dock], [int(width * p.share)], h)
            else:
                self.resizeDocks([dock], [int(height * p.share)], v)
        for dock in raised:
            dock.raise_()

    def switch_workspace(self, name: str) -> None:
        """Keep the current workspace's layout as the operator left it, show the other's."""
        if name not in {w.name for w in self.workspaces}:
            raise ValueError(f"no workspace {name!r}")
        states = self.ctx.settings.extra.setdefault(WORKSPACE_STATES_KEY, {})
        states[self.workspace] = bytes(self.saveState(self.layout_version).toBase64()).decode()
        self.workspace = name
        self.ctx.settings.extra[WORKSPACE_KEY] = name
        self.actions[f"workspace_{name}"].setChecked(True)
        saved = states.get(name)
        if not (saved and self.restoreState(QByteArray.fromBase64(saved.encode()), self.layout_version)):
            self._arrange(name)

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
        group = QActionGroup(self)
        for ws in self.workspaces:
            act = QAction(QCoreApplication.translate("Workspaces", ws.title), self, checkable=True)
            act.setObjectName(f"workspace_{ws.name}")
            act.setShortcut(QKeySequence(ws.shortcut))
            act.setChecked(ws.name == self.workspace)
            act.triggered.connect(lambda _on=False, name=ws.name: self.switch_workspace(name))
            group.addAction(act)
            self.view_menu.addAction(act)
            a[f"workspace_{ws.name}"] = act
        self.view_menu.addSeparator()
        self.view_menu.addAction(a["fullscreen"])
        self.view_menu.addAction(a["reset_layout"])
        self.view_menu.addSeparator()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("About"), self._about)
        a["quit"].triggered.connect(self.request_quit)
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

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            # Before the panels get the event: they redraw what they compute after this.
            retranslate(self)
            self.setLocale(QLocale())  # numbers and dates of the widgets inside: i18n.install set the default
        super().changeEvent(event)

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
        self.ctx.settings.extra.get(WORKSPACE_STATES_KEY, {}).pop(self.workspace, None)
        self._arrange(self.workspace)

    def _apply_default_layout(self) -> None:
        self._arrange_default()

    def save_layout(self) -> None:
        s = self.ctx.settings
        s.window_geometry = bytes(self.saveGeometry().toBase64()).decode()
        s.window_state = bytes(self.saveState(self.layout_version).toBase64()).decode()
        s.save()

    def request_quit(self) -> None:
        """Ctrl+Q: quitting with changes not yet on the server asks first."""
        if self.confirm_quit():
            self._quit_confirmed = True
            self.close()

    def confirm_quit(self) -> bool:
        waiting = self.status.waiting
        if not waiting:
            return True
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Quit"),
                          self.tr("{0} changes have not reached the server yet. They stay on this workstation and "
                                  "are sent at the next start. Quit now?").format(waiting),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("confirmQuit")
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter keeps the console open
        return box.exec() == QMessageBox.StandardButton.Yes

    def closeEvent(self, event) -> None:
        # The window's own close button asks too; a programmatic close (tests, SIGTERM) does not.
        if event.spontaneous() and not self._quit_confirmed and not self.confirm_quit():
            event.ignore()
            return
        for widget in self.panels.values():
            closer = getattr(widget, "shutdown", None)
            if closer:
                try:
                    closer()
                except Exception:  # closing must finish even if a panel misbehaves
                    log.exception("panel shutdown failed")
        self.save_layout()
        super().closeEvent(event)
