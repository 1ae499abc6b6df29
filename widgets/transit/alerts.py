"""Service alerts in the Transport panel: the list, a form to publish one (Russian and English), ending one.

Published alerts reach the stop boards' tickers and /gtfs-rt/alerts.pb through the server.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QHeaderView, QLineEdit, QPlainTextEdit, QPushButton, QSpinBox, QTableView,
                               QVBoxLayout, QWidget)

from backend_client.schemas.transit import AlertIn
from widgets.common.palette import STATE_COLORS
from widgets.transit.models import ID_ROLE, RowsModel, hhmm


class AlertsModel(RowsModel):
    headers = (QT_TRANSLATE_NOOP("TransitModels", "Alert"), QT_TRANSLATE_NOOP("TransitModels", "Route"),
               QT_TRANSLATE_NOOP("TransitModels", "Stops"), QT_TRANSLATE_NOOP("TransitModels", "Until"),
               QT_TRANSLATE_NOOP("TransitModels", "State"))

    def fill(self, alerts) -> None:
        rows = []
        for a in alerts:
            state = (QCoreApplication.translate("TransitModels", "active") if a.active
                     else QCoreApplication.translate("TransitModels", "ended"))
            until = hhmm(int(a.ends_at.timestamp() * 1000)) if a.ends_at else "—"
            rows.append((str(a.id), [a.header_ru, a.route_id or "—", ", ".join(a.stop_ids) or "—", until, state],
                         {4: QColor(STATE_COLORS["warning" if a.active else "offline"])}))
        self.set_rows(rows)


class AlertForm(QDialog):
    """A new service alert: route and/or stops, how long, the text in Russian and English."""

    def __init__(self, routes: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New service alert"))
        self.route = QComboBox()
        self.route.addItem(self.tr("(no route: stops only)"), None)
        for r in routes:
            self.route.addItem(f"{r.short_name}  {r.long_name}", r.route_id)
        self.stops = QLineEdit()
        self.stops.setPlaceholderText(self.tr("stop ids, comma-separated, e.g. KUR013, KUR020"))
        self.hours = QSpinBox()
        self.hours.setRange(0, 24 * 30)
        self.hours.setValue(4)
        self.hours.setSpecialValueText(self.tr("until ended"))
        self.hours.setSuffix(self.tr(" h"))
        self.header_ru, self.header_en = QLineEdit(), QLineEdit()
        self.header_ru.setMaxLength(200)
        self.header_en.setMaxLength(200)
        self.text_ru, self.text_en = QPlainTextEdit(), QPlainTextEdit()
        for t in (self.text_ru, self.text_en):
            t.setMaximumHeight(70)
        form = QFormLayout()
        form.addRow(self.tr("Route"), self.route)
        form.addRow(self.tr("Stops"), self.stops)
        form.addRow(self.tr("Lasts"), self.hours)
        form.addRow(self.tr("Headline (Russian)"), self.header_ru)
        form.addRow(self.tr("Headline (English)"), self.header_en)
        form.addRow(self.tr("Details (Russian)"), self.text_ru)
        form.addRow(self.tr("Details (English)"), self.text_en)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Publish"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.buttons)

    def alert(self) -> AlertIn:
        """The form as an AlertIn; raises ValueError (pydantic's) with what is wrong."""
        now = datetime.now(timezone.utc)
        stops = [s.strip() for s in self.stops.text().replace(";", ",").split(",") if s.strip()]
        return AlertIn(route_id=self.route.currentData(), stop_ids=stops,  # starts now, by the server's clock
                       ends_at=now + timedelta(hours=self.hours.value()) if self.hours.value() else None,
                       header_ru=self.header_ru.text(), header_en=self.header_en.text(),
                       text_ru=self.text_ru.toPlainText(), text_en=self.text_en.toPlainText())


class AlertsTab(QWidget):
    changed = Signal()  # an alert was published or ended (tests wait for it)

    def __init__(self, ctx, api, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.api = ctx, api
        self.routes: list = []
        self.model = AlertsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.new_button = QPushButton(self.tr("New alert…"))
        self.new_button.clicked.connect(self.ask_new)
        self.end_button = QPushButton(self.tr("End alert"))
        self.end_button.clicked.connect(self.end_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.new_button)
        bar.addWidget(self.end_button)
        bar.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)

    def refresh(self) -> None:
        self.ctx.tasks.run(self.api.alerts, on_done=self.model.fill, what="transit alerts")

    def ask_new(self) -> None:
        form = AlertForm(self.routes, self)
        form.setModal(True)
        form.accepted.connect(lambda: self.publish(form))
        form.open()

    def publish(self, form: AlertForm) -> None:
        try:
            data = form.alert()
        except ValueError as exc:
            self.ctx.errors.report(self.tr("Service alert"), exc)
            return
        self.ctx.tasks.run(self.api.create_alert, data, on_done=self._done, what="publish transit alert")

    def end_selected(self) -> None:
        idx = self.view.currentIndex()
        if idx.isValid():
            self.ctx.tasks.run(self.api.end_alert, int(self.model.data(idx, ID_ROLE)), on_done=self._done,
                               what="end transit alert")

    def _done(self, _alert) -> None:
        self.refresh()
        self.changed.emit()
