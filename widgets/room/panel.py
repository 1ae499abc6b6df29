"""The room's dock: every feature's tiles in small, and the doors to the wall screen and the shift report."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QMenu, QWidget

from widgets.common.protocols import PanelContext
from widgets.room.board import TileBoard, all_tiles, key_of
from widgets.room.report_dialog import ShiftReportDialog
from widgets.room.tile import TileWidget
from widgets.room.wall import WallScreen, open_wall

ROWS = 2


class RoomPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = ctx.settings.section("room")
        self.tiles = all_tiles(ctx)
        self.board = TileBoard(ctx, self.tiles, refresh_seconds=self.settings.refresh_seconds, parent=self)
        self.widgets = {t.name: TileWidget(t, self) for t in self.tiles}
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 6, 6, 6)
        grid.setSpacing(6)
        cols = max(1, -(-len(self.tiles) // ROWS))
        for i, tile in enumerate(self.tiles):
            grid.addWidget(self.widgets[tile.name], i // cols, i % cols)
        self.wall: WallScreen | None = None
        self.window_ = None
        self.board.changed.connect(self._redraw)
        self.board.refresh()

    def _redraw(self) -> None:
        stale = self.board.offline_since is not None
        for tile in self.tiles:
            w = self.widgets[tile.name]
            w.setVisible(key_of(tile) not in self.board.hidden)
            w.show_data(self.board.data.get(key_of(tile)), stale=stale)

    # ----------------------------------------------------------- the window's actions
    def attach_window(self, window) -> None:
        self.window_ = window
        wall_action = window.actions.get("room.wall")
        if wall_action is not None:
            wall_action.toggled.connect(self.show_wall)
        report_action = window.actions.get("room.shift_report")
        if report_action is not None:
            report_action.setVisible(self.ctx.has_role("supervisor"))
            report_action.triggered.connect(self.open_shift_report)
            if self.ctx.has_role("supervisor"):
                bar = window.menuBar()
                menu = QMenu(self.tr("&Report"), window)
                menu.setObjectName("menu_report")
                menu.addAction(report_action)
                help_menu = bar.actions()[-1] if bar.actions() else None
                bar.insertMenu(help_menu, menu)

    def show_wall(self, on: bool = True) -> None:
        if on and self.wall is None:
            avoid = self.window_.screen() if self.window_ is not None else None
            self.wall = open_wall(self.ctx, avoid)
            self.wall.destroyed.connect(self._wall_closed)
        elif not on and self.wall is not None:
            self.wall.close()

    def _wall_closed(self) -> None:
        self.wall = None
        action = self.window_.actions.get("room.wall") if self.window_ is not None else None
        if action is not None and action.isChecked():
            action.blockSignals(True)
            action.setChecked(False)
            action.blockSignals(False)

    def open_shift_report(self) -> ShiftReportDialog:
        dialog = ShiftReportDialog(self.ctx, self.window_ or self)
        dialog.open()
        return dialog

    def shutdown(self) -> None:
        self.board.stop()
        if self.wall is not None:
            self.wall.close()
