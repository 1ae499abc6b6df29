"""The energy panel: a tree of buildings and meters, the consumption chart, the city overview."""

from __future__ import annotations

import csv
import time
from datetime import datetime, timedelta, timezone

import shiboken6
from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QTabWidget, QToolButton, QTreeView, QVBoxLayout, QWidget)

from backend_client.energy import EnergyApi
from widgets.common.palette import STATE_COLORS
from widgets.common.paths import suggested_path
from widgets.common.incident_labels import org_short
from widgets.energy.chart import CITY_UTC_OFFSET_S, SEVERITY_COLORS, EnergyChart
from widgets.energy.labels import Labels
from widgets.energy.overview import CityOverview

DAY_MS = 86_400_000
PRESETS = {"day": DAY_MS, "week": 7 * DAY_MS, "month": 30 * DAY_MS, "year": 365 * DAY_MS}
CITY_TZ = timezone(timedelta(seconds=CITY_UTC_OFFSET_S))
DEVICE_ROLE = 0x0100 + 1  # Qt.UserRole + 1
KIND_ROLE = 0x0100 + 2  # a group's kind of building


def _now_ms() -> int:
    return int(time.time() * 1000)


class EnergyPanel(QWidget):
    """Panel(ctx): everything that touches the network runs through ctx.tasks."""

    loaded = Signal()  # a chart load finished (tests and the screenshot wait for it)

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("energy")
        self.ctx = ctx
        self.api = ctx.service(EnergyApi)
        self.labels = Labels(self)
        self.devices: dict[str, object] = {}
        self.device = None
        self.preset = "week"
        self.end_ms = _now_ms()
        self.start_ms = self.end_ms - PRESETS[self.preset]
        self.series = None
        self.alarm_periods: list[tuple[int, int, str]] = []
        self._leaves: dict[str, QStandardItem] = {}
        self._gen = 0

        # Left: buildings and meters.
        self.tree_model = QStandardItemModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.tree_model)
        self.tree.setHeaderHidden(False)
        self.tree.setUniformRowHeights(True)
        self.tree.selectionModel().currentChanged.connect(self._tree_current)

        # Right: chart with its toolbar, and the city overview.
        self.chart = EnergyChart(self)
        self._name_chart()
        self.chart.set_x_range(self.start_ms, self.end_ms)  # dates, not seconds after 1970, before a meter is chosen
        self.chart.view_changed.connect(self._user_zoomed)
        self.title = QLabel(self.tr("Choose a meter on the left"))
        self.title.setObjectName("energy_title")
        bar = QHBoxLayout()
        self.back = QToolButton(text="◀")
        self.back.setToolTip(self.tr("Earlier"))
        self.back.clicked.connect(lambda: self.shift(-1))
        bar.addWidget(self.back)
        self.preset_buttons = QButtonGroup(self)
        for name, text in (("day", self.tr("Day")), ("week", self.tr("Week")), ("month", self.tr("Month")),
                           ("year", self.tr("Year"))):
            b = QPushButton(text)
            b.setCheckable(True)
            b.setChecked(name == self.preset)
            b.clicked.connect(lambda _=False, n=name: self.set_preset(n))
            self.preset_buttons.addButton(b)
            bar.addWidget(b)
        self.forward = QToolButton(text="▶")
        self.forward.setToolTip(self.tr("Later"))
        self.forward.clicked.connect(lambda: self.shift(1))
        bar.addWidget(self.forward)
        self.compare = QCheckBox(self.tr("Previous period"))
        self.compare.setChecked(True)
        self.compare.toggled.connect(lambda _: self.reload())
        bar.addStretch(1)
        # The comparison and the export on a second row: in one row with the periods they made the
        # panel wider than its dock in the 1920 px "All panels" workspace.
        bar2 = QHBoxLayout()
        bar2.addWidget(self.compare)
        bar2.addStretch(1)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.clicked.connect(self._ask_export)
        bar2.addWidget(self.export_button)

        chart_page = QWidget()
        lay = QVBoxLayout(chart_page)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.title)
        lay.addLayout(bar)
        lay.addLayout(bar2)
        lay.addWidget(self.chart, 1)

        self.overview = CityOverview(ctx, self)
        self.overview.meter_requested.connect(self.show_meter)
        self.overview.alarms_loaded.connect(self._publish_map)
        self.sites: list = []
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.overview, self.tr("City overview"))
        self.tabs.addTab(chart_page, self.tr("Chart"))

        split = self.split = QSplitter(self)
        split.addWidget(self.tree)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        self._tree_dragged = False
        split.splitterMoved.connect(lambda *_: setattr(self, "_tree_dragged", True))
        split.setChildrenCollapsible(False)
        # The tree keeps room for its title and a building's name; it was squeezed to "Здания и".
        self.tree.setMinimumWidth(self.tree.fontMetrics().horizontalAdvance("Здания и счётчики") + 24)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)

        self._zoom_timer = QTimer(self, singleShot=True, interval=300)
        self._zoom_timer.timeout.connect(self.reload)
        ctx.events.subscribe("telemetry.", self._on_telemetry)
        ctx.events.subscribe("alarm.", self._on_alarm)
        self.load_sites()
        self.overview.refresh()

    def _name_chart(self) -> None:
        self.tree_model.setHorizontalHeaderLabels([self.tr("Buildings and meters")])
        self.chart.name_series(self.tr("Consumption"), self.tr("Expected"), self.tr("Previous period"))

    TREE_SHARE = 0.26

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._tree_dragged:  # the tree a quarter, the overview and chart the rest
            width = self.split.width()
            tree = max(self.tree.minimumWidth(), int(width * self.TREE_SHARE))
            self.split.setSizes([tree, max(0, width - tree)])

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() != QEvent.Type.LanguageChange:
            return
        self._name_chart()
        for g in range(self.tree_model.rowCount()):
            group = self.tree_model.item(g)
            group.setText(self.labels.kind(group.data(KIND_ROLE)))
        for uid, leaf in self._leaves.items():
            leaf.setText(self._leaf_text(self.devices[uid][0]))
        if self.device is not None:
            self._name_title()
        if self.series is not None:
            self._name_axis()

    def _leaf_text(self, d) -> str:
        return f"{self.labels.resource(d.resource or '') if d.resource else d.name}, {self.labels.unit(d.unit)}"

    def _name_title(self) -> None:
        site = self.devices[self.device.uid][1]
        self.title.setText(f"{site.name} — {self.labels.resource(self.device.resource or '')}")

    def _name_axis(self) -> None:
        series = self.series
        self.chart.set_axis_label(f"{self.labels.unit(series.unit)} {self.labels.per(series.bucket_ms)}")

    # ------------------------------------------------------------------ tree
    def load_sites(self) -> None:
        self.ctx.tasks.run(self.api.sites, on_done=self._sites_loaded, what="energy sites")

    def _sites_loaded(self, sites) -> None:
        self.sites = sites
        self._publish_map(self.overview.alarms)
        self.tree_model.removeRows(0, self.tree_model.rowCount())
        groups: dict[str, QStandardItem] = {}
        self._leaves: dict[str, QStandardItem] = {}
        for site in sites:
            group = groups.get(site.kind)
            if group is None:
                group = groups[site.kind] = QStandardItem(self.labels.kind(site.kind))
                group.setData(site.kind, KIND_ROLE)
                group.setToolTip(group.text())  # a narrow tree elides it
                group.setEditable(False)
                self.tree_model.appendRow(group)
            node = QStandardItem(org_short(site.name))
            node.setEditable(False)
            node.setToolTip(f"{site.name}\n{site.address}")
            group.appendRow(node)
            for d in site.devices:
                self.devices[d.uid] = (d, site)
                leaf = QStandardItem(self._leaf_text(d))
                leaf.setEditable(False)
                leaf.setData(d.uid, DEVICE_ROLE)
                leaf.setToolTip(leaf.text())
                node.appendRow(leaf)
                self._leaves[d.uid] = leaf
        if self.device is not None and self.device.uid in self.devices:
            self.show_meter(self.device.uid)

    def _tree_current(self, current, _previous) -> None:
        uid = current.data(DEVICE_ROLE)
        if uid and (self.device is None or uid != self.device.uid):
            self.show_meter(uid)

    def map_items(self, alarms: list) -> list[dict]:
        """The map's "energy" layer: each building coloured by its worst active alarm."""
        worst: dict[int, object] = {}
        order = ("critical", "major", "minor", "warning")
        for a in alarms:
            if a.site_id is not None and (a.site_id not in worst
                                          or order.index(a.severity) < order.index(worst[a.site_id].severity)):
                worst[a.site_id] = a
        items = []
        for site in self.sites:
            a = worst.get(site.id)
            title = site.name if a is None else f"{site.name} · {self.labels.alarm_type(a.type)}"
            items.append({"id": site.id, "lat": site.lat, "lon": site.lon, "title": title,
                          "color": SEVERITY_COLORS[a.severity] if a else STATE_COLORS["ok"],
                          "severity": a.severity if a else "", "kind": site.kind})
        return items

    def _publish_map(self, alarms) -> None:
        if self.sites:
            self.ctx.bus.map_items_changed.emit("energy", self.map_items(alarms))

    # ------------------------------------------------------------------ chart
    def show_meter(self, uid: str) -> None:
        if uid not in self.devices:
            return
        self.device = self.devices[uid][0]
        self.tabs.setCurrentIndex(1)
        leaf = self._leaves.get(uid)
        if leaf is not None and self.tree.currentIndex() != leaf.index():
            self.tree.setCurrentIndex(leaf.index())  # _tree_current sees the same uid and does nothing
            self.tree.scrollTo(leaf.index())
        self._name_title()
        self.reload()

    def set_preset(self, name: str, *, end_ms: int | None = None) -> None:
        self.preset = name
        self.end_ms = end_ms if end_ms is not None else _now_ms()
        self.start_ms = self.end_ms - PRESETS[name]
        for b in self.preset_buttons.buttons():
            b.setChecked(b.text() == {"day": self.tr("Day"), "week": self.tr("Week"),
                                      "month": self.tr("Month"), "year": self.tr("Year")}[name])
        self.reload()

    def set_range(self, start_ms: int, end_ms: int) -> None:
        self.start_ms, self.end_ms = int(start_ms), int(end_ms)
        self.reload()

    def shift(self, direction: int) -> None:
        span = self.end_ms - self.start_ms
        self.start_ms += direction * span
        self.end_ms += direction * span
        self.reload()

    def _user_zoomed(self, x0: float, x1: float) -> None:
        self.start_ms, self.end_ms = int(x0 * 1000), int(x1 * 1000)
        self._zoom_timer.start()

    def _points(self) -> int:
        return max(200, min(2000, self.chart.plot.width()))

    def reload(self) -> None:
        if self.device is None:
            return
        self._gen += 1
        gen, api, uid = self._gen, self.api, self.device.uid
        start, end, points, compare = self.start_ms, self.end_ms, self._points(), self.compare.isChecked()

        def fetch():
            series = api.series(uid, start, end, points=points, baseline=True)
            span = end - start
            previous = api.series(uid, start - span, end - span, points=points) if compare else None
            alarms = api.alarms(device=uid, start_ms=start, end_ms=end)
            return series, previous, alarms, span

        self.chart.set_x_range(start, end)
        self.ctx.tasks.run(fetch, on_done=lambda r: self._loaded(gen, r), what="energy chart")

    def _loaded(self, gen: int, result) -> None:
        if gen != self._gen:  # a newer request is on its way
            return
        series, previous, alarms, span = result
        self.series = series
        self._name_axis()
        self.chart.set_series(series.ts, series.sum, series.bucket_ms, baseline=series.baseline,
                              low=series.baseline_low, high=series.baseline_high)
        if previous is not None:
            self.chart.set_previous(previous.ts, previous.sum, span)
        else:
            self.chart.clear_previous()
        now = _now_ms()
        self.alarm_periods = [(a.period_start, a.period_end or now, a.severity) for a in alarms]
        self.chart.set_alarm_periods(self.alarm_periods)
        self.chart.set_x_range(self.start_ms, self.end_ms)
        self.loaded.emit()

    # ------------------------------------------------------------------ live
    def _on_telemetry(self, type_: str, data) -> None:
        if not shiboken6.isValid(self):  # the hub outlives a closed panel
            return
        if self.device is None or self.series is None or self.end_ms < _now_ms() - self.series.bucket_ms:
            return
        for r in (data or {}).get("readings", ()):
            if r.get("device") == self.device.uid and r.get("key") == self.series.key:
                self.chart.append_reading(int(r["ts"]), float(r["value"]))

    def _on_alarm(self, type_: str, data) -> None:
        if not shiboken6.isValid(self):
            return
        self.overview.refresh()
        if self.device is not None and (data or {}).get("device") == self.device.uid:
            self.reload()

    # ------------------------------------------------------------------ export
    def csv_rows(self) -> list[list[str]]:
        """What the chart shows: one row per bucket, city time."""
        s = self.series
        if s is None:
            return []
        rows = [["time", "min", "avg", "max", "sum", "count", "expected", "expected_low", "expected_high", "unit"]]
        base = s.baseline or [None] * len(s.ts)
        low = s.baseline_low or [None] * len(s.ts)
        high = s.baseline_high or [None] * len(s.ts)
        for i, t in enumerate(s.ts):
            when = datetime.fromtimestamp(t / 1000, CITY_TZ).isoformat(timespec="minutes")
            rows.append([when, f"{s.min[i]:g}", f"{s.avg[i]:g}", f"{s.max[i]:g}", f"{s.sum[i]:g}", str(s.count[i]),
                         "" if base[i] is None else f"{base[i]:g}", "" if low[i] is None else f"{low[i]:g}",
                         "" if high[i] is None else f"{high[i]:g}", s.unit])
        return rows

    def export_csv(self, path: str, on_done=None) -> None:
        rows = self.csv_rows()

        def write():
            with open(path, "w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(rows)
            return path

        self.ctx.tasks.run(write, serial=True, on_done=on_done, what="export CSV")

    def _ask_export(self) -> None:
        if self.series is None:
            return
        name = f"{self.series.device}_{datetime.fromtimestamp(self.start_ms / 1000, CITY_TZ):%Y%m%d}.csv"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export CSV"), suggested_path(name), self.tr("CSV files (*.csv)"))
        if path:
            self.export_csv(path, on_done=lambda p: self.ctx.bus.status_message.emit(
                self.tr("Saved %1").replace("%1", p)))
