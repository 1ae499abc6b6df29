"""The video wall panel: camera list, the wall, saved layouts, tour, snapshot, detach."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMenu, QPushButton, QSpinBox,
                               QSplitter, QTableView, QToolButton, QVBoxLayout, QWidget)

from backend_client.cameras import CamerasApi
from backend_client.errors import ApiError, ConnectionLost
from backend_client.schemas.cameras import GRID_KINDS
from widgets.common.protocols import PanelContext
from widgets.video.feature import VideoWallSettings
from widgets.video.cameras import CameraFilter, CameraListModel, CameraProber
from widgets.video.wall import VideoWall

GRID_LABELS = {"1": "1", "2x2": "2×2", "3x3": "3×3", "4x4": "4×4", "1+5": "1+5", "1+7": "1+7"}


def snapshot_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation) or str(Path.home())
    return Path(base) / "Situation Center"


class SaveLayoutDialog(QDialog):
    def __init__(self, name: str, shared: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Save wall layout"))
        form = QFormLayout(self)
        self.name = QLineEdit(name)
        self.shared = QCheckBox(self.tr("Share with all operators"))
        self.shared.setChecked(shared)
        form.addRow(self.tr("Name"), self.name)
        form.addRow("", self.shared)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class WallWindow(QWidget):
    """The wall on its own (a second monitor); closing it docks the wall back."""

    def __init__(self, panel: "VideoWallPanel") -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.panel = panel
        self.setWindowTitle(self.tr("Video wall"))
        QVBoxLayout(self).setContentsMargins(0, 0, 0, 0)

    def closeEvent(self, event) -> None:
        self.panel.attach_wall()
        super().closeEvent(event)


class VideoWallPanel(QWidget):
    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoWallPanel")
        self.ctx = ctx
        self.api = ctx.service(CamerasApi)
        self.layouts: list = []
        self._first_layout_done = False
        self.wall = VideoWall()
        self.model = CameraListModel(self)
        self.proxy = CameraFilter(self)
        self.proxy.setSourceModel(self.model)
        self.prober = CameraProber(parent=self)
        self.prober.results.connect(self.model.set_probed)
        self.window_: WallWindow | None = None
        self.tile_menu: QMenu | None = None           # while a tile's context menu is open
        self._archive_action = None
        self._build()
        self.wall.tile_state_changed.connect(self.model.set_tile_state)
        self.wall.snapshot_saved.connect(lambda p: self._status(self.tr("Snapshot saved: {0}").format(p)))
        self.wall.snapshot_failed.connect(lambda m: self._status(self.tr("Snapshot failed: {0}").format(m)))
        self.wall.solo_changed.connect(self._on_solo)
        for tile in [*self.wall.tiles, self.wall.solo_tile]:
            tile.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            tile.customContextMenuRequested.connect(lambda pos, t=tile: self._tile_menu(t, pos))
        self._reload_timer = QTimer(self, singleShot=True, interval=300, timeout=self.reload)
        ctx.events.subscribe("camera.", self._on_event)
        ctx.bus.camera_open_requested.connect(self.wall.show_camera)
        self.prober.start()
        self.set_layouts([])
        self.reload()

    # ------------------------------------------------------------- UI

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 4)
        self.grid_box = QComboBox()
        for kind in GRID_KINDS:
            self.grid_box.addItem(GRID_LABELS[kind], kind)
        self.grid_box.setCurrentIndex(GRID_KINDS.index(self.wall.grid_kind))
        self.grid_box.setToolTip(self.tr("Wall layout"))
        self.grid_box.currentIndexChanged.connect(lambda _: self.wall.set_grid(self.grid_box.currentData()))
        self.layout_box = QComboBox()
        self.layout_box.setMinimumContentsLength(14)
        self.layout_box.setToolTip(self.tr("Saved layouts (yours and shared)"))
        self.layout_box.activated.connect(self._apply_saved)
        self.save_btn = QPushButton(self.tr("Save…"))
        self.save_btn.clicked.connect(self.save_layout)
        self.delete_btn = QPushButton(self.tr("Delete"))
        self.delete_btn.clicked.connect(self.delete_layout)
        self.tour_btn = QToolButton(text=self.tr("Tour"), checkable=True)
        self.tour_btn.setToolTip(self.tr("Cycle all cameras through the wall"))
        self.tour_btn.toggled.connect(self.set_tour)
        self.tour_secs = QSpinBox(minimum=3, maximum=600, value=10, suffix=self.tr(" s"))
        self.snap_btn = QPushButton(self.tr("Snapshot"))
        self.snap_btn.setToolTip(self.tr("Save the selected tile's picture to a file"))
        self.snap_btn.clicked.connect(lambda: self.snapshot())
        self.detach_btn = QToolButton(text=self.tr("Detach"), checkable=True)
        self.detach_btn.setToolTip(self.tr("Move the wall into its own window (for a second monitor)"))
        self.detach_btn.toggled.connect(lambda on: self.detach_wall() if on else self.attach_wall())
        for w in (QLabel(self.tr("Layout")), self.grid_box, self.layout_box, self.save_btn, self.delete_btn,
                  self.tour_btn, self.tour_secs, self.snap_btn, self.detach_btn):
            bar.addWidget(w)
        bar.addStretch(1)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(4, 0, 0, 4)
        self.filter_edit = QLineEdit(placeholderText=self.tr("Filter by name or address"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.set_text)
        self.area_box = QComboBox()
        self.area_box.addItem(self.tr("All areas"), "")
        self.area_box.currentIndexChanged.connect(lambda _: self.proxy.set_area(self.area_box.currentData() or ""))
        self.list_view = QTableView()
        self.list_view.setModel(self.proxy)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setDragEnabled(True)
        self.list_view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.list_view.verticalHeader().hide()
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list_view.setWordWrap(False)
        self.list_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list_view.setSortingEnabled(True)
        self.list_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._list_menu)
        self.list_view.doubleClicked.connect(
            lambda ix: self.wall.show_camera(ix.data(CameraListModel.IdRole)))
        self.list_message = QLabel()
        self.list_message.setWordWrap(True)
        self.list_message.hide()
        lv.addWidget(self.filter_edit)
        lv.addWidget(self.area_box)
        lv.addWidget(self.list_view, 1)
        lv.addWidget(self.list_message)

        self.wall_host = QWidget()
        self.wall_host_layout = QVBoxLayout(self.wall_host)
        self.wall_host_layout.setContentsMargins(0, 0, 0, 0)
        self.wall_host_layout.addWidget(self.wall)
        self.detached_note = QLabel(self.tr("The wall is in its own window. Close that window to bring it back."))
        self.detached_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detached_note.hide()
        self.wall_host_layout.addWidget(self.detached_note)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.wall_host)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 900])
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.addLayout(bar)
        root.addWidget(split, 1)

    def _status(self, text: str) -> None:
        self.ctx.bus.status_message.emit(text)

    # ------------------------------------------------------------- data

    def reload(self) -> None:
        self.ctx.tasks.run(self.api.list, on_done=self.set_cameras, on_error=self._load_failed, what="cameras")
        self.ctx.tasks.run(self.api.layouts, on_done=self.set_layouts, on_error=self._load_failed, what="layouts")

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ConnectionLost):
            text = self.tr("the server cannot be reached; the wall keeps showing the cameras it has")
        else:
            text = exc.message if isinstance(exc, ApiError) else str(exc)
        self.list_message.setText(self.tr("Cameras could not be loaded: {0}").format(text))
        self.list_message.show()

    def set_cameras(self, cameras) -> None:
        self.list_message.hide()
        self.model.set_cameras(cameras)
        self.wall.set_cameras(cameras)
        self.prober.set_cameras(cameras)
        current = self.area_box.currentData()
        self.area_box.blockSignals(True)
        self.area_box.clear()
        self.area_box.addItem(self.tr("All areas"), "")
        for area in self.model.areas():
            self.area_box.addItem(area, area)
        self.area_box.setCurrentIndex(max(0, self.area_box.findData(current)))
        self.area_box.blockSignals(False)

    def set_layouts(self, layouts) -> None:
        self.layouts = list(layouts)
        current = self.layout_box.currentData()
        self.layout_box.clear()
        self.layout_box.addItem(self.tr("— saved layouts —"), None)
        me = self.ctx.user.id if self.ctx.user else None
        for lay in self.layouts:
            label = lay.name if lay.owner_id == me else self.tr("{0} (shared by {1})").format(lay.name, lay.owner)
            if lay.owner_id == me and lay.shared:
                label = self.tr("{0} (shared)").format(lay.name)
            self.layout_box.addItem(label, lay.id)
        self.layout_box.setCurrentIndex(max(0, self.layout_box.findData(current)))
        if not self._first_layout_done and self.layouts and not any(self.wall.assignments()):
            # First load: the layout used last time, else the first shared one, so the wall
            # shows the city at once instead of empty tiles.
            self._first_layout_done = True
            wanted = self._layout(self._settings().layout)
            lay = wanted or next((x for x in self.layouts if x.shared), None)
            if lay is not None:
                self.layout_box.setCurrentIndex(self.layout_box.findData(lay.id))
                self._apply_saved()

    def _on_event(self, type_: str, data) -> None:
        self._reload_timer.start()  # a burst of changes costs one reload

    # ------------------------------------------------------------- layouts

    def _settings(self) -> VideoWallSettings:
        return self.ctx.settings.section("video_wall")

    def _list_menu(self, pos) -> None:
        index = self.list_view.indexAt(pos)
        if not index.isValid():
            return
        camera_id = index.data(CameraListModel.IdRole)
        menu = QMenu(self)
        menu.addAction(self.tr("Show on the wall"), lambda: self.wall.show_camera(camera_id))
        bus = self.ctx.bus
        if self.ctx.has_role("supervisor"):
            # "Now" opens the archive 5 minutes back.
            menu.addAction(self.tr("Open the archive (5 minutes back)"),
                           lambda: bus.archive_requested.emit(camera_id, datetime.now().astimezone().isoformat()))
        menu.exec(self.list_view.viewport().mapToGlobal(pos))

    def _layout(self, layout_id):
        return next((lay for lay in self.layouts if lay.id == layout_id), None)

    def _apply_saved(self, _row: int = 0) -> None:
        lay = self._layout(self.layout_box.currentData())
        if lay is None:
            return
        self.tour_btn.setChecked(False)
        self._settings().layout = lay.id  # saved with the window's settings on close
        self.wall.set_assignments(lay.tiles, grid=lay.grid)
        self.grid_box.blockSignals(True)
        self.grid_box.setCurrentIndex(GRID_KINDS.index(lay.grid))
        self.grid_box.blockSignals(False)

    def save_layout(self, name: str | None = None, shared: bool | None = None) -> None:
        """Save the wall as a named layout (asks for the name unless given); replaces your own of that name."""
        current = self._layout(self.layout_box.currentData())
        me = self.ctx.user.id if self.ctx.user else None
        if name is None:
            dlg = SaveLayoutDialog(current.name if current and current.owner_id == me else "",
                                   bool(current and current.shared), self)
            if dlg.exec() != QDialog.DialogCode.Accepted or not dlg.name.text().strip():
                return
            name, shared = dlg.name.text().strip(), dlg.shared.isChecked()
        existing = next((lay for lay in self.layouts if lay.name == name and lay.owner_id == me), None)
        tiles = self.wall.assignments()
        while tiles and tiles[-1] is None:
            tiles.pop()

        def saved(lay) -> None:
            self._status(self.tr("Layout “{0}” saved").format(lay.name))
            self.layouts = [x for x in self.layouts if x.id != lay.id] + [lay]
            self.set_layouts(sorted(self.layouts, key=lambda x: x.name))
            self.layout_box.setCurrentIndex(self.layout_box.findData(lay.id))

        self.ctx.tasks.run(self.api.save_layout, name=name, grid=self.wall.grid_kind, tiles=tiles,
                           shared=bool(shared), layout_id=existing.id if existing else None,
                           on_done=saved, what="save layout")

    def delete_layout(self) -> None:
        lay = self._layout(self.layout_box.currentData())
        if lay is None:
            return
        self.ctx.tasks.run(self.api.delete_layout, lay.id, what="delete layout",
                           on_done=lambda _: self.set_layouts([x for x in self.layouts if x.id != lay.id]))

    # ------------------------------------------------------------- tour, snapshot, detach

    def set_tour(self, on: bool) -> None:
        if on:
            ids = [c.id for c in self.model.cameras if c.enabled]
            self.wall.start_tour(ids, self.tour_secs.value())
        else:
            self.wall.stop_tour()
        if self.tour_btn.isChecked() != on:
            self.tour_btn.setChecked(on)

    def snapshot(self, tile=None, path: str | Path | None = None) -> bool:
        tile = tile or self.wall.current_tile()
        if tile.picture is None:
            self._status(self.tr("No picture to save on this tile"))
            return False
        if path is None:
            folder = snapshot_dir()
            folder.mkdir(parents=True, exist_ok=True)
            safe = re.sub(r"[^\w.-]+", "_", tile.title or "camera").strip("_")
            path = folder / f"{safe}_{datetime.now():%Y%m%d_%H%M%S}.png"
        return self.wall.snapshot(tile, path, run=self.ctx.tasks.run)

    def detach_wall(self) -> None:
        if self.window_ is not None:
            return
        self.window_ = WallWindow(self)
        self.wall_host_layout.removeWidget(self.wall)
        self.window_.layout().addWidget(self.wall)
        self.detached_note.show()
        self.window_.resize(1280, 760)
        self.window_.show()
        self.detach_btn.setChecked(True)

    def attach_wall(self) -> None:
        if self.window_ is None:
            return
        window, self.window_ = self.window_, None
        window.layout().removeWidget(self.wall)
        self.wall.setParent(self.wall_host)
        self.wall_host_layout.insertWidget(0, self.wall)
        self.wall.show()
        self.detached_note.hide()
        self.detach_btn.setChecked(False)
        window.hide()
        window.deleteLater()

    def _on_solo(self, camera_id) -> None:
        self.grid_box.setEnabled(camera_id is None)  # the grid comes back when the solo camera is left

    def _tile_menu(self, tile, pos) -> None:
        menu = QMenu(self)
        menu.addAction(self.tr("Snapshot"), lambda: self.snapshot(tile)).setEnabled(tile.picture is not None)
        if tile.zoom > 1.0:
            menu.addAction(self.tr("Reset zoom"), tile.reset_zoom)
        if tile.camera_id is not None:
            if tile.index >= 0:
                menu.addAction(self.tr("Fill the wall"), lambda: self.wall.enter_solo(tile.camera_id))
                menu.addAction(self.tr("Remove from the wall"), lambda: self.wall.assign(tile.index, None))
            else:
                menu.addAction(self.tr("Back to the wall"), self.wall.leave_solo)
            if self.ctx.has_role("supervisor"):
                action = menu.addAction(self.tr("Open the archive (5 minutes back)"), lambda: self.open_archive(tile))
                if self._archive_action is not None:  # the key that does the same without the menu
                    action.setShortcut(self._archive_action.shortcut())
        self.tile_menu = menu
        menu.exec(tile.mapToGlobal(pos))
        self.tile_menu = None

    def attach_window(self, window) -> None:
        action = window.actions.get("archive_at_tile")
        if action is None:
            return
        allowed = self.ctx.has_role("supervisor")   # the archive is the supervisors'
        action.setVisible(allowed)
        action.setEnabled(allowed)
        if allowed:
            self._archive_action = action
            action.triggered.connect(lambda: self.open_archive(self.wall.current_tile()))

    def open_archive(self, tile) -> bool:
        """The archive of the tile's camera, from 5 minutes back (the archive asks for the reason)."""
        if tile.camera_id is None:
            self._status(self.tr("No camera on the selected tile"))
            return False
        self.ctx.bus.archive_requested.emit(tile.camera_id, datetime.now().astimezone().isoformat())
        return True

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self.prober.stop()
        self.wall.stop_all()
        if self.window_ is not None:
            self.attach_wall()
