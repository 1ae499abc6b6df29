"""The time–distance (Marey) chart of a route: planned trips dashed, the buses' actual runs solid.

x is epoch seconds (city time on the axis), y metres along the route with the stops as ticks;
bunching shows as two actual lines running together, a gap as a wide empty band. Plot items are
made once per line slot and fed with setData; the pool grows, it is never rebuilt.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from widgets.common.dateaxis import CityDateAxis
from widgets.common.palette import STATE_COLORS

ACTUAL_COLORS = ("#3e9eff", "#4cc38a", "#f5a524", "#c678dd", "#56b6c2", "#e5d34a", "#e06c75", "#98c379")


class MareyChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = CityDateAxis("bottom")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setBackground(None)
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.12)
        item.setMenuEnabled(False)
        item.getAxis("left").setWidth(215)  # a label wider than the axis is not drawn at all
        item.getAxis("left").setStyle(textFillLimits=[(0, 0.95)])  # every stop named, as long as they fit
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(STATE_COLORS["alarm"], width=1, style=Qt.PenStyle.DotLine))
        self.plot.addItem(self.now_line)
        self.planned: list[pg.PlotDataItem] = []
        self.actual: list[pg.PlotDataItem] = []
        self.labels: list[pg.TextItem] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.axis.relabel()

    def _slot(self, pool: list, n: int, make) -> pg.PlotDataItem:
        while len(pool) <= n:
            pool.append(make())
        return pool[n]

    def set_marey(self, marey, now_s: float) -> None:
        """Feed a Marey wire object (backend_client.schemas.transit.Marey)."""
        ticks = [(float(d), name) for _, name, d in marey.stops]
        self.plot.getPlotItem().getAxis("left").setTicks([ticks, []])
        planned_pen = pg.mkPen("#8b8d98", width=1, style=Qt.PenStyle.DashLine)
        used_p = used_a = 0
        for trip in marey.trips:
            if trip.planned:
                p = np.asarray(trip.planned, dtype=float)
                item = self._slot(self.planned, used_p, lambda: self.plot.plot(pen=planned_pen))
                item.setData(p[:, 0] / 1000, p[:, 1])
                item.setVisible(True)
                used_p += 1
            if trip.actual:
                a = np.asarray(trip.actual, dtype=float)
                colour = ACTUAL_COLORS[used_a % len(ACTUAL_COLORS)]
                item = self._slot(self.actual, used_a, lambda: self.plot.plot())
                item.setPen(pg.mkPen(colour, width=2.5))
                item.setData(a[:, 0] / 1000, a[:, 1])
                item.setVisible(True)
                label = self._slot(self.labels, used_a, lambda: self._label())
                label.setText(trip.vehicle_id or "")
                label.setColor(colour)
                label.setPos(a[-1, 0] / 1000, a[-1, 1])
                label.setVisible(True)
                used_a += 1
        for pool, used in ((self.planned, used_p), (self.actual, used_a), (self.labels, used_a)):
            for item in pool[used:]:
                item.setVisible(False)
        self.now_line.setPos(now_s)
        top = max((d for d, _ in ticks), default=1000.0)
        self.plot.setYRange(-80, top + 150, padding=0)  # room for the last stop's name and the buses' labels
        self.plot.setXRange(now_s - 90 * 60, now_s + 20 * 60, padding=0)

    def _label(self) -> pg.TextItem:
        t = pg.TextItem(anchor=(0, 1))
        self.plot.addItem(t)
        return t

    def line_counts(self) -> tuple[int, int]:
        """(planned, actual) lines shown now (tests)."""
        return (sum(1 for i in self.planned if i.isVisible()), sum(1 for i in self.actual if i.isVisible()))
