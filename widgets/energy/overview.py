"""City overview: today's use per resource against the baseline, top consumers, active alarms."""

from __future__ import annotations

from datetime import timedelta, timezone

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from backend_client.energy import EnergyApi
from widgets.common.incident_labels import org_short
from widgets.common.server_texts import server_text
from widgets.energy.chart import CITY_UTC_OFFSET_S, SEVERITY_COLORS
from widgets.energy.labels import Labels


CITY_TZ = timezone(timedelta(seconds=CITY_UTC_OFFSET_S))
ALARM_COLUMN = 2  # the alarm's kind and, below it, what the rule saw: it takes the spare width


def _site_item(site: str) -> QStandardItem:
    """"Детский сад № 7" in the cell, "МБДОУ «Детский сад № 7»" in its tooltip."""
    item = QStandardItem(org_short(site))
    item.setToolTip(site)
    return item


class CityOverview(QWidget):
    """Refreshes every minute and when an alarm changes; all calls run on the task pool."""

    meter_requested = Signal(str)  # device uid to chart
    alarms_loaded = Signal(object)  # list of active AlarmOut

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.api = ctx.service(EnergyApi)
        self.labels = Labels(self)
        self.alarms: list = []
        self._busy = False

        tiles = QHBoxLayout()
        self.tiles: dict[str, QLabel] = {}
        for resource in ("electricity", "heat", "water"):
            box = QGroupBox(self.labels.resource(resource))
            lay = QVBoxLayout(box)
            lab = QLabel("—")
            lab.setWordWrap(True)  # "expected 2 739.3 (+0%)" takes a second line in a narrow dock
            lab.setObjectName(f"today_{resource}")
            lay.addWidget(lab)
            self.tiles[resource] = lab
            tiles.addWidget(box)

        self.top_model = QStandardItemModel(0, 4, self)
        self.top_view = self._table(self.top_model, 0)
        self.top_view.doubleClicked.connect(self._open_top)
        # The unit names the resource (кВт·ч, Гкал, м³); the name itself is in the value's tooltip.
        self.top_view.setColumnHidden(1, True)

        self.alarm_model = QStandardItemModel(0, 5, self)
        self._name_columns()
        self._last = None  # the last overview shown, drawn again in another language
        self.alarm_view = self._table(self.alarm_model, ALARM_COLUMN)
        # Two lines per alarm (its kind, then what the rule saw): rows grow to fit them.
        self.alarm_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.alarm_view.setWordWrap(True)
        self.alarm_view.doubleClicked.connect(self._open_alarm)
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.clicked.connect(self.acknowledge_selected)

        # Side by side when wide; one above the other in a narrower dock, so that neither table
        # squeezes its building names to "…" (the 1920 px "All panels" workspace).
        self.top_label = QLabel(self.tr("Top consumers today"))
        self.alarm_label = QLabel(self.tr("Active alarms"))
        top_box, alarm_box = QWidget(), QWidget()
        top_lay, alarm_lay = QVBoxLayout(top_box), QVBoxLayout(alarm_box)
        for lay in (top_lay, alarm_lay):
            lay.setContentsMargins(0, 0, 0, 0)
        top_lay.addWidget(self.top_label)
        top_lay.addWidget(self.top_view, 1)
        alarm_lay.addWidget(self.alarm_label)
        alarm_lay.addWidget(self.alarm_view, 1)
        # The result of acknowledging, beside the button the operator just pressed (and in the status
        # bar); it clears itself after a while.
        self.ack_result = QLabel()
        self.ack_result.setObjectName("ackResult")
        self.ack_result.setWordWrap(True)
        self._ack_clear = QTimer(self)
        self._ack_clear.setSingleShot(True)
        self._ack_clear.timeout.connect(self.ack_result.clear)
        ack_row = QHBoxLayout()
        ack_row.addWidget(self.ack_button)
        ack_row.addWidget(self.ack_result, 1)
        alarm_lay.addLayout(ack_row)
        self.tables = QSplitter(self)
        self.tables.setChildrenCollapsible(False)
        self.tables.addWidget(top_box)
        self.tables.addWidget(alarm_box)

        grid = QGridLayout(self)
        grid.addLayout(tiles, 0, 0)
        grid.addWidget(self.tables, 1, 0)
        grid.setRowStretch(1, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    SIDE_BY_SIDE_FROM = 1400  # px of the overview's width: two tables of four and five columns

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        wide = event.size().width() >= self.SIDE_BY_SIDE_FROM
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.tables.orientation() != orientation:
            self.tables.setOrientation(orientation)

    def _name_columns(self) -> None:
        self.top_model.setHorizontalHeaderLabels([self.tr("Building"), self.tr("Resource"), self.tr("Today"),
                                                  self.tr("Expected")])
        self.alarm_model.setHorizontalHeaderLabels([self.tr("Severity"), self.tr("Building"), self.tr("Alarm"),
                                                    self.tr("Since"), self.tr("State")])

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._name_columns()
            self.top_label.setText(self.tr("Top consumers today"))
            self.alarm_label.setText(self.tr("Active alarms"))
            if self._last is not None:
                self._show(self._last[0], self.alarms)

    def _table(self, model, stretch: int) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        # Every column as wide as its longest text (short building names, their full ones in the
        # tooltip); the last takes what is left. A stretched name column was squeezed to "…".
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        return view

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        api = self.api

        def fetch():
            return api.overview(), api.alarms(state="active")

        self.ctx.tasks.run(fetch, on_done=self._loaded, on_error=self._failed, what="energy overview")

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.ctx.errors.report(self.tr("Energy overview"), exc)

    def _loaded(self, result) -> None:
        self._busy = False
        self._last = result
        self._show(*result)

    def _show(self, overview, alarms) -> None:
        for r in overview.resources:
            text = f"{r.used:,.1f} {self.labels.unit(r.unit)}".replace(",", " ")
            if r.baseline:
                pct = (r.used / r.baseline - 1) * 100 if r.baseline else 0
                text += "\n" + self.tr("expected %1 (%2%)").replace(
                    "%1", f"{r.baseline:,.1f}".replace(",", " ")).replace("%2", f"{pct:+.0f}")
            self.tiles[r.resource].setText(text)
        self.top_model.removeRows(0, self.top_model.rowCount())
        for c in overview.top:
            row = [_site_item(c.site), QStandardItem(self.labels.resource(c.resource)),
                   QStandardItem(f"{c.used:.2f} {self.labels.unit(c.unit)}"),
                   QStandardItem("—" if c.baseline is None else f"{c.baseline:.2f} {self.labels.unit(c.unit)}")]
            row[0].setData(c.device)
            row[2].setToolTip(self.labels.resource(c.resource))
            row[3].setToolTip(self.labels.resource(c.resource))
            self.top_model.appendRow(row)
        self.set_alarms(alarms)

    def set_alarms(self, alarms: list) -> None:
        self.alarms = alarms
        self.alarms_loaded.emit(alarms)
        self.alarm_model.removeRows(0, self.alarm_model.rowCount())
        for a in alarms:
            sev = QStandardItem(self.labels.severity(a.severity))
            sev.setForeground(QColor(SEVERITY_COLORS.get(a.severity, "#e5484d")))
            sev.setData(a.id)
            since = a.raised_at.astimezone(CITY_TZ).strftime("%d.%m %H:%M")  # city time, as on the chart
            what = QStandardItem(f"{self.labels.alarm_type(a.type)}\n{self.alarm_details(a)}")
            what.setToolTip(what.text())
            self.alarm_model.appendRow([sev, _site_item(a.site), what, QStandardItem(since),
                                        QStandardItem(self.labels.state(a.state))])

    def alarm_details(self, alarm) -> str:
        """What the rule saw, in the current language (the server's English for codes unknown here)."""
        return server_text(alarm.code, alarm.params, alarm.message)

    def selected_alarm(self):
        rows = self.alarm_view.selectionModel().selectedRows()
        return self.alarms[rows[0].row()] if rows else None

    def acknowledge_selected(self) -> None:
        alarm = self.selected_alarm()
        if alarm is None or alarm.state != "active_unack":
            return
        what = f"{self.labels.alarm_type(alarm.type)} · {org_short(alarm.site)}"

        def done(_) -> None:
            text = self.tr("Acknowledged: {0}").format(what)
            self._show_ack_result(text, ok=True)
            self.refresh()

        # A failure goes to the error sink the operator sees (status bar, translated), as elsewhere.
        self.ctx.tasks.run(self.api.acknowledge, alarm.id, on_done=done, what="acknowledge alarm")

    def _show_ack_result(self, text: str, *, ok: bool) -> None:
        self.ack_result.setText(("✓ " if ok else "⚠ ") + text)
        self.ack_result.setStyleSheet(f"color: {'#46a758' if ok else '#e5484d'};")
        self.ctx.bus.status_message.emit(text)
        self._ack_clear.start(8000)

    def _open_top(self, index) -> None:
        uid = self.top_model.item(index.row(), 0).data()
        if uid:
            self.meter_requested.emit(uid)

    def _open_alarm(self, index) -> None:
        self.meter_requested.emit(self.alarms[index.row()].device)
