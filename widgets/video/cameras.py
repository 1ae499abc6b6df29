"""The camera list: a model of the registry with online state, filtered by name and area."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

from PySide6.QtCore import (QAbstractTableModel, QByteArray, QMimeData, QModelIndex, QObject,
                            QSortFilterProxyModel, Qt, Signal)
from PySide6.QtGui import QColor

from widgets.common.palette import STATE_COLORS
from widgets.video.tile import CAMERA_MIME

STATE_COLOUR = {"online": STATE_COLORS["ok"], "offline": STATE_COLORS["alarm"],
                "unknown": STATE_COLORS["offline"], "disabled": STATE_COLORS["offline"]}


class CameraListModel(QAbstractTableModel):
    """Rows are cameras; state comes from the wall's tiles when shown there, else from the prober."""

    NAME, AREA, STATE = range(3)
    IdRole = Qt.ItemDataRole.UserRole + 1
    AreaRole = Qt.ItemDataRole.UserRole + 2
    StateRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cameras: list = []
        self.probed: dict[int, bool] = {}
        self.live: dict[int, str] = {}  # camera id → tile status while on the wall

    def set_cameras(self, cameras) -> None:
        self.beginResetModel()
        self.cameras = sorted(cameras, key=lambda c: (c.area, c.name))
        self.endResetModel()

    def areas(self) -> list[str]:
        return sorted({c.area for c in self.cameras if c.area})

    def state(self, cam) -> str:
        if not cam.enabled:
            return "disabled"
        tile = self.live.get(cam.id)
        if tile == "live":
            return "online"
        if tile in ("no_signal", "error"):
            return "offline"
        if cam.id in self.probed:
            return "online" if self.probed[cam.id] else "offline"
        return "unknown"

    def set_probed(self, results: dict[int, bool]) -> None:
        self.probed.update(results)
        self._state_changed()

    def set_tile_state(self, camera_id: int, status: str) -> None:
        if status in ("empty", "connecting"):
            self.live.pop(camera_id, None)
        else:
            self.live[camera_id] = status
        self._state_changed()

    def _state_changed(self) -> None:
        if self.cameras:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.cameras) - 1, self.STATE))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.cameras)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Camera"), self.tr("Area"), self.tr("State"))[section]
        return None

    def state_text(self, state: str) -> str:
        return {"online": self.tr("online"), "offline": self.tr("offline"), "unknown": self.tr("checking…"),
                "disabled": self.tr("disabled")}[state]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        cam = self.cameras[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (cam.name, cam.area, self.state_text(self.state(cam)))[col]
        if role == Qt.ItemDataRole.DecorationRole and col == self.NAME:
            return QColor(STATE_COLOUR[self.state(cam)])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{cam.name}\n{cam.address}\n{self.state_text(self.state(cam))}"
        if role == self.IdRole:
            return cam.id
        if role == self.AreaRole:
            return cam.area
        if role == self.StateRole:
            return self.state(cam)
        return None

    def flags(self, index):
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME]

    def mimeData(self, indexes) -> QMimeData:
        ids = sorted({self.cameras[i.row()].id for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(CAMERA_MIME, QByteArray(",".join(map(str, ids)).encode()))
        mime.setText(",".join(map(str, ids)))
        return mime


class CameraFilter(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text, self.area = "", ""
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_area(self, area: str) -> None:
        self.beginFilterChange()
        self.area = area
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:
        cam = self.sourceModel().cameras[row]
        if self.area and cam.area != self.area:
            return False
        return not self.text or self.text in cam.name.casefold() or self.text in cam.address.casefold()


class CameraProber(QObject):
    """Checks, off the GUI thread, that each camera's host accepts connections (cheap: TCP only)."""

    results = Signal(object)  # {camera id: reachable}

    def __init__(self, interval: float = 20.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval = interval
        self._targets: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def set_cameras(self, cameras) -> None:
        targets = {}
        for c in cameras:
            try:
                parts = urlsplit(c.sub_url or c.main_url)
                port = parts.port or {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}.get(parts.scheme, 80)
                if parts.hostname:
                    targets[c.id] = (parts.hostname, port)
            except ValueError:
                continue
        self._targets = targets
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, daemon=True, name="camera-prober")
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            found = {}
            for cid, (host, port) in list(self._targets.items()):
                if self._stop.is_set():
                    return
                try:
                    with socket.create_connection((host, port), timeout=1.5):
                        found[cid] = True
                except OSError:
                    found[cid] = False
            if not self._stop.is_set():
                self.results.emit(found)
            self._wake.wait(self.interval)
            self._wake.clear()
