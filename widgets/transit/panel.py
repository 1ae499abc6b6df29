"""The Transport panel: the 8 smart stops with their next arrivals and board health, routes with headway and
adherence, the selected route's Marey chart, the vehicles; buses, stops and the route's shape on the map."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QButtonGroup, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget)

from backend_client.transit import TransitApi
from widgets.common.palette import STATE_COLORS
from widgets.transit.alerts import AlertsTab
from widgets.transit.marey import MareyChart
from widgets.transit.models import ID_ROLE, RoutesModel, StopsModel, VehiclesModel

BUSES, STOPS, ROUTE = "transit_buses", "transit_stops", "transit_route"
REFRESH_MS = 10_000


def _table(model, parent) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


class TransitPanel(QWidget):
    """Panel(ctx): every network call runs through ctx.tasks; the map hears of buses through ctx.bus."""

    loaded = Signal()  # a refresh landed (tests and screenshots wait for it)
    marey_loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transit")
        self.ctx = ctx
        self.api = ctx.service(TransitApi)
        self.route_id: str | None = None
        self.direction = 0
        self.route_colours: dict[str, str] = {}
        self._boards: dict[str, QWidget] = {}  # stop id → its open board window
        self.smart: set[str] = set()
        self._busy = False
        self.offset_ms = 0  # the server's clock minus ours (from the arrivals' now_ms)

        self.stops_model, self.routes_model, self.vehicles_model = StopsModel(self), RoutesModel(self), VehiclesModel(self)
        self.stops_view = _table(self.stops_model, self)
        self.vehicles_view = _table(self.vehicles_model, self)
        self.routes_view = _table(self.routes_model, self)
        self.stops_view.selectionModel().currentRowChanged.connect(self._stop_chosen)
        ctx.bus.map_item_clicked.connect(self.open_item)
        self.vehicles_view.selectionModel().currentRowChanged.connect(self._vehicle_chosen)
        self.routes_view.selectionModel().currentRowChanged.connect(self._route_chosen)

        self.board_button = QPushButton(self.tr("Open board"))
        self.board_button.setToolTip(self.tr("Open the selected smart stop's board page in the browser"))
        self.board_button.setEnabled(False)
        self.board_button.clicked.connect(self.open_board)
        self.status = QLabel("")
        self.status.setObjectName("transit_status")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Smart stops and buses")))
        top.addStretch(1)
        top.addWidget(self.status)
        top.addWidget(self.board_button)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.stops_view, self.tr("Smart stops"))
        self.tabs.addTab(self.vehicles_view, self.tr("Vehicles"))
        self.alerts = AlertsTab(ctx, self.api, self)
        self.tabs.addTab(self.alerts, self.tr("Service alerts"))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(4, 4, 4, 4)
        ll.addLayout(top)
        ll.addWidget(self.tabs, 1)

        self.marey = MareyChart(self)
        self.marey_title = QLabel(self.tr("Choose a route"))
        self.direction_buttons = QButtonGroup(self)
        dir_bar = QHBoxLayout()
        dir_bar.addWidget(self.marey_title, 1)
        for d, text in ((0, self.tr("Direction A")), (1, self.tr("Direction B"))):
            b = QPushButton(text)
            b.setCheckable(True)
            b.setChecked(d == 0)
            b.clicked.connect(lambda _=False, d=d: self.set_direction(d))
            self.direction_buttons.addButton(b, d)
            dir_bar.addWidget(b)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(4, 4, 4, 4)
        rl.addWidget(self.routes_view, 2)
        rl.addLayout(dir_bar)
        rl.addWidget(self.marey, 5)

        split = QSplitter(self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 5)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)

        self.timer = QTimer(self, interval=REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._bus_timer = QTimer(self, singleShot=True, interval=1000)
        self._bus_timer.timeout.connect(self._refresh_vehicles)
        ctx.events.subscribe("transit.", self._on_event)
        self.ctx.tasks.run(self.api.stops, on_done=self._stops_loaded, what="transit stops")
        self.refresh()
        self.alerts.refresh()

    # loading ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True

        def load():
            return self.api.smart_stops_with_arrivals(), self.api.routes(), self.api.vehicles(), self.api.ingest_stats()

        self.ctx.tasks.run(load, on_done=self._loaded, on_error=self._failed, what="transit")
        if self.route_id:
            self.load_marey()

    def _failed(self, exc) -> None:
        self._busy = False
        self.ctx.errors.report(self.tr("Transport"), exc)

    def _loaded(self, result) -> None:
        self._busy = False
        smart, routes, vehicles, stats = result
        if smart:
            self.offset_ms = smart[0][1].now_ms - int(time.time() * 1000)
        now = self.now_ms()
        keep_stop, keep_route, keep_bus = (self._current(v) for v in (self.stops_view, self.routes_view,
                                                                       self.vehicles_view))
        self.smart = {s.stop_id for s, _ in smart}
        self.stops_model.fill(smart, now)
        self.alerts.routes = routes
        self.route_colours = {r.route_id: f"#{r.color}" if r.color else STATE_COLORS["info"] for r in routes}
        self.routes_model.fill(routes)
        self.vehicles_model.fill(vehicles, now)
        for view, model, key in ((self.stops_view, self.stops_model, keep_stop),
                                 (self.routes_view, self.routes_model, keep_route),
                                 (self.vehicles_view, self.vehicles_model, keep_bus)):
            if key and (row := model.row_of(key)) >= 0:
                view.blockSignals(True)
                view.selectRow(row)
                view.blockSignals(False)
        silent = sum(1 for s, _ in smart if s.board and s.board.silent)
        dropped = sum(stats.dropped.values())
        self.status.setText(self.tr("%1 buses · %2 boards silent · %3 reports dropped")
                            .replace("%1", str(sum(1 for v in vehicles if v.state != "not_reporting")))
                            .replace("%2", str(silent)).replace("%3", str(dropped)))
        self._publish_buses(vehicles)
        if self.route_id is None and routes:
            self.routes_view.selectRow(0)
        self.loaded.emit()

    def _stops_loaded(self, stops) -> None:
        self.ctx.bus.map_items_changed.emit(STOPS, [
            {"id": s.stop_id, "lat": s.lat, "lon": s.lon, "title": f"{s.name} ({', '.join(s.routes)})",
             "radius": 6 if s.board else 4, "color": "#ffb300" if s.board else "#c9ced6"} for s in stops])

    def _publish_buses(self, vehicles) -> None:
        items = []
        for v in vehicles:
            if v.state == "not_reporting":
                colour = STATE_COLORS["offline"]
            else:
                colour = self.route_colours.get(v.route_id or "", STATE_COLORS["info"])
            arrow = "" if v.bearing is None else " " + "↑↗→↘↓↙←↖"[int(((v.bearing + 22.5) % 360) // 45)]
            title = f"{v.vehicle_id} · {v.route or '—'}" + (f" → {v.headsign}" if v.headsign else "")
            items.append({"id": v.vehicle_id, "lat": v.lat, "lon": v.lon, "glyph": f"{v.route or '?'}{arrow}",
                          "color": colour, "title": title})
        self.ctx.bus.map_items_changed.emit(BUSES, items)

    def _on_event(self, type_: str, data) -> None:
        if type_ == "transit.vehicles":
            self._bus_timer.start()  # coalesce: at most one vehicles reload a second
        elif type_ == "transit.board":
            self.refresh()
        elif type_ == "transit.alert":
            self.alerts.refresh()

    def _refresh_vehicles(self) -> None:
        self.ctx.tasks.run(self.api.vehicles, on_done=self._vehicles_loaded, what="transit vehicles")

    def now_ms(self) -> int:
        return int(time.time() * 1000) + self.offset_ms

    def _vehicles_loaded(self, vehicles) -> None:
        self.vehicles_model.fill(vehicles, self.now_ms())
        self._publish_buses(vehicles)

    # routes and the Marey chart ------------------------------------------------------------------
    @staticmethod
    def _current(view) -> str | None:
        idx = view.currentIndex()
        return view.model().data(idx, ID_ROLE) if idx.isValid() else None

    def _route_chosen(self, current, _previous) -> None:
        rid = self.routes_model.data(current, ID_ROLE) if current.isValid() else None
        if not rid or rid == self.route_id:
            return
        self.route_id = rid
        self.load_marey()
        self.ctx.tasks.run(self.api.route, rid, on_done=self._route_loaded, what="transit route")

    def _route_loaded(self, route) -> None:
        colour = f"#{route.color}" if route.color else STATE_COLORS["info"]
        self.ctx.bus.map_items_changed.emit(ROUTE, [
            {"id": f"{route.route_id}-{d}", "title": f"{route.short_name} {route.long_name}", "color": colour,
             "weight": 5, "geometry": {"type": "LineString", "coordinates": [[lon, lat] for lat, lon in shape]}}
            for d, shape in enumerate(route.shapes[:1])])

    def set_direction(self, direction: int) -> None:
        self.direction = direction
        self.direction_buttons.button(direction).setChecked(True)
        self.load_marey()

    def load_marey(self) -> None:
        if self.route_id:
            self.ctx.tasks.run(self.api.marey, self.route_id, self.direction, on_done=self._marey_loaded,
                               what="transit Marey chart")

    def _marey_loaded(self, marey) -> None:
        if marey.route_id != self.route_id or marey.direction_id != self.direction:
            return  # an answer for an earlier choice
        first = marey.stops[0][1] if marey.stops else ""
        last = marey.stops[-1][1] if marey.stops else ""
        self.marey_title.setText(self.tr("Route %1: %2 → %3").replace("%1", marey.route_id)
                                 .replace("%2", first).replace("%3", last))
        self.marey.set_marey(marey, self.now_ms() / 1000)
        self.marey_loaded.emit()

    # stops and vehicles ------------------------------------------------------------------------
    def _stop_chosen(self, current, _previous) -> None:
        sid = self.stops_model.data(current, ID_ROLE) if current.isValid() else None
        self.board_button.setEnabled(bool(sid))
        if sid:
            self.ctx.bus.map_focus_requested.emit(STOPS, sid)

    def _vehicle_chosen(self, current, _previous) -> None:
        vid = self.vehicles_model.data(current, ID_ROLE) if current.isValid() else None
        if vid:
            self.ctx.bus.map_focus_requested.emit(BUSES, vid)

    def open_item(self, layer: str, item_id: str) -> None:
        """A stop or a bus clicked on the map: its row here, in view."""
        for name, view, model in ((STOPS, self.stops_view, self.stops_model),
                                  (BUSES, self.vehicles_view, self.vehicles_model)):
            if layer == name and (row := model.row_of(item_id)) >= 0:
                self.tabs.setCurrentWidget(view)
                view.selectRow(row)
                view.scrollTo(model.index(row, 0))

    def selected_stop(self) -> str | None:
        return self._current(self.stops_view)

    def open_board(self) -> QWidget | None:
        """The selected stop's board in a window of its own (one per stop, raised when open)."""
        sid = self.selected_stop()
        if not sid:
            return None
        window = self._boards.get(sid)
        if window is None:
            from widgets.transit.board_window import BoardWindow

            window = self._boards[sid] = BoardWindow(self.api.board_url(sid), self._stop_name(sid), self)
            window.destroyed.connect(lambda *_: self._boards.pop(sid, None))
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def _stop_name(self, sid: str) -> str:
        row = self.stops_model.row_of(sid)
        return self.stops_model.rows[row][1][0] if row >= 0 else sid
