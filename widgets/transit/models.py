"""Table models of the Transport panel: smart stops with their next arrivals, routes, vehicles (ids + rows)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor

from widgets.common.palette import STATE_COLORS

CITY_TZ = timezone(timedelta(hours=3))
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def tr(text: str) -> str:
    """Translates a string marked elsewhere (QT_TRANSLATE_NOOP or a literal translate call)."""
    return QCoreApplication.translate("TransitModels", text)


def hhmm(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, CITY_TZ).strftime("%H:%M") if ms else "—"


def minutes_text(a, now_ms: int) -> str:
    """What a dispatcher reads for an arrival: '4 min', 'arriving', 'left 2 min ago', '14:05 sched.'."""
    if a.status == "departed":
        return QCoreApplication.translate("TransitModels", "left %n min ago").replace("%n", str(max(0, (now_ms - a.departed_ms) // 60_000)))
    if a.predicted_ms is None:
        return QCoreApplication.translate("TransitModels", "%1 sched.").replace("%1", hhmm(a.scheduled_ms))
    s = (a.predicted_ms - now_ms) / 1000
    return QCoreApplication.translate("TransitModels", "arriving") if s <= 60 else QCoreApplication.translate("TransitModels", "%n min").replace("%n", str(round(s / 60)))


def delay_text(delay_s: int | None) -> str:
    if delay_s is None:
        return "—"
    m, s = divmod(abs(round(delay_s)), 60)
    sign = "+" if delay_s > 0 else ("−" if delay_s < 0 else "")
    return f"{sign}{m}:{s:02d}"


def delay_color(delay_s: int | None) -> QColor | None:
    if delay_s is None:
        return None
    if delay_s > 300 or delay_s < -60:
        return QColor(STATE_COLORS["alarm"] if delay_s > 600 or delay_s < -120 else STATE_COLORS["warning"])
    return QColor(STATE_COLORS["ok"])


class RowsModel(QAbstractTableModel):
    """Rows are (id, [cells], {column: colour}); replaced whole on each refresh (tens of rows)."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, list[str], dict[int, QColor]]] = []

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.headers[section])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        rid, cells, colours = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cells[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return colours.get(index.column())
        if role == ID_ROLE:
            return rid
        return None

    def row_of(self, rid: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r[0] == rid), -1)


class StopsModel(RowsModel):
    headers = (QT_TRANSLATE_NOOP("TransitModels", "Stop"), QT_TRANSLATE_NOOP("TransitModels", "Next arrivals"),
               QT_TRANSLATE_NOOP("TransitModels", "Board"))

    def fill(self, items, now_ms: int | None = None) -> None:
        now_ms = now_ms or int(time.time() * 1000)
        rows = []
        for stop, arrivals in items:
            coming = [a for a in arrivals.arrivals if a.status != "departed"][:3]
            text = "   ".join(f"{a.route}: {minutes_text(a, now_ms)}" for a in coming) or QCoreApplication.translate("TransitModels", "no buses soon")
            b = stop.board
            if b is None or b.last_seen_at is None:
                health, colour = QCoreApplication.translate("TransitModels", "never seen"), QColor(STATE_COLORS["offline"])
            elif b.silent:
                health, colour = QCoreApplication.translate("TransitModels", "not responding"), QColor(STATE_COLORS["alarm"])
            else:
                health, colour = QCoreApplication.translate("TransitModels", "online"), QColor(STATE_COLORS["ok"])
            rows.append((stop.stop_id, [stop.name, text, health], {2: colour}))
        self.set_rows(rows)


class RoutesModel(RowsModel):
    headers = (QT_TRANSLATE_NOOP("TransitModels", "Route"), QT_TRANSLATE_NOOP("TransitModels", "Buses"),
               QT_TRANSLATE_NOOP("TransitModels", "Headway"), QT_TRANSLATE_NOOP("TransitModels", "On time"),
               QT_TRANSLATE_NOOP("TransitModels", "Mean delay"))

    def fill(self, routes) -> None:
        rows = []
        for r in routes:
            adherence = "—" if r.adherence is None else f"{round(r.adherence * 100)} %"
            colours = {}
            if r.adherence is not None:
                colours[3] = QColor(STATE_COLORS["ok"] if r.adherence >= 0.8 else
                                    STATE_COLORS["warning"] if r.adherence >= 0.5 else STATE_COLORS["alarm"])
            if (c := delay_color(r.mean_delay_s)) is not None:
                colours[4] = c
            headway = "—" if r.headway_min is None else QCoreApplication.translate("TransitModels", "%1 min").replace("%1", f"{r.headway_min:.0f}")
            rows.append((r.route_id, [f"{r.short_name}  {r.long_name}", str(r.vehicles), headway, adherence,
                                      delay_text(r.mean_delay_s)], colours))
        self.set_rows(rows)


class VehiclesModel(RowsModel):
    headers = (QT_TRANSLATE_NOOP("TransitModels", "Bus"), QT_TRANSLATE_NOOP("TransitModels", "Route"),
               QT_TRANSLATE_NOOP("TransitModels", "Deviation"), QT_TRANSLATE_NOOP("TransitModels", "Last report"),
               QT_TRANSLATE_NOOP("TransitModels", "State"), QT_TRANSLATE_NOOP("TransitModels", "Next stop"))
    STATES = {"in_service": QT_TRANSLATE_NOOP("TransitModels", "in service"),
              "at_terminus": QT_TRANSLATE_NOOP("TransitModels", "at terminus"),
              "not_reporting": QT_TRANSLATE_NOOP("TransitModels", "not reporting"),
              "off_route": QT_TRANSLATE_NOOP("TransitModels", "off route"),
              "no_trip": QT_TRANSLATE_NOOP("TransitModels", "no trip")}
    STATE_COLOURS = {"in_service": "ok", "at_terminus": "info", "not_reporting": "alarm", "off_route": "warning",
                     "no_trip": "offline"}

    def fill(self, vehicles, now_ms: int | None = None) -> None:
        now_ms = now_ms or int(time.time() * 1000)
        rows = []
        for v in vehicles:
            ago = max(0, (now_ms - v.ts) // 1000)
            last = QCoreApplication.translate("TransitModels", "%1 s ago").replace("%1", str(ago)) if ago < 120 else hhmm(v.ts)
            route = f"{v.route or '—'}" + (f" → {v.headsign}" if v.headsign else "")
            colours = {4: QColor(STATE_COLORS[self.STATE_COLOURS.get(v.state, "offline")])}
            if (c := delay_color(v.delay_s)) is not None:
                colours[2] = c
            rows.append((v.vehicle_id, [v.vehicle_id, route, delay_text(v.delay_s), last,
                                        tr(self.STATES.get(v.state, v.state)), v.next_stop or "—"], colours))
        self.set_rows(rows)
