"""The wall: tiles in a grid (1, 2×2, 3×3, 4×4, 1+5, 1+7), one camera filling it, a tour."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QStackedLayout, QWidget

from backend_client.schemas.cameras import GRID_KINDS, TILE_COUNT
from widgets.video.stream import snapshot_image
from widgets.video.tile import VideoTile

# grid kind → (cells per side, [(row, col, row span, col span) per tile])
GRID_CELLS: dict[str, tuple[int, list[tuple[int, int, int, int]]]] = {
    "1": (1, [(0, 0, 1, 1)]),
    "2x2": (2, [(r, c, 1, 1) for r in range(2) for c in range(2)]),
    "3x3": (3, [(r, c, 1, 1) for r in range(3) for c in range(3)]),
    "4x4": (4, [(r, c, 1, 1) for r in range(4) for c in range(4)]),
    "1+5": (3, [(0, 0, 2, 2), (0, 2, 1, 1), (1, 2, 1, 1), (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)]),
    "1+7": (4, [(0, 0, 3, 3), (0, 3, 1, 1), (1, 3, 1, 1), (2, 3, 1, 1),
                (3, 0, 1, 1), (3, 1, 1, 1), (3, 2, 1, 1), (3, 3, 1, 1)]),
}
MAX_TILES = max(TILE_COUNT.values())
assert set(GRID_CELLS) == set(GRID_KINDS)


class _Relay(QObject):
    done = Signal(object, object)  # callback, result


class VideoWall(QWidget):
    """Tiles use the cameras' sub streams; a double-click fills the wall with the main stream."""

    assignments_changed = Signal()
    tile_state_changed = Signal(int, str)      # camera id, tile status
    solo_changed = Signal(object)              # camera id or None
    snapshot_saved = Signal(str)               # path
    snapshot_failed = Signal(str)              # message

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoWall")
        self.cameras: dict[int, object] = {}   # id → CameraOut-like (.name, .main_url, .sub_url, .enabled)
        self.grid_kind = "2x2"
        self._assigned: list[int | None] = [None] * MAX_TILES
        self.tiles = [self._make_tile(i) for i in range(MAX_TILES)]
        self.solo_tile = self._make_tile(-1)
        self.solo_camera: int | None = None
        self.selected = 0
        self._grid_host = QWidget(self)
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(2)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._grid_host)
        self._stack.addWidget(self.solo_tile)
        self._tour_timer = QTimer(self, timeout=self._tour_step)
        self._tour_ids: list[int] = []
        self._tour_offset = 0
        self._before_tour: list[int | None] | None = None
        self._relay = _Relay(self)
        self._relay.done.connect(lambda cb, res: cb(res))
        self.set_grid("2x2")

    def _make_tile(self, index: int) -> VideoTile:
        tile = VideoTile(None, index)
        tile.double_clicked.connect(self._on_double_click)
        tile.camera_dropped.connect(lambda t, cid: self.assign(t.index, cid) if t.index >= 0 else None)
        tile.state_changed.connect(lambda t, s: self.tile_state_changed.emit(t.camera_id, s) if t.camera_id else None)
        tile.clicked.connect(lambda t: self.select(t.index) if t.index >= 0 else None)
        return tile

    # ------------------------------------------------------------- cameras and layout

    def set_cameras(self, cameras) -> None:
        """The registry changed: refresh titles, restart tiles whose URLs changed, clear deleted ones."""
        self.cameras = {c.id: c for c in cameras}
        for i in range(self.tile_count):
            self._apply(i)
        if self.solo_camera is not None and self.solo_camera not in self.cameras:
            self.leave_solo()

    @property
    def tile_count(self) -> int:
        return TILE_COUNT[self.grid_kind]

    def active_tiles(self) -> list[VideoTile]:
        return self.tiles[: self.tile_count]

    def set_grid(self, kind: str) -> None:
        if kind not in GRID_CELLS:
            raise ValueError(kind)
        self.grid_kind = kind
        side, cells = GRID_CELLS[kind]
        while self._grid.count():
            self._grid.takeAt(0)
        for i, tile in enumerate(self.tiles):
            if i < len(cells):
                r, c, rs, cs = cells[i]
                self._grid.addWidget(tile, r, c, rs, cs)
                tile.setParent(self._grid_host)
                tile.show()
            else:
                tile.stop()
                tile.hide()
        for k in range(4):
            self._grid.setRowStretch(k, 1 if k < side else 0)
            self._grid.setColumnStretch(k, 1 if k < side else 0)
        if self.solo_camera is None:
            for i in range(len(cells)):
                self._apply(i)
        self.select(min(self.selected, len(cells) - 1))
        self.assignments_changed.emit()

    def assignments(self) -> list[int | None]:
        return list(self._assigned[: self.tile_count])

    def set_assignments(self, ids: list[int | None], grid: str | None = None) -> None:
        ids = list(ids)[:MAX_TILES]
        self._assigned = ids + [None] * (MAX_TILES - len(ids))
        if grid:
            self.set_grid(grid)
        else:
            for i in range(self.tile_count):
                self._apply(i)
            self.assignments_changed.emit()

    def assign(self, index: int, camera_id: int | None) -> None:
        if not 0 <= index < self.tile_count:
            return
        self._assigned[index] = camera_id
        self._apply(index)
        self.select(index)
        self.assignments_changed.emit()

    def show_camera(self, camera_id: int) -> None:
        """Put a camera on the wall (a request from the map or the list): the first empty tile, else the selected one."""
        if camera_id in self.assignments():
            self.select(self.assignments().index(camera_id))
            return
        empty = [i for i, c in enumerate(self.assignments()) if c is None]
        self.assign(empty[0] if empty else self.selected, camera_id)

    def _apply(self, index: int) -> None:
        tile = self.tiles[index]
        cam = self.cameras.get(self._assigned[index]) if self._assigned[index] is not None else None
        if self.solo_camera is not None:
            return  # grid tiles sleep while one camera fills the wall
        if cam is None or not getattr(cam, "enabled", True):
            if self._assigned[index] is not None and self.cameras and cam is None:
                self._assigned[index] = None  # the camera was deleted
            if tile.url or tile.camera_id is not None:
                tile.set_stream(None)
            if cam is not None:
                tile.title = cam.name
            return
        url = cam.sub_url or cam.main_url
        if tile.url != url or tile.camera_id != cam.id:
            tile.set_stream(url, cam.name, cam.id)
        else:
            tile.title = cam.name
            tile.update()

    def select(self, index: int) -> None:
        self.selected = max(0, index)
        for t in self.tiles:
            t.selected = t.index == self.selected
            t.update()

    # ------------------------------------------------------------- one camera fills the wall

    def _on_double_click(self, tile: VideoTile) -> None:
        if tile is self.solo_tile:
            self.leave_solo()
        elif tile.camera_id is not None:
            self.enter_solo(tile.camera_id)

    def enter_solo(self, camera_id: int) -> None:
        cam = self.cameras.get(camera_id)
        if cam is None:
            return
        self.solo_camera = camera_id
        for t in self.active_tiles():
            t.stop()  # one decoder at full size instead of sixteen small ones
        self.solo_tile.set_stream(cam.main_url or cam.sub_url, cam.name, cam.id)
        self._stack.setCurrentWidget(self.solo_tile)
        self.solo_changed.emit(camera_id)

    def leave_solo(self) -> None:
        if self.solo_camera is None:
            return
        self.solo_camera = None
        self.solo_tile.stop()
        self._stack.setCurrentWidget(self._grid_host)
        for i in range(self.tile_count):
            self._apply(i)
        self.solo_changed.emit(None)

    # ------------------------------------------------------------- tour

    def start_tour(self, camera_ids: list[int], seconds: float = 10.0) -> None:
        """Cycle the given cameras through the tiles, a wall-full at a time."""
        if not camera_ids:
            return
        if self._before_tour is None:
            self._before_tour = self.assignments()
        self._tour_ids, self._tour_offset = list(camera_ids), 0
        self._tour_step()
        self._tour_timer.start(int(seconds * 1000))

    def stop_tour(self) -> None:
        self._tour_timer.stop()
        if self._before_tour is not None:
            before, self._before_tour = self._before_tour, None
            self.set_assignments(before)

    @property
    def touring(self) -> bool:
        return self._tour_timer.isActive()

    def _tour_step(self) -> None:
        ids, n = self._tour_ids, self.tile_count
        if not ids:
            return
        page = [ids[(self._tour_offset + k) % len(ids)] for k in range(min(n, len(ids)))]
        self._tour_offset = (self._tour_offset + n) % len(ids)
        self.set_assignments(page + [None] * (n - len(page)))

    # ------------------------------------------------------------- snapshot

    def current_tile(self) -> VideoTile:
        return self.solo_tile if self.solo_camera is not None else self.tiles[self.selected]

    def snapshot(self, tile: VideoTile, path: str | Path, run: Callable | None = None) -> bool:
        """Save the tile's newest frame at full size (off the GUI thread). False when there is no picture."""
        pic = tile.picture
        if pic is None:
            return False
        target = str(path)

        def work():
            img = snapshot_image(pic)
            if not img.save(target):
                raise OSError(f"cannot write {target}")
            return target

        def done(result):
            self.snapshot_saved.emit(result)

        def failed(exc):
            self.snapshot_failed.emit(str(exc))

        if run is not None:
            run(work, on_done=done, on_error=failed)
        else:
            def thread():
                try:
                    self._relay.done.emit(done, work())
                except Exception as exc:  # reported to the operator through snapshot_failed
                    self._relay.done.emit(failed, exc)
            threading.Thread(target=thread, daemon=True, name="snapshot").start()
        return True

    def stop_all(self) -> None:
        self._tour_timer.stop()
        for t in self.tiles:
            t.stop()
        self.solo_tile.stop()

    def closeEvent(self, event) -> None:
        self.stop_all()
        super().closeEvent(event)
