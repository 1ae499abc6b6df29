"""The consumption chart: one meter's buckets, its baseline band, the previous period, alarm periods.

Every plot item is made once and fed with setData; curves downsample by peak and clip to the view.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from widgets.common.dateaxis import CITY_UTC_OFFSET_S, CityDateAxis, LocaleNumberAxis
from widgets.common.palette import PRIORITY_COLORS, STATE_COLORS

SEVERITY_COLORS = {"critical": PRIORITY_COLORS["critical"], "major": PRIORITY_COLORS["high"],
                   "minor": PRIORITY_COLORS["medium"], "warning": STATE_COLORS["info"]}


BAND_MAX_POINTS = 600  # a filled polygon is not downsampled by pyqtgraph; more vertices only cost time


def _floats(values) -> np.ndarray:
    """A float array from a list with None for unknown values (as the wire carries them)."""
    arr = np.asarray(values)
    if arr.dtype == object:
        arr = np.where(arr == None, np.nan, arr).astype(np.float64)  # noqa: E711 (elementwise)
    return arr.astype(np.float64, copy=False)


def envelope(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, max_points: int = BAND_MAX_POINTS):
    """Fewer band vertices keeping its outline: per block, the lowest low and the highest high."""
    n = len(x)
    if n <= max_points:
        return x, lo, hi
    k = -(-n // max_points)
    m = n // k * k
    xs = x[:m].reshape(-1, k)[:, 0]
    los = lo[:m].reshape(-1, k).min(axis=1)
    his = hi[:m].reshape(-1, k).max(axis=1)
    if m < n:
        xs, los, his = np.r_[xs, x[m]], np.r_[los, lo[m:].min()], np.r_[his, hi[m:].max()]
    return xs, los, his


class EnergyChart(QWidget):
    """Plots; knows nothing of the network. x is epoch seconds at bucket centres."""

    view_changed = Signal(float, float)  # x range the user panned/zoomed to (epoch s)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = CityDateAxis("bottom")
        self.values_axis = LocaleNumberAxis("left")
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis, "left": self.values_axis})
        self.plot.setBackground(None)
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setMenuEnabled(False)
        item.getAxis("left").enableAutoSIPrefix(False)
        self.view = item.getViewBox()
        self.view.setMouseEnabled(x=True, y=False)  # free zoom and pan along time
        self.view.enableAutoRange(axis="y", enable=True)
        self.view.setAutoVisible(y=True)
        self.legend = item.addLegend(offset=(10, 5))

        # PlotCurveItems: a PlotDataItem without a pen has no path for the fill to follow.
        edge = pg.mkPen(62, 158, 255, 90, width=1)
        self.band_low = pg.PlotCurveItem(pen=edge)
        self.band_high = pg.PlotCurveItem(pen=edge)
        self.band = pg.FillBetweenItem(self.band_low, self.band_high, brush=pg.mkBrush(62, 158, 255, 45))
        self.baseline = pg.PlotDataItem(pen=pg.mkPen("#3e9eff", width=1, style=Qt.PenStyle.DashLine))
        self.previous = pg.PlotDataItem(pen=pg.mkPen("#8b8d98", width=1))
        self.curve = pg.PlotDataItem(pen=pg.mkPen("#f5a524", width=1.6))
        self.band.setZValue(-10)
        for it in (self.band_low, self.band_high, self.band, self.baseline, self.previous, self.curve):
            item.addItem(it)
        # After addItem, which applies the plot's own (off) modes to every curve it receives.
        for c in (self.baseline, self.previous, self.curve):
            c.setDownsampling(auto=True, method="peak")
            c.setClipToView(True)
        self._regions: list[pg.LinearRegionItem] = []
        self._named = False
        self._programmatic = False
        self.view.sigXRangeChanged.connect(self._on_range)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        # Data as shown, kept for the CSV export and the live tail.
        self.ts = np.zeros(0, dtype=np.int64)
        self.values = np.zeros(0)
        self.bucket_ms = 900_000

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self.axis.relabel()
            self.values_axis.relabel()

    def name_series(self, current: str, baseline: str, previous: str) -> None:
        """Legend names (translated by the caller)."""
        self.legend.clear()
        self.legend.addItem(self.curve, current)
        self.legend.addItem(self.baseline, baseline)
        self.legend.addItem(self.previous, previous)

    def set_axis_label(self, text: str) -> None:
        self.plot.getPlotItem().setLabel("left", text)

    # ------------------------------------------------------------------ data
    def set_series(self, ts_ms, values, bucket_ms: int, *, baseline=None, low=None, high=None) -> None:
        self.ts = np.asarray(ts_ms, dtype=np.int64)
        self.values = np.asarray(values, dtype=np.float64)
        self.bucket_ms = int(bucket_ms)
        x = self._x(self.ts)
        self.curve.setData(x, self.values, connect="finite")
        if baseline is not None and len(baseline):
            b, lo, hi = _floats(baseline), _floats(low), _floats(high)
            self.baseline.setData(x, b, connect="finite")
            ok = np.isfinite(lo) & np.isfinite(hi)
            bx, blo, bhi = envelope(x[ok], lo[ok], hi[ok])
            self.band_low.setData(bx, blo)
            self.band_high.setData(bx, bhi)
            self.baseline_values = b
            self.band_values = (lo, hi)
        else:
            self.clear_baseline()

    def clear_baseline(self) -> None:
        self.baseline.setData([], [])
        self.band_low.setData([], [])
        self.band_high.setData([], [])
        self.baseline_values = None
        self.band_values = None

    def set_previous(self, ts_ms, values, shift_ms: int) -> None:
        """The previous period's values, moved forward by shift_ms to lie under this one."""
        ts = np.asarray(ts_ms, dtype=np.int64)
        self.previous.setData(self._x(ts + shift_ms), np.asarray(values, dtype=np.float64), connect="finite")

    def clear_previous(self) -> None:
        self.previous.setData([], [])

    def set_alarm_periods(self, periods: list[tuple[int, int, str]]) -> None:
        """Shade (start ms, end ms, severity) spans; region items are reused, never piled up."""
        while len(self._regions) < len(periods):
            r = pg.LinearRegionItem(movable=False)
            r.setZValue(-20)
            for line in r.lines:
                line.setPen(pg.mkPen(None))
            self.plot.getPlotItem().addItem(r)
            self._regions.append(r)
        for i, r in enumerate(self._regions):
            if i < len(periods):
                start, end, severity = periods[i]
                color = pg.mkColor(SEVERITY_COLORS.get(severity, "#e5484d"))
                color.setAlpha(55)
                r.setBrush(pg.mkBrush(color))
                r.setRegion((start / 1000, end / 1000))
                r.show()
            else:
                r.hide()

    def shaded_periods(self) -> list[tuple[float, float]]:
        return [tuple(r.getRegion()) for r in self._regions if r.isVisible()]

    def append_reading(self, ts_ms: int, value: float) -> bool:
        """Live tail: add a reading to the last bucket or start a new one; False if it is not newer."""
        if len(self.ts) and ts_ms < self.ts[-1]:
            return False
        width = self.bucket_ms
        start = (ts_ms + CITY_UTC_OFFSET_S * 1000) // width * width - CITY_UTC_OFFSET_S * 1000
        if len(self.ts) and start == self.ts[-1]:
            self.values[-1] += value
        else:
            self.ts = np.append(self.ts, start)
            self.values = np.append(self.values, value)
        self.curve.setData(self._x(self.ts), self.values, connect="finite")
        return True

    def set_x_range(self, start_ms: int, end_ms: int) -> None:
        self._programmatic = True
        try:
            self.view.setXRange(start_ms / 1000, end_ms / 1000, padding=0)
        finally:
            self._programmatic = False

    def _x(self, ts: np.ndarray) -> np.ndarray:
        return (ts + self.bucket_ms / 2) / 1000.0

    def _on_range(self, _view, rng) -> None:
        if not self._programmatic:
            self.view_changed.emit(float(rng[0]), float(rng[1]))
