"""One key figure drawn large enough to read from across the room: number, gauge, bars, list or sparkline."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QLocale, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QWidget

from widgets.common.feature import TileDef
from widgets.common.palette import STATE_COLORS, THEMES
from widgets.room import values

C = THEMES["dark"]
ALARM = QColor(STATE_COLORS["alarm"])
OK = QColor(STATE_COLORS["ok"])
ACCENT = QColor(C["accent"])


def tr(text: str) -> str:
    return QCoreApplication.translate("Tiles", text) if text else ""


def age_text(minutes: Any) -> str:
    if not isinstance(minutes, (int, float)):
        return ""
    m = int(minutes)
    if m < 60:
        return QCoreApplication.translate("Tiles", "{0} min").format(m)
    return QCoreApplication.translate("Tiles", "{0} h {1:02d} min").format(m // 60, m % 60)


class TileWidget(QWidget):
    """Sizes its type to its own height, so the same tile reads on a wall and in a dock."""

    def __init__(self, tile: TileDef, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile = tile
        self.setObjectName(f"tile_{tile.name}")
        self.data: Any = None
        self.value: float | None = None
        self.alarm = False
        self.stale = False
        self.setMinimumSize(220, 120)
        self._labels = {k: tr(v) for k, v in tile.labels}
        self.plot: pg.PlotWidget | None = None
        if tile.kind == "sparkline":
            self.plot = pg.PlotWidget(self)
            self.plot.setBackground(None)
            self.plot.hideAxis("left")
            self.plot.getAxis("bottom").setStyle(showValues=False)
            self.plot.setMouseEnabled(False, False)
            self.plot.hideButtons()
            self.plot.getPlotItem().setMenuEnabled(False)
            self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=pg.mkBrush(C["accent"]), pen=None)
            self.plot.addItem(self.bars)
            self.plot.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    # ----------------------------------------------------------- data
    def show_data(self, data: Any, *, stale: bool = False) -> None:
        self.data = data
        self.stale = stale
        self.value = values.number(self.tile, data)
        self.alarm = values.in_alarm(self.tile, self.value)
        if self.plot is not None:
            series = values.pick(data, self.tile.value)
            ys = [float(v) for v in series] if isinstance(series, list) else []
            self.bars.setOpts(x=list(range(len(ys))), height=ys, width=0.8,
                              brush=pg.mkBrush(ALARM if self.alarm else ACCENT))
            self.plot.setXRange(-0.6, max(1, len(ys)) - 0.4, padding=0)
            self.plot.setYRange(0, max(1.0, max(ys, default=0.0)) * 1.1, padding=0)
        self.update()

    def value_text(self) -> str:
        return self._local(values.text(self.tile, self.value))

    @staticmethod
    def _local(number: str) -> str:
        """The decimal sign of the language the desktop runs in (a comma in Russian)."""
        return number.replace(".", QLocale().decimalPoint())

    # ----------------------------------------------------------- drawing
    def _font(self, px: float, bold: bool = False) -> QFont:
        f = QFont(self.font())
        f.setPixelSize(max(10, int(px)))
        f.setBold(bold)
        return f

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.plot is not None:
            h, w = self.height(), self.width()
            top = int(h * 0.46)
            self.plot.setGeometry(12, top, w - 24, h - top - 10)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        w, h = self.width(), self.height()
        r = QRectF(2, 2, w - 4, h - 4)
        p.setPen(QPen(ALARM if self.alarm else QColor(C["border"]), 4 if self.alarm else 1.5))
        p.setBrush(QColor("#2a1b1f") if self.alarm else QColor(C["panel"]))
        p.drawRoundedRect(r, 8, 8)
        pad = max(10.0, h * 0.05)
        title_px = max(11.0, min(h * 0.085, 30.0, w / 17))
        p.setFont(self._font(title_px, bold=True))
        p.setPen(ALARM if self.alarm else QColor(C["text_dim"]))
        title = tr(self.tile.title).upper()
        fm = QFontMetrics(p.font())
        p.drawText(QRectF(pad, pad * 0.6, w - 2 * pad, title_px * 1.4), Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(title, Qt.TextElideMode.ElideRight, int(w - 2 * pad)))
        body = QRectF(pad, pad * 0.6 + title_px * 1.5, w - 2 * pad, h - pad * 1.6 - title_px * 1.5)
        text_color = QColor(C["text_dim"]) if self.stale else (ALARM if self.alarm else QColor(C["text"]))
        kind = self.tile.kind
        if kind in ("list", "bars"):
            self._draw_rows(p, body, text_color)
        else:
            self._draw_number(p, body, text_color)
        p.end()

    def _draw_number(self, p: QPainter, body: QRectF, color: QColor) -> None:
        t = self.tile
        big = body.height() * (0.42 if t.kind == "sparkline" else 0.55 if t.kind == "gauge" else 0.62)
        if t.kind == "sparkline":
            big = min(big, body.height() * 0.3)
        big = min(big, body.width() / max(3, len(self.value_text()) + len(t.unit) * 0.5) * 1.6)
        p.setFont(self._font(big, bold=True))
        p.setPen(color)
        fm = QFontMetrics(p.font())
        text = self.value_text()
        p.drawText(QRectF(body.left(), body.top(), body.width(), big * 1.15),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        if t.unit and self.value is not None:
            p.setFont(self._font(big * 0.4))
            p.setPen(QColor(C["text_dim"]))
            p.drawText(QRectF(body.left() + fm.horizontalAdvance(text) + 8, body.top(), body.width(), big * 1.1),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, tr(t.unit))
        y = body.top() + big * 1.2
        small = max(13, min(body.height() * 0.13, 24))
        if t.kind == "gauge":
            self._draw_gauge(p, QRectF(body.left(), y, body.width(), small * 0.9), small)
            y += small * 2.4
        detail = values.fill(tr(t.detail), self.data) if t.detail and self.data is not None else ""
        if detail and t.kind != "sparkline":
            p.setFont(self._font(small))
            p.setPen(QColor(C["text_dim"]))
            p.drawText(QRectF(body.left(), y, body.width(), small * 1.5), Qt.AlignmentFlag.AlignLeft, detail)

    def _draw_gauge(self, p: QPainter, bar: QRectF, small: float) -> None:
        t = self.tile
        compare = values.pick(self.data, t.compare) if t.compare else None
        compare = float(compare) * t.scale if isinstance(compare, (int, float)) else None
        if t.unit == "%":
            full = 100.0
        else:
            full = max(self.value or 0.0, compare or 0.0) * 1.15 or 1.0
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(C["raised"]))
        p.drawRoundedRect(bar, bar.height() / 2, bar.height() / 2)
        if self.value is not None:
            frac = max(0.0, min(1.0, self.value / full))
            over = compare is not None and t.unit != "%" and self.value > compare * 1.15
            p.setBrush(ALARM if self.alarm or over else (OK if t.unit == "%" else ACCENT))
            p.drawRoundedRect(QRectF(bar.left(), bar.top(), bar.width() * frac, bar.height()),
                              bar.height() / 2, bar.height() / 2)
        if compare is not None:
            x = bar.left() + bar.width() * max(0.0, min(1.0, compare / full))
            p.setPen(QPen(QColor(C["text"]), 3))
            p.drawLine(int(x), int(bar.top() - 4), int(x), int(bar.bottom() + 4))
        label = tr(t.compare_label)
        if label:
            p.setFont(self._font(small))
            p.setPen(QColor(C["text_dim"]))
            ctext = "—" if compare is None else self._local(f"{compare:,.{t.decimals}f}".replace(",", " "))
            unit = tr(t.unit)
            p.drawText(QRectF(bar.left(), bar.bottom() + 4, bar.width(), small * 1.5), Qt.AlignmentFlag.AlignLeft,
                       f"{label}: {ctext}{' ' + unit if unit == '%' else ' ' + unit if unit else ''}")

    def _draw_rows(self, p: QPainter, body: QRectF, color: QColor) -> None:
        t = self.tile
        items = values.pick(self.data, t.value)
        items = items if isinstance(items, list) else []
        row_px = max(16.0, min(34.0, body.height() / 6.5))
        line = row_px * 1.45
        fit = max(1, int(body.height() // line))
        p.setFont(self._font(row_px))
        fm = QFontMetrics(p.font())
        if not items:
            p.setPen(QColor(C["text_dim"]))
            none = QCoreApplication.translate("Tiles", "none") if self.data is not None else "—"
            p.drawText(body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, none)
            return
        if t.kind == "bars":
            top = max((float(g.get("count", 0)) for g in items), default=1.0) or 1.0
            label_w = body.width() * 0.48
            num_w = fm.horizontalAdvance("00000")
            for i, g in enumerate(items[:fit]):
                y = body.top() + i * line
                name = self._labels.get(str(g.get("key")), str(g.get("key")))
                p.setPen(color if not self.stale else QColor(C["text_dim"]))
                p.drawText(QRectF(body.left(), y, label_w - 6, line), Qt.AlignmentFlag.AlignVCenter,
                           fm.elidedText(name, Qt.TextElideMode.ElideRight, int(label_w - 6)))
                bw = (body.width() - label_w - num_w - 8) * float(g.get("count", 0)) / top
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(ACCENT)
                p.drawRect(QRectF(body.left() + label_w, y + line * 0.22, max(2.0, bw), line * 0.56))
                p.setPen(QColor(C["text"]))
                p.drawText(QRectF(body.right() - num_w, y, num_w, line),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(g.get("count", "")))
            return
        more = len(items) - fit
        shown = items[:fit - 1] if more > 0 else items
        for i, item in enumerate(shown):
            y = body.top() + i * line
            age = age_text(item.get(t.age)) if t.age and isinstance(item, dict) else ""
            age_w = fm.horizontalAdvance(age) + 10 if age else 0
            p.setPen(color)
            text = values.fill(t.item, item) if t.item else str(item)
            p.drawText(QRectF(body.left(), y, body.width() - age_w, line), Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(text, Qt.TextElideMode.ElideRight, int(body.width() - age_w)))
            if age:
                p.setPen(ALARM if self.alarm else QColor(C["warning"]))
                p.drawText(QRectF(body.right() - age_w, y, age_w, line),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, age)
        if more > 0:
            p.setPen(QColor(C["text_dim"]))
            p.drawText(QRectF(body.left(), body.top() + len(shown) * line, body.width(), line),
                       Qt.AlignmentFlag.AlignVCenter,
                       QCoreApplication.translate("Tiles", "and {0} more").format(more + 1))
