"""A machine-per-row timeline of the day (pyqtgraph): bars coloured by the work being done."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pyqtgraph as pg

from widgets.common.palette import STATE_COLORS

CITY_TZ = timezone(timedelta(hours=3))
WORK_COLORS = {"sweeping": STATE_COLORS["ok"], "washing": STATE_COLORS["info"], "plowing": "#c8d2e0",
               "none": "#4a505c"}


class HourAxis(pg.AxisItem):
    def tickStrings(self, values, scale, spacing):
        return [f"{int(v) % 24:02d}:00" if abs(v - round(v)) < 1e-6 else "" for v in values]


class MachineAxis(pg.AxisItem):
    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.names: list[str] = []

    def tickStrings(self, values, scale, spacing):
        return [self.names[int(v)] if 0 <= int(v) < len(self.names) and abs(v - int(v)) < 1e-6 else ""
                for v in values]


class Timeline(pg.PlotWidget):
    def __init__(self, parent=None) -> None:
        self.machine_axis = MachineAxis("left")
        super().__init__(parent, axisItems={"bottom": HourAxis("bottom"), "left": self.machine_axis})
        self.setBackground(None)
        self.setMenuEnabled(False)
        self.showGrid(x=True, y=False, alpha=0.15)
        self.setMouseEnabled(x=True, y=False)
        self.bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.6, brushes=[], pen=pg.mkPen(None))
        self.addItem(self.bars)
        self.now_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(STATE_COLORS["warning"], width=1))
        self.addItem(self.now_line)
        self.setXRange(0, 24, padding=0)
        self.getAxis("bottom").setTickSpacing(3, 1)
        self.count = 0

    def set_days(self, days, day_start: datetime) -> None:
        """days: VehicleDay list; runs become bars (hours since the day's start, city time)."""
        x0, width, y, brushes = [], [], [], []
        names = [d.id for d in days]
        start_ms = day_start.timestamp() * 1000
        for row, d in enumerate(days):
            for a, b, work in d.runs:
                x0.append((a - start_ms) / 3_600_000)
                width.append(max((b - a) / 3_600_000, 0.02))
                y.append(row)
                brushes.append(pg.mkBrush(WORK_COLORS.get(work, WORK_COLORS["none"])))
        self.machine_axis.names = names
        self.machine_axis.setTicks([[(i, n) for i, n in enumerate(names)]])
        self.bars.setOpts(x0=np.array(x0), width=np.array(width), y=np.array(y, dtype=float), height=0.6,
                          brushes=brushes)
        self.count = len(x0)
        self.setYRange(-0.6, max(len(names), 1) - 0.4, padding=0)
        now = datetime.now(CITY_TZ)
        self.now_line.setValue((now - day_start).total_seconds() / 3600)
