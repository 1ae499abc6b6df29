"""Report → "Shift report…": the period (preset to the current shift), making it with progress, then the
PDF opens; and the earlier reports, to open again or save as a spreadsheet."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QDateTime, QModelIndex, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QDialog, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
                               QLabel, QProgressBar, QPushButton, QTableView, QVBoxLayout, QWidget)

from backend_client.reports import ReportsApi
from backend_client.schemas.reports import ReportOut
from widgets.common.paths import suggested_path
from widgets.common.protocols import PanelContext

CITY = timezone(timedelta(hours=3))  # Kurchatov keeps Moscow time all year


def shift_bounds(now: datetime, changes: str) -> tuple[datetime, datetime]:
    """The shift holding `now` in the city's time, from "08:00,20:00"-style change times."""
    marks = []
    for part in changes.split(","):
        hh, _, mm = part.strip().partition(":")
        marks.append(int(hh) * 60 + int(mm or 0))
    n = now.astimezone(CITY)
    midnight = n.replace(hour=0, minute=0, second=0, microsecond=0)
    times = sorted(midnight + timedelta(days=d, minutes=m) for d in (-1, 0, 1) for m in set(marks))
    start = max(t for t in times if t <= n)
    return start, min(t for t in times if t > n)


def _qdt(t: datetime) -> QDateTime:
    t = t.astimezone(CITY)
    return QDateTime.fromString(t.strftime("%Y-%m-%d %H:%M"), "yyyy-MM-dd HH:mm")


def _city(q: QDateTime) -> datetime:
    return datetime.strptime(q.toString("yyyy-MM-dd HH:mm"), "%Y-%m-%d %H:%M").replace(tzinfo=CITY)


class ReportsModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ReportOut] = []
        self.headers = [self.tr("Made"), self.tr("Period"), self.tr("By"), self.tr("State")]

    def set_rows(self, rows: list[ReportOut]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self.rows[index.row()]
        fmt = "%d.%m.%Y %H:%M"
        col = index.column()
        if col == 0:
            return r.created_at.astimezone(CITY).strftime(fmt)
        if col == 1:
            return f"{r.period.start.astimezone(CITY).strftime(fmt)} — {r.period.end.astimezone(CITY).strftime(fmt)}"
        if col == 2:
            return r.created_by
        states = {"queued": self.tr("queued"), "running": self.tr("being made"), "done": self.tr("ready"),
                  "failed": self.tr("failed")}
        return states.get(r.status, r.status) + (f": {r.error}" if r.error else "")


class ShiftReportDialog(QDialog):
    finished_report = Signal(object)  # ReportOut, once its PDF is on disk

    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.api = ctx.service(ReportsApi)
        self.settings = ctx.settings.section("room")
        self.setWindowTitle(self.tr("Shift report"))
        self.resize(760, 520)
        self.opener = QDesktopServices.openUrl  # a test puts its own here
        self.current: ReportOut | None = None
        self.last_file: Path | None = None

        self.preset = QComboBox()
        for key, text in (("shift", self.tr("Current shift")), ("previous", self.tr("Previous shift")),
                          ("day", self.tr("Today")), ("week", self.tr("This week")), ("custom", self.tr("Other period"))):
            self.preset.addItem(text, key)
        self.start = QDateTimeEdit()
        self.end = QDateTimeEdit()
        for e in (self.start, self.end):
            e.setDisplayFormat("dd.MM.yyyy HH:mm")
            e.setCalendarPopup(True)
        self.make = QPushButton(self.tr("Make report"))
        self.make.setDefault(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.state = QLabel()
        form = QFormLayout()
        form.addRow(self.tr("Period"), self.preset)
        form.addRow(self.tr("From (city time)"), self.start)
        form.addRow(self.tr("To (city time)"), self.end)

        self.model = ReportsModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.open_pdf = QPushButton(self.tr("Open PDF"))
        self.save_xlsx = QPushButton(self.tr("Save spreadsheet…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_pdf)
        buttons.addWidget(self.save_xlsx)
        buttons.addStretch(1)
        close = QPushButton(self.tr("Close"))
        buttons.addWidget(close)

        root = QVBoxLayout(self)
        root.addLayout(form)
        row = QHBoxLayout()
        row.addWidget(self.make)
        row.addWidget(self.progress, 1)
        row.addWidget(self.state, 1)
        root.addLayout(row)
        root.addWidget(QLabel(self.tr("Earlier reports")))
        root.addWidget(self.table, 1)
        root.addLayout(buttons)

        self.preset.currentIndexChanged.connect(self._apply_preset)
        self.make.clicked.connect(self.make_report)
        self.open_pdf.clicked.connect(lambda: self._selected() and self.fetch(self._selected(), "pdf", open_it=True))
        self.save_xlsx.clicked.connect(self._save_xlsx)
        self.table.doubleClicked.connect(lambda _i: self._selected() and self.fetch(self._selected(), "pdf", True))
        close.clicked.connect(self.accept)
        self._poll = QTimer(self)
        self._poll.setInterval(500)
        self._poll.timeout.connect(self._check)
        self._apply_preset()
        self.reload()

    # ----------------------------------------------------------- period
    def _apply_preset(self) -> None:
        key = self.preset.currentData()
        now = datetime.now(CITY)
        custom = key == "custom"
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        if custom:
            return
        if key in ("shift", "previous"):
            start, end = shift_bounds(now, self.settings.shift_changes)
            if key == "previous":
                start, end = shift_bounds(start - timedelta(minutes=1), self.settings.shift_changes)
        elif key == "day":
            start = now.replace(hour=0, minute=0, second=0, microsecond=0)
            end = start + timedelta(days=1)
        else:
            start = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=now.weekday())
            end = start + timedelta(days=7)
        self.start.setDateTime(_qdt(start))
        self.end.setDateTime(_qdt(end))

    def period(self) -> tuple[datetime, datetime]:
        return _city(self.start.dateTime()), _city(self.end.dateTime())

    # ----------------------------------------------------------- making
    def make_report(self) -> None:
        start, end = self.period()
        if end <= start:
            self.state.setText(self.tr("The end must be after the start"))
            return
        self.make.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.state.setText(self.tr("Asking the server…"))
        self.ctx.tasks.run(self.api.create, "custom", start, end, on_done=self._started, on_error=self._failed,
                           what=self.tr("Shift report"))

    def _started(self, report: ReportOut) -> None:
        self.current = report
        self.state.setText(self.tr("Being made…"))
        self._poll.start()

    def _check(self) -> None:
        if self.current is not None:
            self.ctx.tasks.run(self.api.get, self.current.id, on_done=self._state, on_error=self._failed)

    def _state(self, report: ReportOut) -> None:
        self.current = report
        self.progress.setValue(int(report.progress * 100))
        if report.status == "done":
            self._poll.stop()
            self.state.setText(self.tr("Ready; opening the PDF…"))
            self.fetch(report, "pdf", open_it=True)
            self.reload()
        elif report.status == "failed":
            self._poll.stop()
            self._failed(report.error or "failed")

    def _failed(self, exc) -> None:
        self._poll.stop()
        self.make.setEnabled(True)
        self.progress.hide()
        self.state.setText(self.tr("The report failed: {0}").format(getattr(exc, "message", None) or str(exc)))

    # ----------------------------------------------------------- files
    def reports_dir(self) -> Path:
        base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
        path = Path(base or ".") / "reports"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def fetch(self, report: ReportOut, fmt: str, open_it: bool = False, target: Path | None = None) -> None:
        target = target or self.reports_dir() / f"report-{report.id}.{fmt}"

        def download() -> Path:
            target.write_bytes(self.api.download(report.id, fmt))
            return target

        def done(path: Path) -> None:
            self.last_file = path
            self.make.setEnabled(True)
            self.progress.hide()
            self.state.setText(self.tr("Saved to {0}").format(str(path)))
            if open_it:
                self.opener(QUrl.fromLocalFile(str(path)))
            self.finished_report.emit(report)

        self.ctx.tasks.run(download, on_done=done, on_error=self._failed, what=self.tr("Shift report"))

    def _selected(self) -> ReportOut | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        r = self.model.rows[rows[0].row()]
        return r if r.status == "done" else None

    def _save_xlsx(self) -> None:
        report = self._selected()
        if report is None:
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save spreadsheet"),
                                              suggested_path(f"report-{report.id}.xlsx"), "Excel (*.xlsx)")
        if name:
            self.fetch(report, "xlsx", target=Path(name))

    def reload(self) -> None:
        self.ctx.tasks.run(self.api.list, on_done=self.model.set_rows, what=self.tr("Shift reports"))

    def done(self, result: int) -> None:
        self._poll.stop()
        super().done(result)
