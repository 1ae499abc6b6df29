"""The Intersections panel: the 4 intersections live, the chosen one's measures, diagram and plans."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter,
                               QTableView, QTabWidget, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from backend_client.cameras import CamerasApi
from backend_client.schemas.signals import ControllerOut, ControllerState, PlanOut, Recommendation
from backend_client.signals import SignalsApi
from widgets.common.palette import STATE_COLORS
from widgets.signals.charts import CoordinationChart, MeasuresChart
from widgets.signals.phasebar import IntersectionTile

LAYER = "intersections"
DAY_MS = 86_400_000
CITY_OFFSET_MS = 3 * 3_600_000
PERIODS = (("07:15", "09:00", "weekday"), ("09:00", "16:30", "weekday"), ("16:30", "18:30", "weekday"),
           ("18:30", "24:00", "all"), ("00:00", "06:30", "all"))


def map_colour(state: ControllerState | None) -> str:
    if state is None or state.mode in ("offline", "unknown"):
        return STATE_COLORS["offline"]
    if state.mode == "flash":
        return STATE_COLORS["warning"]
    if state.faults:
        return STATE_COLORS["alarm"]
    return STATE_COLORS["ok"]


def city_day_start(ms: int) -> int:
    return (ms + CITY_OFFSET_MS) // DAY_MS * DAY_MS - CITY_OFFSET_MS


class IntersectionsPanel(QWidget):
    """Panel(ctx): every network call goes through ctx.tasks; live state comes from the event stream."""

    loaded = Signal()          # controllers listed
    measures_loaded = Signal()
    plans_loaded = Signal()
    recommended = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intersections")
        self.ctx = ctx
        self.api = ctx.service(SignalsApi)
        self.controllers: dict[str, ControllerOut] = {}
        self.tiles: dict[str, IntersectionTile] = {}
        self.plans: dict[str, list[PlanOut]] = {}
        self.current: str | None = None
        self.recommendation: Recommendation | None = None
        self.supervisor = ctx.has_role("supervisor")

        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(6)
        tiles_box = QWidget()
        tiles_box.setLayout(self.tile_grid)

        self.measures_chart = MeasuresChart(self)
        self.pcd = CoordinationChart(self)
        self.pcd_phase = QComboBox()
        pcd_box = QWidget()
        pv = QVBoxLayout(pcd_box)
        pv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Phase")))
        row.addWidget(self.pcd_phase)
        row.addStretch(1)
        pv.addLayout(row)
        pv.addWidget(self.pcd, 1)
        self.pcd_phase.currentIndexChanged.connect(lambda _: self.load_pcd())

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.measures_chart, self.tr("Measures, 24 h"))
        self.tabs.addTab(pcd_box, self.tr("Coordination diagram"))
        self.tabs.addTab(self._plans_tab(), self.tr("Timing plans"))
        self.tabs.currentChanged.connect(lambda i: self.load_pcd() if i == 1 else None)

        self.heading = QLabel(self.tr("Choose an intersection"))
        self.heading.setObjectName("signals_heading")
        self.camera_button = QPushButton(self.tr("Camera to the wall"))
        self.camera_button.clicked.connect(self.send_camera)
        head = QHBoxLayout()
        head.addWidget(self.heading, 1)
        head.addWidget(self.camera_button)
        lower = QWidget()
        lv = QVBoxLayout(lower)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(head)
        lv.addWidget(self.tabs, 1)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(tiles_box)
        split.addWidget(lower)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(split)

        self.ticker = QTimer(self)  # the cycle cursor moves between state events
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)
        self.ticker.start()
        self.poll = QTimer(self)     # the measures of today grow every few minutes
        self.poll.setInterval(120_000)
        self.poll.timeout.connect(self.load_measures)
        self.poll.start()
        ctx.events.subscribe("signals.", self._on_event)
        self.refresh()

    # ------------------------------------------------------------------ plans tab
    def _plans_tab(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(2, 2, 2, 2)
        self.plan_model = QStandardItemModel(0, 7, self)
        self.plan_model.setHorizontalHeaderLabels([self.tr("Plan"), self.tr("Period"), self.tr("Days"),
                                                   self.tr("Cycle, s"), self.tr("Greens, s"), self.tr("Source"),
                                                   self.tr("In force")])
        self.plan_table = QTableView()
        self.plan_table.setModel(self.plan_model)
        self.plan_table.verticalHeader().hide()
        self.plan_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.plan_table.horizontalHeader().setStretchLastSection(True)
        self.plan_table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        v.addWidget(self.plan_table, 2)
        row = QHBoxLayout()
        self.period = QComboBox()
        for a, b, days in PERIODS:
            label = self.tr("weekdays") if days == "weekday" else self.tr("every day")
            self.period.addItem(f"{a}–{b}, {label}", (a, b, days))
        self.period.setCurrentIndex(2)
        self.recommend_button = QPushButton(self.tr("Recommend (Webster)"))
        self.recommend_button.clicked.connect(self.recommend)
        self.apply_button = QPushButton(self.tr("Save and apply"))
        self.apply_button.clicked.connect(self.apply_recommendation)
        self.rollback_button = QPushButton(self.tr("Roll back"))
        self.rollback_button.clicked.connect(self.rollback)
        for b in (self.apply_button, self.rollback_button):
            b.setEnabled(self.supervisor)
            if not self.supervisor:
                b.setToolTip(self.tr("Needs the supervisor role"))
        row.addWidget(QLabel(self.tr("Period")))
        row.addWidget(self.period, 1)
        row.addWidget(self.recommend_button)
        row.addWidget(self.apply_button)
        row.addWidget(self.rollback_button)
        v.addLayout(row)
        self.compare = QLabel(self.tr("Ask for a recommendation to compare it with the plan in force."))
        self.compare.setWordWrap(True)
        self.compare.setTextFormat(Qt.TextFormat.RichText)
        v.addWidget(self.compare, 1)
        return w

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        self.ctx.tasks.run(self.api.controllers, on_done=self._controllers, what=self.tr("Intersections"))

    def _controllers(self, items: list[ControllerOut]) -> None:
        for i, c in enumerate(items):
            self.controllers[c.id] = c
            tile = self.tiles.get(c.id)
            if tile is None:
                tile = self.tiles[c.id] = IntersectionTile(c, self)
                tile.clicked.connect(self.select)
                self.tile_grid.addWidget(tile, i // 2, i % 2)
            if c.state is not None:
                tile.set_state(c.state)
            self.ctx.tasks.run(self.api.plans, c.id, on_done=lambda plans, uid=c.id: self._plans(uid, plans))
        self._publish_map()
        if self.current is None and items:
            self.select(items[0].id)
        self.loaded.emit()

    def _plans(self, uid: str, plans: list[PlanOut]) -> None:
        self.plans[uid] = plans
        tile = self.tiles.get(uid)
        if tile is not None:
            tile.set_plan(self._plan_in_force(uid))
        if uid == self.current:
            self._fill_plans(plans)
        self.plans_loaded.emit()

    def _plan_in_force(self, uid: str) -> PlanOut | None:
        tile = self.tiles.get(uid)
        plans = self.plans.get(uid, [])
        state = tile.state if tile else None
        if state is not None and state.plan_id is not None:
            return next((p for p in plans if p.id == state.plan_id), None)
        return next((p for p in plans if p.applied), None)

    def _fill_plans(self, plans: list[PlanOut]) -> None:
        self.plan_model.removeRows(0, self.plan_model.rowCount())
        days = {"all": self.tr("every day"), "weekday": self.tr("weekdays"), "weekend": self.tr("weekends")}
        sources = {"manual": self.tr("engineer"), "webster": self.tr("Webster")}
        for p in plans:
            cells = [p.name, f"{p.period_start}–{p.period_end}", days.get(p.days, p.days), f"{p.cycle:.0f}",
                     " / ".join(f"{g:.0f}" for _, g in sorted(p.splits.items())), sources.get(p.source, p.source),
                     "✔" if p.applied else ""]
            self.plan_model.appendRow([QStandardItem(c) for c in cells])

    def select(self, uid: str) -> None:
        self.current = uid
        for k, t in self.tiles.items():
            t.selected = k == uid
            t.update()
        c = self.controllers[uid]
        self.heading.setText(f"<b>{c.name}</b> · {c.address}")
        self.pcd_phase.blockSignals(True)
        self.pcd_phase.clear()
        for p in c.phases:
            self.pcd_phase.addItem(f"Ф{p.phase} {p.name}".strip(), p.phase)
        self.pcd_phase.blockSignals(False)
        self._fill_plans(self.plans.get(uid, []))
        self.recommendation = None
        self.compare.setText(self.tr("Ask for a recommendation to compare it with the plan in force."))
        self.load_measures()
        if self.tabs.currentIndex() == 1:
            self.load_pcd()

    def load_measures(self) -> None:
        if self.current is None:
            return
        now = int(time.time() * 1000)
        end = now - now % 900_000 + 900_000  # the last 24 hours, to the end of the bin in progress
        self.ctx.tasks.run(self.api.measures, self.current, end - DAY_MS, end,
                           on_done=self._measures, what=self.tr("Measures"))

    def _measures(self, m) -> None:
        if m.controller == self.current:
            self.measures_chart.set_measures(m)
        self.measures_loaded.emit()

    def load_pcd(self) -> None:
        if self.current is None or self.pcd_phase.currentData() is None:
            return
        now = int(time.time() * 1000)
        self.ctx.tasks.run(self.api.coordination, self.current, int(self.pcd_phase.currentData()),
                           now - 3_600_000, now, on_done=self.pcd.set_diagram, what=self.tr("Coordination diagram"))

    # ------------------------------------------------------------------ plans
    def recommend(self) -> None:
        if self.current is None:
            return
        a, b, days = self.period.currentData()
        self.ctx.tasks.run(lambda: self.api.recommend(self.current, period_start=a, period_end=b, days=days),
                           on_done=self._recommended, on_error=self._failed, what=self.tr("Recommendation"))

    def _recommended(self, r: Recommendation) -> None:
        self.recommendation = r
        self.compare.setText(self.comparison_html(r))
        self.recommended.emit()

    def comparison_html(self, r: Recommendation) -> str:
        seconds = self.tr("{0} s")

        def delay(v):
            return "—" if v is None else seconds.format(f"{v:.1f}")

        cur = r.current_plan
        rows = [(self.tr("Cycle"), seconds.format(f"{cur.cycle:.0f}") if cur else "—", seconds.format(f"{r.cycle:.0f}")),
                (self.tr("Greens"), " / ".join(f"{g:.0f}" for _, g in sorted(cur.splits.items())) if cur else "—",
                 " / ".join(f"{g:.0f}" for _, g in sorted(r.splits.items()))),
                (self.tr("Expected delay per vehicle"), delay(r.current_delay_s), delay(r.mean_delay_s))]
        for st in r.stages:
            rows.append((self.tr("Stage {0} (Ф{1}): flow, capacity, x").format(
                st.stage + 1, st.critical_phase), "", self.tr("{0} / {1} pcu/h, x = {2}").format(
                f"{st.flow:.0f}", f"{st.capacity:.0f}", f"{st.degree_of_saturation:.2f}")))
        in_force, recommended = self.tr("In force"), self.tr("Recommended")
        head = f"<tr><th></th><th>{in_force}</th><th>{recommended}</th></tr>"
        body = "".join(f"<tr><td>{a}</td><td>{b}</td><td><b>{c}</b></td></tr>" for a, b, c in rows)
        note = (f"<p style='color:{STATE_COLORS['alarm']}'>"
                + self.tr("Over capacity: Y = {0:.2f} ≥ 0.95, no cycle serves this demand; "
                          "the longest allowed cycle is shown.").format(r.total_flow_ratio) + "</p>"
                if r.over_capacity else
                "<p>" + self.tr("Y = {0:.2f}, lost time {1:.0f} s, Webster's optimum {2:.0f} s; flows {3}.").format(
                    r.total_flow_ratio, r.lost_time, r.optimum_cycle or 0,
                    self.tr("measured") if r.flows_from == "measured" else self.tr("given")) + "</p>")
        return f"<table cellspacing='6'>{head}{body}</table>{note}"

    def apply_recommendation(self) -> None:
        if self.current is None or not self.supervisor:
            return
        a, b, days = self.period.currentData()
        uid = self.current

        def work():
            rec = self.api.recommend(uid, period_start=a, period_end=b, days=days, save=True)
            self.api.apply(uid, rec.plan.id)
            return rec

        self.ctx.tasks.run(work, on_done=lambda rec: (self._recommended(rec), self._reload_plans(uid)),
                           on_error=self._failed, what=self.tr("Apply plan"))

    def rollback(self) -> None:
        if self.current is None or not self.supervisor:
            return
        uid = self.current
        self.ctx.tasks.run(self.api.rollback, uid, on_done=lambda _: self._reload_plans(uid), on_error=self._failed,
                           what=self.tr("Roll back"))

    def _reload_plans(self, uid: str) -> None:
        self.ctx.tasks.run(self.api.plans, uid, on_done=lambda plans: self._plans(uid, plans))

    def _failed(self, exc) -> None:
        self.compare.setText(f"<span style='color:{STATE_COLORS['alarm']}'>{exc}</span>")

    # ------------------------------------------------------------------ camera
    def send_camera(self) -> None:
        c = self.controllers.get(self.current or "")
        if c is None:
            return
        cams = self.ctx.service(CamerasApi)

        def nearest():
            best, dist = None, 80.0  # metres: the intersection's own camera, not the next street's
            for cam in cams.list():
                d = math.hypot((cam.lat - c.lat) * 111_320, (cam.lon - c.lon) * 111_320 * math.cos(math.radians(c.lat)))
                if d < dist:
                    best, dist = cam, d
            return best

        def done(cam):
            if cam is None:
                self.ctx.bus.status_message.emit(self.tr("No camera at this intersection"))
            else:
                self.ctx.bus.camera_open_requested.emit(cam.id)

        self.ctx.tasks.run(nearest, on_done=done, what=self.tr("Camera"))

    # ------------------------------------------------------------------ live
    def _on_event(self, type_: str, data) -> None:
        if type_ == "signals.state":
            state = ControllerState.model_validate(data)
            tile = self.tiles.get(state.controller)
            if tile is None:
                return
            changed_plan = tile.state is None or tile.state.plan_id != state.plan_id
            tile.set_state(state)
            if changed_plan:
                tile.set_plan(self._plan_in_force(state.controller))
            self._publish_map()
        elif type_ == "signals.plan":
            self._reload_plans(data.get("controller", ""))
        elif type_ == "signals.fault":
            uid = data.get("controller", "")
            if uid in self.controllers:
                self.ctx.tasks.run(self.api.state, uid, on_done=lambda s: self._on_event(
                    "signals.state", s.model_dump(mode="json")))

    def _tick(self) -> None:
        for t in self.tiles.values():
            if t.state is not None and t.state.cycle_second is not None:
                t.update()

    def map_items(self) -> list[dict]:
        items = []
        for uid, c in self.controllers.items():
            state = self.tiles[uid].state if uid in self.tiles else None
            mode = state.mode if state else "unknown"
            items.append({"id": uid, "lat": c.lat, "lon": c.lon, "color": map_colour(state), "glyph": "🚦",
                          "title": f"{c.name} · {self.tiles[uid].texts.get(mode, mode)}"})
        return items

    def _publish_map(self) -> None:
        self.ctx.bus.map_items_changed.emit(LAYER, self.map_items())
