"""The Works panel: permits by status, expiring this week, restorations overdue, and the verdict of a point."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QDoubleValidator
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QSplitter, QTableView, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from backend_client.schemas.works import PERMIT_STATUSES
from backend_client.works import WorksApi
from widgets.common.palette import STATE_COLORS
from widgets.works.model import PERMIT_ROLE, STATUS_COLORS, PermitFilter, PermitModel, status_title, verdict_title
from widgets.works.shapes import permit_item

LAYER = "works"
VERDICT_COLORS = {"legal": STATE_COLORS["ok"], "outside_hours": STATE_COLORS["warning"],
                  "licence_expired": STATE_COLORS["warning"], "expired": STATE_COLORS["alarm"],
                  "suspended": STATE_COLORS["alarm"], "no_permit": STATE_COLORS["alarm"]}


class Chip(QLabel):
    """A count with its colour: one glance at the registry."""

    def __init__(self, color: str, parent=None) -> None:
        super().__init__(parent)
        self.color = color
        self.setObjectName("works_chip")
        self.setStyleSheet(f"QLabel#works_chip {{ border-left: 4px solid {color}; padding: 3px 8px; "
                           f"background: rgba(255,255,255,0.04); }}")

    def show_count(self, title: str, n: int) -> None:
        self.setText(f"<b style='font-size:15px'>{n}</b>&nbsp;&nbsp;{title}")


def _table(model) -> QTableView:
    proxy = PermitFilter(model)
    proxy.setSourceModel(model)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    for col, width in enumerate((110, 120, 120, 230, 200, 125, 125)):
        view.setColumnWidth(col, width)
    header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
    return view


class WorksPanel(QWidget):
    loaded = Signal()    # the registry was (re)loaded
    checked = Signal()   # a point's verdict arrived

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("works")
        self.ctx = ctx
        self.api = ctx.service(WorksApi)
        self.summary = None
        self.result = None
        self.permits = []

        # Counts by status and the two lists that need action.
        chips = QHBoxLayout()
        chips.setSpacing(6)
        self.chips = {s: Chip(STATUS_COLORS[s]) for s in PERMIT_STATUSES}
        for s in ("granted", "applied", "suspended", "expired", "closed"):
            chips.addWidget(self.chips[s])
        self.chip_expiring = Chip(STATE_COLORS["warning"])
        self.chip_overdue = Chip(STATE_COLORS["alarm"])
        chips.addWidget(self.chip_expiring)
        chips.addWidget(self.chip_overdue)
        chips.addStretch(1)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        chips.addWidget(self.refresh_button)

        self.all_model, self.expiring_model, self.overdue_model = PermitModel(self), PermitModel(self), PermitModel(self)
        self.all_view = _table(self.all_model)
        self.expiring_view = _table(self.expiring_model)
        self.overdue_view = _table(self.overdue_model)
        for view in (self.all_view, self.expiring_view, self.overdue_view):
            view.selectionModel().currentRowChanged.connect(lambda cur, _prev, v=view: self._row_chosen(v, cur))

        self.status_filter = QComboBox()
        self.status_filter.addItem(self.tr("All statuses"), "")
        for s in PERMIT_STATUSES:
            self.status_filter.addItem(status_title(s), s)
        self.status_filter.currentIndexChanged.connect(self._filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Number, contractor or address"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        all_page = QWidget()
        lay = QVBoxLayout(all_page)
        lay.setContentsMargins(0, 4, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(self.status_filter)
        bar.addWidget(self.search, 1)
        lay.addLayout(bar)
        lay.addWidget(self.all_view, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(all_page, self.tr("Permits"))
        self.tabs.addTab(self.expiring_view, self.tr("Expiring this week"))
        self.tabs.addTab(self.overdue_view, self.tr("Restoration overdue"))

        self.split = QSplitter(self)
        self.split.addWidget(self.tabs)
        self.split.addWidget(self._check_box())
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.split.setSizes([760, 420])

        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(chips)
        outer.addWidget(self.split, 1)

        self._reload_timer = QTimer(self, singleShot=True, interval=500, timeout=self.reload)
        ctx.events.subscribe("works.", self._on_event)
        ctx.bus.create_incident_at.connect(lambda lat, lon, _address: self.check_point(lat, lon))
        ctx.bus.incident_selected.connect(self.show_incident)
        self.incident_id: int | None = None
        self.incident_check = None
        self.reload()

    # ------------------------------------------------------------------ check
    def _check_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Is a dig legal here?"))
        grid = QGridLayout(box)
        hint = QLabel(self.tr("Right-click the map (New incident here) or enter a point."))
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        grid.addWidget(hint, 0, 0, 1, 4)
        self.lat_edit, self.lon_edit = QLineEdit(), QLineEdit()
        for edit, lo, hi in ((self.lat_edit, -90, 90), (self.lon_edit, -180, 180)):
            v = QDoubleValidator(lo, hi, 7, edit)
            v.setNotation(QDoubleValidator.Notation.StandardNotation)
            edit.setValidator(v)
        self.lat_edit.setPlaceholderText(self.tr("Latitude"))
        self.lon_edit.setPlaceholderText(self.tr("Longitude"))
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.clicked.connect(self._check_typed)
        grid.addWidget(self.lat_edit, 1, 0, 1, 2)
        grid.addWidget(self.lon_edit, 1, 2)
        grid.addWidget(self.check_button, 1, 3)
        self.verdict = QLabel("—")
        self.verdict.setObjectName("works_verdict")
        self.verdict.setStyleSheet("font-size: 17px; font-weight: 600; padding: 6px 0;")
        grid.addWidget(self.verdict, 2, 0, 1, 4)
        self.reasons = QLabel("")
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(self.reasons, 3, 0, 1, 4)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        grid.addWidget(line, 4, 0, 1, 4)
        grid.addWidget(QLabel(self.tr("Permits within 100 m")), 5, 0, 1, 4)
        self.nearby = QTableWidget(0, 3)
        self.nearby.setHorizontalHeaderLabels([self.tr("Permit"), self.tr("Status"), self.tr("Distance")])
        self.nearby.verticalHeader().hide()
        self.nearby.verticalHeader().setDefaultSectionSize(22)
        self.nearby.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.nearby.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.nearby.cellDoubleClicked.connect(self._nearby_chosen)
        grid.addWidget(self.nearby, 6, 0, 1, 4)
        grid.setRowStretch(6, 1)
        # The selected excavation incident: its verdict, and recording a violation.
        self.incident_label = QLabel("")
        self.incident_label.setWordWrap(True)
        self.violation_button = QPushButton(self.tr("Record a violation"))
        self.violation_button.setEnabled(False)
        self.violation_button.clicked.connect(self.record_violation)
        grid.addWidget(self.incident_label, 7, 0, 1, 3)
        grid.addWidget(self.violation_button, 7, 3)
        return box

    def _check_typed(self) -> None:
        try:
            lat, lon = float(self.lat_edit.text().replace(",", ".")), float(self.lon_edit.text().replace(",", "."))
        except ValueError:
            self.verdict.setText(self.tr("Enter a latitude and a longitude"))
            return
        self.check_point(lat, lon)

    def check_point(self, lat: float, lon: float) -> None:
        self.lat_edit.setText(f"{lat:.6f}")
        self.lon_edit.setText(f"{lon:.6f}")
        self.verdict.setText(self.tr("Checking…"))
        self.ctx.tasks.run(self.api.check, lat, lon, on_done=self._checked, what="works check")

    def _checked(self, result) -> None:
        self.result = result
        color = VERDICT_COLORS.get(result.verdict, STATE_COLORS["info"])
        self.verdict.setText(f"<span style='color:{color}'>●</span> {verdict_title(result.verdict)}")
        self.reasons.setText("\n".join(result.reasons))
        self.nearby.setRowCount(len(result.nearby))
        for row, n in enumerate(result.nearby):
            cells = (n.number, status_title(n.status), self.tr("%1 m").replace("%1", f"{n.distance_m:.0f}"))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, n.id)
                if col == 1:
                    item.setForeground(QColor(STATUS_COLORS.get(n.status, STATE_COLORS["info"])))
                self.nearby.setItem(row, col, item)
        self.checked.emit()

    def _nearby_chosen(self, row: int, _col: int) -> None:
        item = self.nearby.item(row, 0)
        if item is not None:
            self.ctx.bus.map_focus_requested.emit(LAYER, item.data(Qt.ItemDataRole.UserRole))

    # ------------------------------------------------------------------ incidents
    def show_incident(self, incident_id: int) -> None:
        """An excavation incident selected anywhere: show the verdict made when it was created or moved."""
        incident = self.ctx.incidents.cached(incident_id)
        if incident is None or incident.category != "excavation" or incident_id < 0:
            self.incident_id, self.incident_check = None, None
            self.incident_label.setText("")
            self.violation_button.setEnabled(False)
            return
        self.incident_id = incident_id
        self.check_point(incident.lat, incident.lon)
        self.ctx.tasks.run(self.api.incident_check, incident_id, on_done=self._incident_checked,
                           on_error=lambda _exc: self._incident_checked(None), what="works incident check")

    def _incident_checked(self, result) -> None:
        self.incident_check = result
        number = self.ctx.incidents.cached(self.incident_id).number if self.incident_id else ""
        if result is None:
            self.incident_label.setText(self.tr("Incident %1: not checked yet").replace("%1", number or ""))
            self.violation_button.setEnabled(False)
            return
        text = self.tr("Incident %1: %2").replace("%1", number or "").replace("%2", verdict_title(result.verdict))
        if result.violation_recorded:
            text += " · " + self.tr("violation recorded")
        self.incident_label.setText(text)
        self.violation_button.setEnabled(result.verdict != "legal" and not result.violation_recorded)

    def record_violation(self) -> None:
        if self.incident_id is None:
            return
        self.violation_button.setEnabled(False)
        self.ctx.tasks.run(self.api.record_violation, self.incident_id, on_done=self._incident_checked,
                           what="works violation")

    # ------------------------------------------------------------------ registry
    def reload(self) -> None:
        def load():
            return self.api.summary(), self.api.permits()
        self.ctx.tasks.run(load, on_done=self._loaded, what="works permits")

    def _loaded(self, result) -> None:
        self.summary, self.permits = result
        self._name_counts()
        self.all_model.set_permits(self.permits)
        self.expiring_model.set_permits(self.summary.expiring_this_week)
        self.overdue_model.set_permits(self.summary.restoration_overdue)
        self.ctx.bus.map_items_changed.emit(LAYER, self.map_items())
        self.loaded.emit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and self.summary is not None:
            self._name_counts()

    def _name_counts(self) -> None:
        for s, chip in self.chips.items():
            chip.show_count(status_title(s), self.summary.by_status.get(s, 0))
        self.chip_expiring.show_count(self.tr("expiring this week"), len(self.summary.expiring_this_week))
        self.chip_overdue.show_count(self.tr("restoration overdue"), len(self.summary.restoration_overdue))
        self.tabs.setTabText(1, self.tr("Expiring this week (%1)").replace("%1", str(len(self.summary.expiring_this_week))))
        self.tabs.setTabText(2, self.tr("Restoration overdue (%1)").replace("%1",
                                                                             str(len(self.summary.restoration_overdue))))

    def map_items(self) -> list[dict]:
        return [permit_item(p) for p in self.permits if p.status != "closed"]

    def _filter(self) -> None:
        self.all_view.model().set_filter(self.status_filter.currentData() or "", self.search.text())

    def _row_chosen(self, view: QTableView, current) -> None:
        if current.isValid():
            permit_id = view.model().data(current, PERMIT_ROLE)
            self.ctx.bus.map_focus_requested.emit(LAYER, permit_id)

    def _on_event(self, type_: str, data) -> None:
        if type_.startswith("works.permit"):
            self._reload_timer.start()
