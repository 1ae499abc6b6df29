"""The permits as a table model (ids plus rows; the view sorts and filters through a proxy)."""

from __future__ import annotations

from datetime import timedelta, timezone

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from backend_client.schemas.works import PermitOut
from widgets.common.palette import STATE_COLORS

CITY_TZ = timezone(timedelta(hours=3))
STATUS_COLORS = {"granted": STATE_COLORS["ok"], "applied": STATE_COLORS["info"], "suspended": STATE_COLORS["warning"],
                 "expired": STATE_COLORS["alarm"], "closed": STATE_COLORS["offline"]}
PERMIT_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    return QCoreApplication.translate("WorksLabels", text)


def status_title(code: str) -> str:
    return {"applied": tr("Applied"), "granted": tr("Granted"), "suspended": tr("Suspended"), "closed": tr("Closed"),
            "expired": tr("Expired")}.get(code, code)


def purpose_title(code: str) -> str:
    return {"heating_main": tr("Heating main"), "water": tr("Water main"), "sewerage": tr("Sewerage"),
            "cable": tr("Cable"), "gas": tr("Gas main"), "road": tr("Road"), "landscaping": tr("Landscaping"),
            "other": tr("Other")}.get(code, code)


def verdict_title(code: str) -> str:
    return {"legal": tr("Legal"), "outside_hours": tr("Outside the allowed hours"),
            "licence_expired": tr("Contractor's licence expired"), "expired": tr("Permit expired"),
            "suspended": tr("Permit suspended"), "no_permit": tr("No permit here")}.get(code, code)


class PermitModel(QAbstractTableModel):
    COLUMNS = ("number", "status", "purpose", "contractor", "address", "valid_to", "restore_by")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.permits: list[PermitOut] = []

    def set_permits(self, permits: list[PermitOut]) -> None:
        self.beginResetModel()
        self.permits = list(permits)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.permits)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (tr("Permit"), tr("Status"), tr("Works"), tr("Contractor"), tr("Address"), tr("Valid to"),
                    tr("Restore by"))[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.permits[index.row()]
        col = self.COLUMNS[index.column()]
        if role == PERMIT_ROLE:
            return p.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "status":
                return status_title(p.status)
            if col == "purpose":
                return purpose_title(p.purpose)
            if col == "valid_to":
                return f"{p.valid_to.astimezone(CITY_TZ):%d.%m.%Y %H:%M}"
            if col == "restore_by":
                return f"{p.restore_by:%d.%m.%Y}" if p.restore_by else "—"
            return getattr(p, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "status":
                return QColor(STATUS_COLORS.get(p.status, STATE_COLORS["info"]))
            if col == "restore_by" and p.restoration_overdue:
                return QColor(STATE_COLORS["alarm"])
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{p.contractor} · ИНН {p.contractor_inn}\n{p.responsible} {p.responsible_phone}".strip()
        if role == Qt.ItemDataRole.UserRole:  # sort key
            if col == "valid_to":
                return p.valid_to.timestamp()
            if col == "restore_by":
                return p.restore_by.isoformat() if p.restore_by else ""
            return str(getattr(p, col))
        return None


class PermitFilter(QSortFilterProxyModel):
    """Rows of one status (or all) whose number, contractor or address contains the text."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.status = ""
        self.text = ""
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_filter(self, status: str, text: str) -> None:
        self.beginFilterChange()
        self.status, self.text = status, text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent) -> bool:
        p = self.sourceModel().permits[row]
        if self.status and p.status != self.status:
            return False
        return not self.text or any(self.text in s.casefold() for s in (p.number, p.contractor, p.address))
