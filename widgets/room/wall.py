"""The wall screen: the city at a glance for the room, full screen, read-only, no mouse needed.

Tiles of every registered feature around the city map (the feature named by the room settings'
``wall_center``, built from the registry like the main window builds its panels, so this package
imports no other feature); pages rotate on a timer when there are more tiles than places; the
last figures stay up with "no connection since HH:MM" when the server does not answer."""

from __future__ import annotations

import logging

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from widgets.common.palette import STATE_COLORS, THEMES
from widgets.common.protocols import PanelContext
from widgets.room.board import TileBoard, all_tiles, key_of
from widgets.room.tile import TileWidget

log = logging.getLogger(__name__)
C = THEMES["dark"]
# Places per page: three down each side of the map, four along the bottom.
SIDE, BOTTOM = 3, 4
PER_PAGE = 2 * SIDE + BOTTOM


class WallScreen(QWidget):
    page_changed = Signal(int)

    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.settings = ctx.settings.section("room")
        self.setObjectName("WallScreen")
        self.setWindowTitle(self.tr("Situation overview — Smart Kurchatov"))
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.setStyleSheet(f"#WallScreen {{ background: {C['bg']}; }}")
        self.tiles = all_tiles(ctx)
        self.board = TileBoard(ctx, self.tiles, refresh_seconds=self.settings.refresh_seconds, parent=self)
        self.widgets = {t.name: TileWidget(t, self) for t in self.tiles}
        for w in self.widgets.values():
            w.hide()
        self.page = 0
        self._paged_hidden = 0

        self.title = QLabel(self.tr("Situation Center · Kurchatov"))
        self.status = QLabel()
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clock = QLabel()
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.pages = QLabel()
        self.pages.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        top = QHBoxLayout()
        top.addWidget(self.title, 3)
        top.addWidget(self.status, 3)
        top.addWidget(self.pages, 1)
        top.addWidget(self.clock, 1)

        self.grid = QGridLayout()
        self.grid.setSpacing(14)
        self.center = self._build_center()
        self.grid.addWidget(self.center, 0, 1, SIDE, 2)
        for c, stretch in enumerate((1, 1, 1, 1)):
            self.grid.setColumnStretch(c, stretch)
        for r in range(SIDE + 1):
            self.grid.setRowStretch(r, 1)
        root = QVBoxLayout(self)
        root.setContentsMargins(18, 10, 18, 18)
        root.setSpacing(10)
        root.addLayout(top)
        root.addLayout(self.grid, 1)

        self.board.changed.connect(self._redraw)
        self.board.connection.connect(self._show_connection)
        self._rotate = QTimer(self)
        self._rotate.timeout.connect(self.next_page)
        self._rotate.start(int(self.settings.wall_page_seconds * 1000))
        self._tick = QTimer(self)
        self._tick.timeout.connect(self._show_clock)
        self._tick.start(1000)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._show_clock()
        self._show_connection(None)
        self.show_page(0)
        self.board.refresh()
        # The map draws incidents from the one gateway; on a wall without the queue nobody else loads them.
        ctx.incidents.refresh()

    # ----------------------------------------------------------- composition
    def _build_center(self) -> QWidget:
        name = self.settings.wall_center
        spec = next((s for s in self.ctx.features if s.name == name and self.ctx.has_role(s.min_role)), None)
        if spec is not None:
            try:
                widget = spec.build(self.ctx)
                widget.setObjectName(f"wall_{spec.name}")
                return widget
            except Exception as exc:  # the figures still matter without the map
                log.exception("the wall's %s failed to start", name)
                self.ctx.errors.report(self.tr("Situation overview"), exc)
        label = QLabel(self.tr("No map"))
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet(f"color: {C['text_dim']}; font-size: 28px;")
        return label

    def shown_tiles(self) -> list:
        """The tiles with figures to show: not those of endpoints this user may not read."""
        return [t for t in self.tiles if key_of(t) not in self.board.hidden]

    def page_count(self) -> int:
        return max(1, -(-len(self.shown_tiles()) // PER_PAGE))

    def show_page(self, page: int) -> None:
        self.page = page % self.page_count()
        for w in self.widgets.values():
            self.grid.removeWidget(w)
            w.hide()
        self._paged_hidden = len(self.board.hidden)
        chunk = self.shown_tiles()[self.page * PER_PAGE:(self.page + 1) * PER_PAGE]
        places = [(r, 0) for r in range(SIDE)] + [(r, 3) for r in range(SIDE)] + [(SIDE, c) for c in range(BOTTOM)]
        for tile, (r, c) in zip(chunk, places):
            w = self.widgets[tile.name]
            self.grid.addWidget(w, r, c)
            w.show()
        n = self.page_count()
        self.pages.setText(self.tr("page {0} of {1}").format(self.page + 1, n) if n > 1 else "")
        self._redraw()
        self.page_changed.emit(self.page)

    def keyPressEvent(self, event) -> None:
        """A wall has a keyboard at most: pages, the next screen, close."""
        K = Qt.Key
        action = {K.Key_Right: self.next_page, K.Key_Space: self.next_page, K.Key_PageDown: self.next_page,
                  K.Key_Left: self.previous_page, K.Key_PageUp: self.previous_page, K.Key_Escape: self.close,
                  K.Key_S: self.move_to_next_screen}.get(Qt.Key(event.key()))
        if action is None:
            super().keyPressEvent(event)
        else:
            action()

    def next_page(self) -> None:
        self.show_page(self.page + 1)

    def previous_page(self) -> None:
        self.show_page(self.page - 1)

    # ----------------------------------------------------------- figures
    def _redraw(self) -> None:
        if len(self.board.hidden) != self._paged_hidden:
            self.show_page(self.page)  # an endpoint turned out to be closed to this user: close the gap
            return
        stale = self.board.offline_since is not None
        for tile in self.tiles:
            w = self.widgets[tile.name]
            key = key_of(tile)
            if key not in self.board.hidden:
                w.show_data(self.board.data.get(key), stale=stale)

    def _show_clock(self) -> None:
        self.clock.setText(QDateTime.currentDateTime().toString("HH:mm"))

    def _show_connection(self, since) -> None:
        if since is None:
            self.status.setText("")
            self.status.setStyleSheet("")
        else:
            self.status.setText(self.tr("No connection since {0}").format(since.strftime("%H:%M")))
            self.status.setStyleSheet(f"color: #1a1a1a; background: {STATE_COLORS['warning']}; border-radius: 6px;"
                                      f"font-size: 30px; font-weight: bold; padding: 4px 18px;")

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        px = max(18, self.height() // 30)
        self.title.setStyleSheet(f"color: {C['text']}; font-size: {px}px; font-weight: bold;")
        self.clock.setStyleSheet(f"color: {C['text']}; font-size: {int(px * 1.3)}px; font-weight: bold;")
        self.pages.setStyleSheet(f"color: {C['text_dim']}; font-size: {int(px * 0.7)}px;")

    # ----------------------------------------------------------- screens
    def show_on(self, screen) -> None:
        """Full screen on that screen; the screen is remembered for next time."""
        if self.isVisible():
            self.showNormal()
        self.setScreen(screen)
        self.setGeometry(screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.settings.wall_screen = screen.name()
        screens = QGuiApplication.screens()
        self.settings.wall_screen_index = screens.index(screen) if screen in screens else -1
        self.ctx.settings.save()

    def move_to_next_screen(self) -> None:
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            here = screens.index(self.screen()) if self.screen() in screens else 0
            self.show_on(screens[(here + 1) % len(screens)])

    def closeEvent(self, event) -> None:
        self.board.stop()
        self._rotate.stop()
        self._tick.stop()
        closer = getattr(self.center, "shutdown", None)
        if closer:
            try:
                closer()
            except Exception:  # closing the wall must finish
                log.exception("the wall's centre did not shut down cleanly")
        super().closeEvent(event)


def wall_screen(settings, avoid=None):
    """The remembered screen if it is still there, else one that is not ``avoid`` (the operator's), else the primary.

    Screens are remembered by name, and by position among screens of the same name (separate X
    screens all call themselves "screen")."""
    screens = QGuiApplication.screens()
    named = [s for s in screens if settings.wall_screen and s.name() == settings.wall_screen]
    if len(named) == 1:
        return named[0]
    if named and 0 <= settings.wall_screen_index < len(screens) and screens[settings.wall_screen_index] in named:
        return screens[settings.wall_screen_index]
    others = [s for s in screens if s is not avoid]
    return others[0] if others else QGuiApplication.primaryScreen()


def open_wall(ctx: PanelContext, avoid=None) -> WallScreen:
    """The wall, full screen: where it was last, else off ``avoid`` (default: the primary screen, where
    the operator's desk usually is; with one screen it is that one)."""
    avoid = avoid if avoid is not None else QGuiApplication.primaryScreen()
    wall = WallScreen(ctx)
    wall.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wall.show_on(wall_screen(wall.settings, avoid))
    return wall
