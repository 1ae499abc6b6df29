"""One tile of the wall: paints the newest frame of its stream and says honestly how live it is."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPoint, QPointF, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from widgets.common.palette import STATE_COLORS
from widgets.video.stream import Picture, StreamReader

CAMERA_MIME = "application/x-sc-camera-id"
NO_SIGNAL_AFTER = 2.0  # s without frames before the tile says so


class FramePump(QObject):
    """One timer for every tile: takes the newest frames at up to ~66 Hz and repaints those tiles.

    Polling beats a queued signal per frame: sixteen 25 fps streams would post 400 events
    and as many window flushes a second; a tick batches them into one paint pass.
    """

    INTERVAL_MS = 15
    _instance: "FramePump | None" = None

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.tiles: set = set()
        self.timer = QTimer(self, interval=self.INTERVAL_MS, timeout=self.tick)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)

    @classmethod
    def get(cls) -> "FramePump":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def add(self, tile: "VideoTile") -> None:
        self.tiles.add(tile)
        if not self.timer.isActive():
            self.timer.start()

    def remove(self, tile: "VideoTile") -> None:
        self.tiles.discard(tile)
        if not self.tiles:
            self.timer.stop()

    def tick(self) -> None:
        for tile in list(self.tiles):
            reader = tile.reader
            if reader is not None and reader.pending:
                tile._on_frame()


class VideoTile(QWidget):
    """Shows one camera; drop a camera on it, double-click it, wheel to zoom."""

    clicked = Signal(object)                  # self
    double_clicked = Signal(object)           # self
    camera_dropped = Signal(object, int)      # self, camera id
    state_changed = Signal(object, str)       # self, "live" | "connecting" | "no_signal" | "error" | "empty"

    def __init__(self, parent: QWidget | None = None, index: int = 0) -> None:
        super().__init__(parent)
        self.index = index
        self.setAcceptDrops(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(80, 45)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.camera_id: int | None = None
        self.title = ""
        self.url = ""
        self.reader: StreamReader | None = None
        self.picture: Picture | None = None
        self.last_frame_at: float | None = None
        self.shown = 0
        self.zoom = 1.0
        self.zoom_center = QPointF(0.5, 0.5)  # in picture fractions
        self.selected = False
        self._status = "empty"
        self._colors = STATE_COLORS
        self._layout_cache: tuple | None = None   # ((picture w, h, tile w, h, dpr), (where, bars))
        self._title_img: QImage | None = None
        self._title_for: tuple = ()
        self._stamp: tuple | None = None          # ((second, live, zoom), image, position)
        self._dpr = 1.0
        self._watch = QTimer(self, interval=250, timeout=self._check_signal)

    # ------------------------------------------------------------- what it shows

    def set_stream(self, url: str | None, title: str = "", camera_id: int | None = None) -> None:
        if self.reader is not None:
            FramePump.get().remove(self)
            self.reader.signals.state_changed.disconnect(self._on_reader_state)
            self.reader.stop()
            self.reader = None
        self.picture, self.last_frame_at, self.zoom = None, None, 1.0
        self.camera_id, self.title, self.url = camera_id, title, url or ""
        if url:
            self.reader = StreamReader(url, name=title)
            self.reader.target_size = self._target_size()
            self.reader.signals.state_changed.connect(self._on_reader_state)
            self.reader.start()
            FramePump.get().add(self)
            self._set_status("connecting")
            self._watch.start()
        else:
            self._watch.stop()
            self._set_status("empty")
        self.update()

    def stop(self) -> None:
        self.set_stream(None)

    @property
    def status(self) -> str:
        return self._status

    def status_text(self) -> str:
        """What the tile says over the picture (empty while live)."""
        s = self._status
        if s == "live":
            return ""
        if s == "empty":
            return self.tr("Drop a camera here")
        if s == "connecting":
            return self.tr("Connecting…")
        reason = self.reason_text(self.reader.error if self.reader else "")
        if s == "no_signal":
            seen = (self.tr("last frame {0}").format(datetime.fromtimestamp(self.last_frame_at).strftime("%H:%M:%S"))
                    if self.last_frame_at else self.tr("no frame received yet"))
            return self.tr("NO SIGNAL") + " · " + seen + (f"\n{reason}" if reason else "")
        if s == "error":
            return reason or self.tr("The stream failed")
        return ""

    def reason_text(self, code: str) -> str:
        return {
            "refused": self.tr("Connection refused: the camera or its server is down"),
            "not_found": self.tr("The camera has no such stream (404): check the URL"),
            "unauthorized": self.tr("The camera refused the user name or password"),
            "forbidden": self.tr("The camera refused access (403)"),
            "bad_url": self.tr("The stream URL is not valid"),
            "unknown_host": self.tr("Unknown host name: check the URL"),
            "unreachable": self.tr("The camera cannot be reached: check the host name and the network"),
            "timeout": self.tr("The camera does not answer (timeout)"),
            "invalid_data": self.tr("Not a video stream: the server sends data that cannot be decoded"),
            "ended": self.tr("The stream ended"),
            "dropped": self.tr("The camera dropped the connection"),
            "failed": self.tr("The stream failed"),
        }.get(code, "")

    # ------------------------------------------------------------- reader events (GUI thread)

    def _on_frame(self) -> None:
        if self.reader is None:
            return
        pic = self.reader.take()
        if pic is None:
            return
        self.picture, self.last_frame_at = pic, pic.at
        self.shown += 1
        if self._status != "live":
            self._set_status("live")
        self.update()

    def _on_reader_state(self, state: str, error: str) -> None:
        if self.reader is None:
            return
        if state == "error" and self.last_frame_at is None:
            self._set_status("error")
        self._check_signal()
        self.update()

    def _check_signal(self) -> None:
        if self.reader is None:
            return
        if self.last_frame_at is not None:
            if time.time() - self.last_frame_at > NO_SIGNAL_AFTER:
                self._set_status("no_signal")
        elif self.reader.state == "error":
            self._set_status("error")
        self.update() if self._status != "live" else None

    def _set_status(self, status: str) -> None:
        if status != self._status:
            self._status = status
            self.state_changed.emit(self, status)
            self.update()

    # ------------------------------------------------------------- geometry and zoom

    def _target_size(self) -> tuple[int, int] | None:
        if self.zoom > 1.0:
            return None  # zoomed: decode at full size and crop here
        dpr = self.devicePixelRatioF()
        return max(2, int(self.width() * dpr)), max(2, int(self.height() * dpr))

    def resizeEvent(self, event) -> None:
        if self.reader is not None:
            self.reader.target_size = self._target_size()
        self._title_img = self._stamp = None  # badges follow the tile's width and font size
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._title_img = self._stamp = None
        super().changeEvent(event)

    def wheelEvent(self, event) -> None:
        if self.picture is None:
            return
        steps = event.angleDelta().y() / 120
        old = self.zoom
        self.zoom = max(1.0, min(8.0, self.zoom * (1.25 ** steps)))
        if old == 1.0 and self.zoom > 1.0:
            pos = event.position()
            r = self._picture_rect(self.picture.image.size())
            if r.width() > 0:
                self.zoom_center = QPointF(min(1, max(0, (pos.x() - r.x()) / r.width())),
                                           min(1, max(0, (pos.y() - r.y()) / r.height())))
        if self.reader is not None:
            self.reader.target_size = self._target_size()
        self.update()
        event.accept()

    def reset_zoom(self) -> None:
        self.zoom = 1.0
        if self.reader is not None:
            self.reader.target_size = self._target_size()
        self.update()

    def _picture_rect(self, size: QSize) -> QRectF:
        dpr = self.devicePixelRatioF()
        w, h = size.width() / dpr, size.height() / dpr
        if self.zoom > 1.0 or w > self.width() or h > self.height() or (w < self.width() - 2 and h < self.height() - 2):
            s = min(self.width() / max(1, w), self.height() / max(1, h))
            w, h = w * s, h * s
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    # ------------------------------------------------------------- painting
    #
    # Sixteen tiles at 25 fps paint 400 times a second on the GUI thread, so the live path is
    # kept to a few calls: where the picture goes and the black bars around it are worked out
    # once per picture size and tile size, the title and clock badges once per change.

    def _layout(self, img: QImage, dpr: float) -> tuple:
        """(where to draw, black bars) for an unzoomed picture of img's size: cached."""
        key = (img.width(), img.height(), self.width(), self.height(), dpr)
        if self._layout_cache is not None and self._layout_cache[0] == key:
            return self._layout_cache[1]
        r = self._picture_rect(img.size())
        if dpr == 1.0 and abs(r.width() - img.width()) < 1 and abs(r.height() - img.height()) < 1:
            at = QPoint(round(r.x()), round(r.y()))  # the reader scaled it already: a plain 1:1 blit
            r = QRectF(at.x(), at.y(), img.width(), img.height())
        else:
            # another size (the first frames after a resize, a reader that did not scale), or a
            # high-density screen, where the rectangle in logical pixels maps 1:1 to device pixels
            at = r
        layout = (at, self._bars(r))
        self._layout_cache = (key, layout)
        return layout

    def _bars(self, target: QRectF) -> list[QRect]:
        """Black only where the picture does not cover (painting the whole tile twice costs per frame)."""
        w, h = self.width(), self.height()
        x0, y0 = int(target.left()), int(target.top())
        x1, y1 = int(target.right() + 0.999), int(target.bottom() + 0.999)
        bars = []
        if y0 > 0:
            bars.append(QRect(0, 0, w, y0))
        if y1 < h:
            bars.append(QRect(0, y1, w, h - y1))
        if x0 > 0:
            bars.append(QRect(0, y0, x0, y1 - y0))
        if x1 < w:
            bars.append(QRect(x1, y0, w - x1, y1 - y0))
        return bars

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        pic = self.picture
        dpr = self.devicePixelRatioF()
        if dpr != self._dpr:  # moved to a screen of another pixel density: badges are drawn anew
            self._dpr, self._title_img, self._stamp = dpr, None, None
        if pic is None:
            p.fillRect(self.rect(), Qt.GlobalColor.black)
        elif self.zoom > 1.0:
            img: QImage = pic.image
            target = self._picture_rect(img.size())
            for bar in self._bars(target):
                p.fillRect(bar, Qt.GlobalColor.black)
            sw, sh = img.width() / self.zoom, img.height() / self.zoom
            cx = min(max(self.zoom_center.x() * img.width(), sw / 2), img.width() - sw / 2)
            cy = min(max(self.zoom_center.y() * img.height(), sh / 2), img.height() - sh / 2)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            p.drawImage(target, img, QRectF(cx - sw / 2, cy - sh / 2, sw, sh))
        else:
            img = pic.image
            at, bars = self._layout(img, dpr)
            for bar in bars:
                p.fillRect(bar, Qt.GlobalColor.black)
            p.drawImage(at, img)
        if pic is not None and self._status == "no_signal":
            p.fillRect(self.rect(), QColor(0, 0, 0, 150))  # a frozen picture must never look live
        self._paint_overlays(p)
        p.end()

    def _font_px(self) -> int:
        return max(10, min(14, self.height() // 18))

    def _badge_font(self) -> tuple[QFont, QFontMetrics]:
        f = QFont(self.font())
        f.setPixelSize(self._font_px())
        return f, QFontMetrics(f)

    def _title_badge(self) -> QImage:
        f, fm = self._badge_font()
        pad, d = 4, fm.height() // 2
        dpr = self.devicePixelRatioF()
        img = QImage(int(self.width() * dpr), int((fm.height() + 2 * pad) * dpr), QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(dpr)
        img.fill(QColor(0, 0, 0, 140))
        q = QPainter(img)
        q.setRenderHint(QPainter.RenderHint.Antialiasing)
        q.setFont(f)
        dot = self._colors.get({"live": "ok", "no_signal": "alarm", "error": "alarm"}.get(self._status, "offline"))
        q.setBrush(QColor(dot))
        q.setPen(Qt.PenStyle.NoPen)
        q.drawEllipse(pad, pad + (fm.height() - d) // 2, d, d)
        q.setPen(QColor("#ffffff"))
        q.drawText(QRect(pad * 2 + d, 0, self.width() - 3 * pad - d, fm.height() + 2 * pad),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(self.title, Qt.TextElideMode.ElideRight, self.width() - 3 * pad - d))
        q.end()
        return img

    def _stamp_badge(self, stamp: str, live: bool) -> tuple[QImage, QPoint]:
        f, fm = self._badge_font()
        pad = 4
        dpr = self.devicePixelRatioF()
        w, h = fm.horizontalAdvance(stamp) + 2 * pad, fm.height() + 2 * pad
        img = QImage(int(w * dpr), int(h * dpr), QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(dpr)
        img.fill(QColor(0, 0, 0, 140))
        q = QPainter(img)
        q.setFont(f)
        q.setPen(QColor("#ffffff") if live else QColor(self._colors["alarm"]))
        q.drawText(QRect(0, 0, w, h), Qt.AlignmentFlag.AlignCenter, stamp)
        q.end()
        return img, QPoint(self.width() - w, self.height() - h)

    def _paint_overlays(self, p: QPainter) -> None:
        """Title and clock are images redrawn only when they change (the title on a rename, a
        status change or a resize; the clock once a second), then blitted every frame."""
        if self.title:
            if self._title_img is None or self._title_for != (self.title, self._status):
                self._title_for = (self.title, self._status)
                self._title_img = self._title_badge()
            p.drawImage(0, 0, self._title_img)
        if self.last_frame_at is not None:
            key = (int(self.last_frame_at), self._status == "live", self.zoom)
            if self._stamp is None or self._stamp[0] != key:
                stamp = datetime.fromtimestamp(key[0]).strftime("%H:%M:%S")
                if self.zoom > 1.0:
                    stamp = f"×{self.zoom:.1f}  {stamp}"
                self._stamp = (key, *self._stamp_badge(stamp, key[1]))
            p.drawImage(self._stamp[2], self._stamp[1])
        if self._status != "live":
            text = self.status_text()
            if text:
                f = QFont(self.font())
                f.setPixelSize(self._font_px())
                p.setFont(f)
                colour = {"no_signal": "alarm", "error": "alarm", "connecting": "warning"}.get(self._status, "offline")
                p.setPen(QColor(self._colors.get(colour, "#ffffff")) if self._status != "empty" else QColor("#8b8d98"))
                p.drawText(self.rect().adjusted(8, 8, -8, -8),
                           Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        if self.selected:
            p.setPen(QPen(QColor("#3e9eff"), 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(self.rect().adjusted(1, 1, -1, -1))

    # ------------------------------------------------------------- mouse, drag and drop

    def mousePressEvent(self, event) -> None:
        self.clicked.emit(self)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        self.double_clicked.emit(self)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    dragMoveEvent = dragEnterEvent

    def dropEvent(self, event) -> None:
        data = bytes(event.mimeData().data(CAMERA_MIME)).decode(errors="replace").strip()
        try:
            camera_id = int(data.split(",")[0])
        except ValueError:
            return
        event.acceptProposedAction()
        self.camera_dropped.emit(self, camera_id)

    def closeEvent(self, event) -> None:
        self.stop()
        super().closeEvent(event)
