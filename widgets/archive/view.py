"""One camera's picture in the player, painted with QPainter.drawImage (no widget per frame)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.archive.timeline import local


class VideoView(QWidget):
    shown = Signal(float)   # the time of the frame just painted

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.image: QImage | None = None
        self.frame_time: float | None = None
        self.title = ""
        self.message = ""
        self.selected = False

    resized = Signal(int, int)

    def resizeEvent(self, e) -> None:
        super().resizeEvent(e)
        self.resized.emit(self.width(), self.height())

    def show_frame(self, t: float, image: QImage) -> None:
        self.image, self.frame_time, self.message = image, t, ""
        self.repaint() if self.isVisible() else None
        self.shown.emit(t)

    def show_message(self, text: str) -> None:
        self.message = text
        self.update()

    def clear(self) -> None:
        self.image, self.frame_time, self.message = None, None, ""
        self.update()

    def paintEvent(self, _e) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#0b0c0f"))
        if self.image is not None:
            iw, ih = self.image.width(), self.image.height()
            scale = min(self.width() / iw, self.height() / ih)
            w, h = iw * scale, ih * scale
            target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
            if abs(scale - 1.0) < 0.02:      # scaled by the decoder already: a plain copy
                p.drawImage(int(target.left()), int(target.top()), self.image)
            else:
                p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                p.drawImage(target, self.image)
            if self.message:
                p.fillRect(target, QColor(0, 0, 0, 150))
        font = QFont(self.font())
        font.setPointSizeF(9)
        p.setFont(font)
        band = QRectF(0, 0, self.width(), 22)
        p.fillRect(band, QColor(0, 0, 0, 140))
        p.setPen(QColor("#e3e6eb"))
        p.drawText(band.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.title)
        if self.frame_time is not None:
            p.drawText(band.adjusted(8, 0, -8, 0), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       local(self.frame_time).strftime("%d.%m.%Y %H:%M:%S.") + f"{int(self.frame_time * 1000) % 1000:03d}")
        if self.message:
            p.setPen(QColor("#9aa2b1"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
        if self.selected:
            p.setPen(QColor("#3e9eff"))
            p.drawRect(self.rect().adjusted(0, 0, -1, -1))
        p.end()
