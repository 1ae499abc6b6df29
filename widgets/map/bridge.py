"""The object the page sees as `scBridge` over QWebChannel: one signal in, slots out."""
from __future__ import annotations

import json

from PySide6.QtCore import QObject, Signal, Slot


class MapBridge(QObject):
    # Python → page: one JSON message {"seq": n, "ops": [...]} per batch.
    batch = Signal(str)

    # page → Python, re-emitted as plain Qt signals for the panel.
    page_ready = Signal()
    applied = Signal(int, float)                           # seq, ms the page spent applying
    incident_clicked = Signal(int)
    item_clicked = Signal(str, str)                        # layer, id
    context_menu = Signal(float, float, int, int, str, str)  # lat, lon, x, y, kind, id
    area_drawn = Signal(object)                            # list of [lat, lon] or None
    item_drag_started = Signal(str, str)                   # layer, id
    view_changed = Signal(float, float, int)
    draw_cancelled = Signal()
    page_error = Signal(str)

    @Slot()
    def pageReady(self) -> None:  # noqa: N802 - names the page calls
        self.page_ready.emit()

    @Slot(int, float)
    def batchApplied(self, seq: int, ms: float) -> None:
        self.applied.emit(seq, ms)

    @Slot(int)
    def incidentClicked(self, incident_id: int) -> None:  # noqa: N802
        self.incident_clicked.emit(incident_id)

    @Slot(str, str)
    def itemClicked(self, layer: str, item_id: str) -> None:  # noqa: N802
        self.item_clicked.emit(layer, item_id)

    @Slot(float, float, int, int, str, str)
    def contextMenu(self, lat: float, lon: float, x: int, y: int, kind: str, item_id: str) -> None:  # noqa: N802
        self.context_menu.emit(lat, lon, x, y, kind, item_id)

    @Slot(str)
    def areaDrawn(self, polygon_json: str) -> None:  # noqa: N802
        polygon = json.loads(polygon_json) if polygon_json else None
        self.area_drawn.emit([[float(a), float(b)] for a, b in polygon] if polygon else None)

    @Slot(str, str)
    def itemDragStarted(self, layer: str, item_id: str) -> None:  # noqa: N802
        self.item_drag_started.emit(layer, item_id)

    @Slot(float, float, int)
    def viewChanged(self, lat: float, lon: float, zoom: int) -> None:  # noqa: N802
        self.view_changed.emit(lat, lon, zoom)

    @Slot()
    def drawCancelled(self) -> None:  # noqa: N802
        self.draw_cancelled.emit()

    @Slot(str)
    def pageError(self, text: str) -> None:  # noqa: N802
        self.page_error.emit(text)
