"""The permits as a table model (ids plus rows; the view sorts and filters through a proxy)."""

from __future__ import annotations

from datetime import timedelta, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from backend_client.schemas.works import PermitOut
from widgets.common.palette import STATE_COLORS

CITY_TZ = timezone(timedelta(hours=3))
STATUS_COLORS = {"granted": STATE_COLORS["ok"], "applied": STATE_COLORS["info"], "suspended": STATE_COLORS["warning"],
                 "expired": STATE_COLORS["alarm"], "closed": STATE_COLORS["offline"]}
PERMIT_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    return QCoreApplication.translate("WorksLabels", text)


STATUS_TITLES = {
    "applied": QT_TRANSLATE_NOOP("WorksLabels", "Applied"),
    "granted": QT_TRANSLATE_NOOP("WorksLabels", "Granted"),
    "suspended": QT_TRANSLATE_NOOP("WorksLabels", "Suspended"),
    "closed": QT_TRANSLATE_NOOP("WorksLabels", "Closed"),
    "expired": QT_TRANSLATE_NOOP("WorksLabels", "Expired"),
}
PURPOSE_TITLES = {
    "heating_main": QT_TRANSLATE_NOOP("WorksLabels", "Heating main"),
    "water": QT_TRANSLATE_NOOP("WorksLabels", "Water main"),
    "sewerage": QT_TRANSLATE_NOOP("WorksLabels", "Sewerage"),
    "cable": QT_TRANSLATE_NOOP("WorksLabels", "Cable"),
    "gas": QT_TRANSLATE_NOOP("WorksLabels", "Gas main"),
    "road": QT_TRANSLATE_NOOP("WorksLabels", "Road"),
    "landscaping": QT_TRANSLATE_NOOP("WorksLabels", "Landscaping"),
    "other": QT_TRANSLATE_NOOP("WorksLabels", "Other"),
}
VERDICT_TITLES = {
    "legal": QT_TRANSLATE_NOOP("WorksLabels", "Legal"),
    "outside_hours": QT_TRANSLATE_NOOP("WorksLabels", "Outside the allowed hours"),
    "licence_expired": QT_TRANSLATE_NOOP("WorksLabels", "Contractor's licence expired"),
    "expired": QT_TRANSLATE_NOOP("WorksLabels", "Permit expired"),
    "suspended": QT_TRANSLATE_NOOP("WorksLabels", "Permit suspended"),
    "no_permit": QT_TRANSLATE_NOOP("WorksLabels", "No permit here"),
}
HEADERS = (QT_TRANSLATE_NOOP("WorksLabels", "Permit"), QT_TRANSLATE_NOOP("WorksLabels", "Status"),
           QT_TRANSLATE_NOOP("WorksLabels", "Works"), QT_TRANSLATE_NOOP("WorksLabels", "Contractor"),
           QT_TRANSLATE_NOOP("WorksLabels", "Address"), QT_TRANSLATE_NOOP("WorksLabels", "Valid to"),
           QT_TRANSLATE_NOOP("WorksLabels", "Restore by"))


def status_title(code: str) -> str:
    return tr(STATUS_TITLES[code]) if code in STATUS_TITLES else code


def purpose_title(code: str) -> str:
    return tr(PURPOSE_TITLES[code]) if code in PURPOSE_TITLES else code


def verdict_title(code: str) -> str:
    return tr(VERDICT_TITLES[code]) if code in VERDICT_TITLES else code


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
            return tr(HEADERS[section])
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
