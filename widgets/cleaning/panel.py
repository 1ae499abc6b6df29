"""The Cleaning panel: today's plan against done (per service and section), the machines' day, the map."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QSplitter, QTreeView, QVBoxLayout, QWidget

from backend_client.cleaning import CleaningApi
from backend_client.schemas.cleaning import SectionCoverage
from widgets.cleaning.timeline import WORK_COLORS, Timeline
from widgets.common.palette import STATE_COLORS

CITY_TZ = timezone(timedelta(hours=3))
STATE_COLOR = {"done": STATE_COLORS["ok"], "partly": STATE_COLORS["warning"], "missed": STATE_COLORS["alarm"],
               "not_due": STATE_COLORS["info"], "": STATE_COLORS["offline"]}
TRACK_POINTS = 240   # per machine on the map (about 40 min at one fix every 10 s)
SECTION_ROLE = Qt.ItemDataRole.UserRole + 1
SERVICE_ROLE = Qt.ItemDataRole.UserRole + 2


def tr(text: str) -> str:
    return QCoreApplication.translate("CleaningLabels", text)


STATE_TITLES = {
    "done": QT_TRANSLATE_NOOP("CleaningLabels", "Done"),
    "partly": QT_TRANSLATE_NOOP("CleaningLabels", "Partly done"),
    "missed": QT_TRANSLATE_NOOP("CleaningLabels", "Missed"),
    "not_due": QT_TRANSLATE_NOOP("CleaningLabels", "Not yet due"),
    "": QT_TRANSLATE_NOOP("CleaningLabels", "Not scheduled today"),
}
KIND_TITLES = {
    "sweeping": QT_TRANSLATE_NOOP("CleaningLabels", "Sweeping"),
    "washing": QT_TRANSLATE_NOOP("CleaningLabels", "Washing"),
    "snow_clearing": QT_TRANSLATE_NOOP("CleaningLabels", "Snow clearing"),
    "waste_collection": QT_TRANSLATE_NOOP("CleaningLabels", "Waste collection"),
}
WORK_TITLES = {
    "sweeping": QT_TRANSLATE_NOOP("CleaningLabels", "sweeping"),
    "washing": QT_TRANSLATE_NOOP("CleaningLabels", "washing"),
    "plowing": QT_TRANSLATE_NOOP("CleaningLabels", "plowing"),
    "none": QT_TRANSLATE_NOOP("CleaningLabels", "idle"),
}


def state_title(state: str) -> str:
    return tr(STATE_TITLES[state]) if state in STATE_TITLES else state


def kind_title(kind: str) -> str:
    return tr(KIND_TITLES[kind]) if kind in KIND_TITLES else kind


def work_title(work: str) -> str:
    return tr(WORK_TITLES[work]) if work in WORK_TITLES else work


def _hm(value: datetime | None) -> str:
    return f"{value.astimezone(CITY_TZ):%H:%M}" if value else ""


class Chip(QLabel):
    def __init__(self, color: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("cleaning_chip")
        self.setStyleSheet(f"QLabel#cleaning_chip {{ border-left: 4px solid {color}; padding: 3px 8px; "
                           f"background: rgba(255,255,255,0.04); }}")

    def show_count(self, title: str, n: int | str) -> None:
        self.setText(f"<b style='font-size:15px'>{n}</b>&nbsp;&nbsp;{title}")


class CleaningPanel(QWidget):
    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cleaning")
        self.ctx = ctx
        self.api = ctx.service(CleaningApi)
        self.sections: dict[int, object] = {}
        self.rows: dict[tuple[int, str], SectionCoverage] = {}
        self.vehicles: dict[str, dict] = {}
        self.tracks: dict[str, list[list[float]]] = {}
        self.day = datetime.now(CITY_TZ).date()
        self.service_names: dict[str, str] = {}

        chips = QHBoxLayout()
        self.chips = {s: Chip(STATE_COLOR[s]) for s in ("done", "partly", "missed", "not_due")}
        for chip in self.chips.values():
            chips.addWidget(chip)
        self.machines_chip = Chip(WORK_COLORS["washing"])
        chips.addWidget(self.machines_chip)
        chips.addStretch(1)
        self.day_label = QLabel()
        chips.addWidget(self.day_label)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        chips.addWidget(self.refresh_button)
        for s, chip in self.chips.items():
            chip.show_count(state_title(s), "…")
        self.machines_chip.show_count(self.tr("machines working"), "…")

        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels([self.tr("Service / section"), self.tr("Work"), self.tr("Window"),
                                              self.tr("State"), self.tr("Share"), self.tr("Done at"),
                                              self.tr("Machine")])
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSortingEnabled(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col, w in enumerate((0, 120, 95, 150, 50, 95, 75)):
            if w:
                self.tree.setColumnWidth(col, w)
        self.tree.header().setStretchLastSection(False)
        self.tree.selectionModel().currentChanged.connect(self._row_chosen)

        self.timeline = Timeline(self)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.legend = QLabel()
        self._name_legend()
        rl.addWidget(QLabel(self.tr("Machines today")))
        rl.addWidget(self.timeline, 1)
        rl.addWidget(self.legend)

        split = QSplitter(self)
        split.addWidget(self.tree)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 480])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addLayout(chips)
        outer.addWidget(split, 1)

        self._map_timer = QTimer(self, singleShot=True, interval=300, timeout=self._publish_map)
        self._timeline_timer = QTimer(self, interval=60_000, timeout=self._load_timeline)
        self._timeline_timer.start()
        ctx.events.subscribe("cleaning.", self._on_event)
        ctx.incidents.load_services(self._services_loaded)
        self.reload()

    def _services_loaded(self, services) -> None:
        self.service_names = {s.code: s.name for s in services}
        if self.rows:
            self._fill_tree()

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        def load():
            return self.api.sections(), self.api.coverage(), self.api.vehicles(), self.api.vehicle_days(tracks=True)
        self.ctx.tasks.run(load, on_done=self._loaded, what="cleaning coverage")

    def _name_legend(self) -> None:
        self.legend.setText("  ".join(f"<span style='color:{WORK_COLORS[w]}'>■</span> {work_title(w)}"
                                      for w in ("sweeping", "washing", "plowing", "none")))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._name_legend()
            if self.rows:
                self._fill_tree()  # chips, sections and their states in the new language
            else:
                for s, chip in self.chips.items():
                    chip.show_count(state_title(s), "…")
                self.machines_chip.show_count(self.tr("machines working"), "…")

    def _loaded(self, result) -> None:
        sections, coverage, vehicles, days = result
        self.day = coverage.date
        self.sections = {s.id: s for s in sections}
        self.rows = {(r.section_id, r.window_start.isoformat()): r for r in coverage.sections}
        self.vehicles = {v.id: {"lat": v.lat, "lon": v.lon, "work": v.work, "speed": v.speed, "ts": v.last_ts}
                         for v in vehicles if v.lat is not None}
        self.tracks = {d.id: [[p.lon, p.lat] for p in d.track][-TRACK_POINTS:] for d in days}
        self._fill_tree()
        self.timeline.set_days(days, datetime.combine(self.day, time(0), CITY_TZ))
        self._publish_map()
        self.loaded.emit()

    def _load_timeline(self) -> None:
        self.ctx.tasks.run(self.api.vehicle_days, on_done=lambda days: self.timeline.set_days(
            days, datetime.combine(self.day, time(0), CITY_TZ)), what="cleaning timeline")

    # ------------------------------------------------------------------ plan
    def _fill_tree(self) -> None:
        counts = {s: 0 for s in self.chips}
        for r in self.rows.values():
            counts[r.state] = counts.get(r.state, 0) + 1
        for s, chip in self.chips.items():
            chip.show_count(state_title(s), counts[s])
        working = sum(1 for v in self.vehicles.values() if v["work"] != "none")
        self.machines_chip.show_count(self.tr("machines working"), f"{working}/{len(self.vehicles)}")
        self.day_label.setText(f"{self.day:%d.%m.%Y}")
        collapsed = {self.model.item(i).data(SERVICE_ROLE) for i in range(self.model.rowCount())
                     if not self.tree.isExpanded(self.model.index(i, 0))}
        self.model.removeRows(0, self.model.rowCount())
        by_service: dict[str, list[SectionCoverage]] = {}
        for r in sorted(self.rows.values(), key=lambda r: (r.service, r.window_start, r.code)):
            by_service.setdefault(r.service, []).append(r)
        for service, rows in by_service.items():
            done = sum(1 for r in rows if r.state == "done")
            head = [QStandardItem(self.service_names.get(service, service)), QStandardItem(""), QStandardItem(""),
                    QStandardItem(self.tr("%1 of %2 done").replace("%1", str(done)).replace("%2", str(len(rows)))),
                    QStandardItem(""), QStandardItem(""), QStandardItem("")]
            for it in head:
                it.setEditable(False)
            head[0].setData(service, SERVICE_ROLE)
            for r in rows:
                cells = [QStandardItem(f"{r.code} · {r.name}"), QStandardItem(kind_title(r.kind)),
                         QStandardItem(f"{_hm(r.window_start)}–{_hm(r.window_end)}"),
                         QStandardItem(state_title(r.state)), QStandardItem(f"{r.share:.0%}"),
                         QStandardItem(_hm(r.done_at)), QStandardItem(r.vehicle or "")]
                for it in cells:
                    it.setEditable(False)
                cells[0].setData(r.section_id, SECTION_ROLE)
                cells[3].setForeground(QColor(STATE_COLOR[r.state]))
                head[0].appendRow(cells)
            self.model.appendRow(head)
            if service not in collapsed:
                self.tree.expand(head[0].index())

    def _row_chosen(self, current, _previous) -> None:
        sid = self.model.itemFromIndex(current.siblingAtColumn(0))
        if sid is not None and sid.data(SECTION_ROLE) is not None:
            self.ctx.bus.map_focus_requested.emit("cleaning", sid.data(SECTION_ROLE))

    # ------------------------------------------------------------------ map
    def section_state(self, section_id: int) -> str:
        """The state that colours a section: its latest window today that has started, else the next one."""
        rows = sorted((r for r in self.rows.values() if r.section_id == section_id), key=lambda r: r.window_start)
        if not rows:
            return ""
        now = datetime.now(timezone.utc)
        started = [r for r in rows if r.window_start <= now]
        return (started[-1] if started else rows[0]).state

    def map_items(self) -> dict[str, list[dict]]:
        sections = []
        for s in self.sections.values():
            state = self.section_state(s.id)
            sections.append({"id": s.id, "geometry": s.geometry, "color": STATE_COLOR[state], "weight": 5,
                             "title": f"{s.code} · {s.name} · {kind_title(s.kind)} · {state_title(state)}"})
        fleet = [{"id": vid, "lat": v["lat"], "lon": v["lon"], "color": WORK_COLORS.get(v["work"], WORK_COLORS["none"]),
                  "title": f"{vid} · {work_title(v['work'])}"} for vid, v in self.vehicles.items()]
        tracks = [{"id": vid, "geometry": {"type": "LineString", "coordinates": pts}, "weight": 2, "dash": "4 4",
                   "color": WORK_COLORS.get(self.vehicles.get(vid, {}).get("work", "none"), WORK_COLORS["none"]),
                   "title": vid} for vid, pts in self.tracks.items() if len(pts) >= 2]
        return {"cleaning": sections, "fleet": fleet, "fleet_tracks": tracks}

    def _publish_map(self) -> None:
        for layer, items in self.map_items().items():
            self.ctx.bus.map_items_changed.emit(layer, items)

    # ------------------------------------------------------------------ live
    def _on_event(self, type_: str, data) -> None:
        if type_ == "cleaning.coverage":
            for raw in data.get("sections", []):
                r = SectionCoverage.model_validate(raw)
                self.rows[(r.section_id, r.window_start.isoformat())] = r
            self._fill_tree()
            self._map_timer.start()
        elif type_ == "cleaning.vehicles":
            for v in data.get("vehicles", []):
                self.vehicles[v["id"]] = v
                track = self.tracks.setdefault(v["id"], [])
                track.append([v["lon"], v["lat"]])
                del track[:-TRACK_POINTS]
            self._map_timer.start()
        elif type_ == "cleaning.section_changed":
            self.reload()
