"""The archive timeline: recorded ranges, gaps, motion and bookmarks; zooms from minutes to days."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.common.palette import THEMES

MIN_SPAN = 120.0              # 2 minutes
LANE = 34                     # pixels per camera lane
MAX_SPAN = 8 * 86400.0        # 8 days
TICKS = (1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400)
C = THEMES["dark"]
COL_RANGE = QColor("#2f7d5b")
COL_GAP = QColor("#3a2226")
COL_MOTION = QColor("#f5a524")
COL_LOST = QColor("#e5484d")
COL_TAMPER = QColor("#c94fd6")
COL_BOOKMARK = QColor("#3e9eff")
COL_CURSOR = QColor("#ffffff")
COL_LOCK = QColor("#8b8d98")


@dataclass
class Lane:
    """What the timeline draws for one camera (times in epoch seconds)."""

    camera_id: int
    name: str
    ranges: list[tuple[float, float]] = field(default_factory=list)
    events: list[tuple[str, float, float]] = field(default_factory=list)     # kind, start, end
    bookmarks: list[tuple[float, str]] = field(default_factory=list)
    locks: list[tuple[float, float]] = field(default_factory=list)


def local(t: float) -> datetime:
    return datetime.fromtimestamp(t, timezone.utc).astimezone()


class TimelineWidget(QWidget):
    seek_requested = Signal(float)     # epoch seconds; emitted on click and while dragging
    view_changed = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(96)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.lanes: list[Lane] = []
        self.position = 0.0
        self.view_start, self.view_end = 0.0, 3600.0
        self._dragging = False
        self._hover: float | None = None

    # ----------------------------------------------------------- model
    def set_lanes(self, lanes: list[Lane]) -> None:
        self.lanes = lanes
        self.setMinimumHeight(30 + LANE * max(1, len(lanes)))
        self.setFixedHeight(self.minimumHeight())
        self.update()

    def set_position(self, t: float) -> None:
        self.position = t
        if not self.view_start <= t <= self.view_end and not self._dragging:
            span = self.view_end - self.view_start
            self.set_view(t - span / 2, t + span / 2)
        self.update()

    def set_view(self, start: float, end: float) -> None:
        span = min(MAX_SPAN, max(MIN_SPAN, end - start))
        mid = (start + end) / 2
        self.view_start, self.view_end = mid - span / 2, mid + span / 2
        self.view_changed.emit(self.view_start, self.view_end)
        self.update()

    def zoom(self, factor: float, around: float | None = None) -> None:
        around = self.position if around is None else around
        span = min(MAX_SPAN, max(MIN_SPAN, (self.view_end - self.view_start) * factor))
        frac = (around - self.view_start) / max(1e-9, self.view_end - self.view_start)
        start = around - frac * span
        self.view_start, self.view_end = start, start + span
        self.view_changed.emit(self.view_start, self.view_end)
        self.update()

    # ----------------------------------------------------------- geometry
    def _x(self, t: float) -> float:
        return (t - self.view_start) / (self.view_end - self.view_start) * self.width()

    def time_at(self, x: float) -> float:
        return self.view_start + x / max(1, self.width()) * (self.view_end - self.view_start)

    # ----------------------------------------------------------- input
    def mousePressEvent(self, e) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self._seek(e.position().x())

    def mouseMoveEvent(self, e) -> None:
        self._hover = self.time_at(e.position().x())
        if self._dragging:
            self._seek(e.position().x())
        self.update()

    def mouseReleaseEvent(self, e) -> None:
        self._dragging = False

    def leaveEvent(self, e) -> None:
        self._hover = None
        self.update()

    def wheelEvent(self, e) -> None:
        steps = e.angleDelta().y() / 120
        self.zoom(0.8 ** steps, self.time_at(e.position().x()))

    def _seek(self, x: float) -> None:
        t = self.time_at(max(0.0, min(float(self.width()), x)))
        self.position = t
        self.seek_requested.emit(t)
        self.update()

    # ----------------------------------------------------------- painting
    def _tick(self) -> float:
        span = self.view_end - self.view_start
        want = span / max(1, self.width() / 90)
        return next((t for t in TICKS if t >= want), 86400 * math.ceil(want / 86400))

    def _label(self, t: float, step: float) -> str:
        d = local(t)
        if step >= 86400 or (d.hour == 0 and d.minute == 0 and d.second == 0 and step >= 3600):
            return d.strftime("%d.%m")
        return d.strftime("%H:%M:%S" if step < 60 else "%H:%M")

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), QColor(C["bg_alt"]))
        font = QFont(self.font())
        font.setPointSizeF(8.5)
        p.setFont(font)
        # ticks
        step = self._tick()
        offset = local(self.view_start).utcoffset().total_seconds()
        first = math.floor((self.view_start + offset) / step) * step - offset
        t = first
        p.setPen(QPen(QColor(C["border"]), 1))
        while t <= self.view_end:
            x = self._x(t)
            p.setPen(QPen(QColor(C["border"]), 1))
            p.drawLine(QPointF(x, 16), QPointF(x, h))
            p.setPen(QColor(C["text_dim"]))
            p.drawText(QRectF(x + 3, 1, 80, 14), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       self._label(t, step))
            t += step
        # lanes
        top = 22
        for lane in self.lanes:
            self._paint_lane(p, lane, QRectF(0, top, w, LANE - 6))
            top += LANE
        # hover and cursor
        if self._hover is not None:
            x = self._x(self._hover)
            p.setPen(QPen(QColor(255, 255, 255, 60), 1))
            p.drawLine(QPointF(x, 16), QPointF(x, h))
        x = self._x(self.position)
        p.setPen(QPen(COL_CURSOR, 2))
        p.drawLine(QPointF(x, 14), QPointF(x, h))
        tri = QPainterPath()
        tri.moveTo(x - 6, 12)
        tri.lineTo(x + 6, 12)
        tri.lineTo(x, 19)
        tri.closeSubpath()
        p.fillPath(tri, COL_CURSOR)
        p.end()

    def _paint_lane(self, p: QPainter, lane: Lane, r: QRectF) -> None:
        p.fillRect(r, COL_GAP)               # what is not recorded shows as a gap
        for a, b in lane.ranges:
            if b < self.view_start or a > self.view_end:
                continue
            x1, x2 = self._x(a), self._x(b)
            p.fillRect(QRectF(x1, r.top() + 3, max(1.0, x2 - x1), r.height() - 6), COL_RANGE)
        for a, b in lane.locks:
            x1, x2 = self._x(a), self._x(b)
            p.setPen(QPen(COL_LOCK, 1, Qt.PenStyle.DashLine))
            p.drawRect(QRectF(x1, r.top() + 1, max(2.0, x2 - x1), r.height() - 2))
        for kind, a, b in lane.events:
            if b < self.view_start or a > self.view_end:
                continue
            color = {"motion": COL_MOTION, "lost_signal": COL_LOST, "tamper": COL_TAMPER}.get(kind, COL_MOTION)
            x1, x2 = self._x(a), self._x(b)
            if kind == "motion":
                p.fillRect(QRectF(x1, r.bottom() - 9, max(2.0, x2 - x1), 7), color)
            else:
                p.fillRect(QRectF(x1, r.top(), max(2.0, x2 - x1), 4), color)
        p.setPen(QColor(C["text"]))
        name_rect = QRectF(r.left() + 6, r.top(), r.width() - 12, r.height() - 8)
        p.drawText(name_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, lane.name)
        for t, note in lane.bookmarks:
            if not self.view_start <= t <= self.view_end:
                continue
            x = self._x(t)
            flag = QPainterPath()
            flag.moveTo(x, r.top() - 2)
            flag.lineTo(x + 11, r.top() + 3)
            flag.lineTo(x, r.top() + 8)
            flag.closeSubpath()
            p.setPen(QPen(COL_BOOKMARK, 2))
            p.drawLine(QPointF(x, r.top() - 2), QPointF(x, r.bottom()))
            p.fillPath(flag, COL_BOOKMARK)
            if note:
                label = QRectF(x + 13, r.top() - 3, 160, 13)
                p.setPen(COL_BOOKMARK.lighter(140))
                p.drawText(label, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, note)

    # ----------------------------------------------------------- queries
    def events_sorted(self) -> list[float]:
        return sorted({e[1] for lane in self.lanes for e in lane.events} | {b[0] for lane in self.lanes for b in lane.bookmarks})
