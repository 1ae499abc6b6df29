"""The day's measures (pyqtgraph, created once, fed with setData) and the Purdue coordination diagram."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QWidget

from backend_client.schemas.signals import CoordinationDiagram, Measures
from widgets.common.dateaxis import CityDateAxis

PHASE_COLORS = {2: "#3e9eff", 6: "#4cc38a", 4: "#f5a524", 8: "#c678dd", 1: "#56b6c2", 5: "#e5d34a", 3: "#e06c75",
                7: "#98c379"}


def city_axis() -> CityDateAxis:
    """Times in the city's zone whatever the workstation's zone; seconds when a few cycles fill the view."""
    return CityDateAxis("bottom", seconds=True)


def _measure_titles() -> tuple[tuple[str, str], ...]:
    return (("volume", QCoreApplication.translate("SignalsCharts", "Volume, veh/15 min")),
            ("aog", QCoreApplication.translate("SignalsCharts", "Arrivals on green, %")),
            ("sf", QCoreApplication.translate("SignalsCharts", "Split failures per 15 min")),
            ("green", QCoreApplication.translate("SignalsCharts", "Split monitor: mean green, s")))


class MeasuresChart(pg.GraphicsLayoutWidget):
    """Volumes, arrivals on green, split failures and the split monitor for one intersection's day."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setBackground("#15171c")
        self.plots = {}
        for row, (key, title) in enumerate(_measure_titles()):
            plot = self.addPlot(row=row // 2, col=row % 2, axisItems={"bottom": city_axis()})
            plot.setTitle(title, color="#9aa2b1", size="9pt")
            plot.showGrid(x=True, y=True, alpha=0.15)
            plot.setMenuEnabled(False)
            self.plots[key] = plot
        for key in ("aog", "sf", "green"):
            self.plots[key].setXLink(self.plots["volume"])
        self.plots["aog"].setYRange(0, 100)
        self.legend = self.plots["volume"].addLegend(offset=(5, 5), labelTextColor="#9aa2b1")
        self.curves: dict[tuple[str, int], pg.PlotDataItem] = {}

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            for key, title in _measure_titles():
                self.plots[key].setTitle(title, color="#9aa2b1", size="9pt")
                self.plots[key].getAxis("bottom").relabel()

    def _curve(self, key: str, phase: int) -> pg.PlotDataItem:
        c = self.curves.get((key, phase))
        if c is None:
            colour = PHASE_COLORS.get(phase, "#e3e6eb")
            if key == "sf":
                c = pg.PlotDataItem(stepMode="center", pen=pg.mkPen(colour, width=1.5), fillLevel=0,
                                    brush=pg.mkBrush(colour + "40"))
            else:
                c = pg.PlotDataItem(pen=pg.mkPen(colour, width=1.5), name=f"Ф{phase}" if key == "volume" else None,
                                    symbol="o" if key == "aog" else None, symbolSize=3, symbolBrush=colour,
                                    symbolPen=None)
            self.plots[key].addItem(c)
            self.curves[(key, phase)] = c
        return c

    def set_measures(self, m: Measures) -> None:
        by_phase: dict[int, list] = {}
        for r in m.rows:
            by_phase.setdefault(r.phase, []).append(r)
        for phase, rows in sorted(by_phase.items()):
            x = np.array([r.ts / 1000 for r in rows], dtype=float) + m.bin_minutes * 30
            self._curve("volume", phase).setData(x, np.array([r.volume for r in rows], dtype=float))
            self._curve("aog", phase).setData(x, np.array([np.nan if r.aog_percent is None else r.aog_percent
                                                           for r in rows], dtype=float), connect="finite")
            self._curve("green", phase).setData(x, np.array([np.nan if r.green_s is None else r.green_s
                                                             for r in rows], dtype=float), connect="finite")
            edges = np.append(x - m.bin_minutes * 30, x[-1] + m.bin_minutes * 30) if len(x) else np.array([])
            self._curve("sf", phase).setData(edges, np.array([r.split_failures for r in rows], dtype=float))
        for (key, phase), c in self.curves.items():
            if phase not in by_phase:
                c.setData([], [])
        self.plots["volume"].setXRange(m.start / 1000, m.end / 1000, padding=0.01)


class CoordinationChart(pg.PlotWidget):
    """Purdue coordination diagram: arrivals by time in cycle; green and yellow start of each cycle."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, axisItems={"bottom": city_axis()})
        self.setBackground("#15171c")
        self.showGrid(x=True, y=True, alpha=0.15)
        self.setLabel("left", QCoreApplication.translate("SignalsCharts", "Time in cycle, s"))
        self.setMenuEnabled(False)
        self.green_line = self.plot(pen=pg.mkPen("#3ecf6e", width=1.5))
        self.yellow_line = self.plot(pen=pg.mkPen("#f5c524", width=1.5))
        self.red_line = self.plot(pen=pg.mkPen("#e5484d", width=1))
        self.arrivals = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush("#e3e6eb"))
        self.addItem(self.arrivals)
        self.title = ""
        self.diagram: CoordinationDiagram | None = None

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.setLabel("left", QCoreApplication.translate("SignalsCharts", "Time in cycle, s"))
            self.getAxis("bottom").relabel()
            if self.diagram is not None:
                self._name(self.diagram)

    def _name(self, d: CoordinationDiagram) -> None:
        aog = "—" if d.aog_percent is None else f"{d.aog_percent:.0f} %"
        title = QCoreApplication.translate("SignalsCharts", "Phase {0}: arrivals on green {1}")
        self.setTitle(title.format(d.phase, aog), color="#9aa2b1", size="9pt")

    def set_diagram(self, d: CoordinationDiagram) -> None:
        xs = np.array([c.start / 1000 for c in d.cycles], dtype=float)
        self.green_line.setData(xs, np.array([c.green for c in d.cycles], dtype=float), stepMode=None)
        self.yellow_line.setData(xs, np.array([c.yellow for c in d.cycles], dtype=float))
        self.red_line.setData(xs, np.array([c.red for c in d.cycles], dtype=float))
        ax = [c.start / 1000 + a for c in d.cycles for a in c.arrivals]
        ay = [a for c in d.cycles for a in c.arrivals]
        self.arrivals.setData(np.array(ax, dtype=float), np.array(ay, dtype=float))
        self.diagram = d
        self._name(d)
        if len(xs):
            self.setXRange(xs[0], xs[-1] + (d.cycles[-1].red if d.cycles else 0), padding=0.01)
