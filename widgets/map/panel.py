"""The situation map panel: a folium/Leaflet page in a QWebEngineView, fed by QWebChannel."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import platformdirs

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QFile, QIODevice, QMimeData, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QActionGroup, QDrag, QGuiApplication
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QFileDialog, QMenu, QToolBar, QToolButton, QVBoxLayout, QWidget

from backend_client.schemas.incidents import IncidentOut
from widgets.common.bus import MAP_POINT
from widgets.common.feature import LayerDef
from widgets.common.paths import suggested_path
from widgets.common.protocols import PanelContext
from widgets.map import geo
from widgets.map.bridge import MapBridge
from widgets.map.layers import INCIDENTS, incident_item
from widgets.map.page import BaseMap, PageSpec, cached_page, standalone_html
from widgets.map.sender import BatchSender

log = logging.getLogger(__name__)
CAMERA_MIME = "application/x-sc-camera-id"
OVERDUE_TICK_MS = 60_000  # incidents turn overdue with the clock, not with an event


def qwebchannel_js() -> str:
    f = QFile(":/qtwebchannel/qwebchannel.js")
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing")
    try:
        return bytes(f.readAll().data()).decode("utf-8")
    finally:
        f.close()


def page_cache_dir() -> Path:
    """Where built map pages are kept between starts (SC_DESK_CACHE_DIR overrides)."""
    root = os.environ.get("SC_DESK_CACHE_DIR") or platformdirs.user_cache_dir("situation-center", appauthor=False)
    return Path(root) / "map"


def start_web_engine() -> None:
    """Start Chromium inside Qt WebEngine now; call it while no window is on screen.

    The first WebEngine profile starts Chromium in one C++ call that cannot be split: it
    loads the GL driver for Qt's GPU check and launches and waits for the zygote process
    (60–140 ms of GUI-thread CPU, 0.13–1.7 s wall on a loaded 2-core machine). Afterwards a
    profile costs about 1 ms. Idempotent; the default profile is off the record.
    """
    QWebEngineProfile.defaultProfile()


def camera_mime(camera_id: int) -> QMimeData:
    """What a camera dragged off the map carries to the video wall."""
    mime = QMimeData()
    mime.setData(CAMERA_MIME, QByteArray(str(int(camera_id)).encode()))
    mime.setText(str(int(camera_id)))
    return mime


class MapPanel(QWidget):
    """The whole city on one live, offline map. Other panels feed layers through the API below."""

    page_loaded = Signal()             # the page is up and the channel is connected
    batch_applied = Signal(int, float)  # seq, round trip in ms (Python send → page frame)
    exported = Signal(str)             # path of a finished PNG/HTML export

    def __init__(self, ctx: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map")
        self.ctx = ctx
        self.batches = BatchSender(self)
        # Every registered feature's layers, in registration order.
        self.layer_defs: dict[str, LayerDef] = {d.name: d for spec in ctx.features for d in spec.layers}
        self._registered: dict[str, dict] = {}  # added by register_layer, as the page sees them
        self.ready = False
        self.area: list[list[float]] | None = None
        self._menu: QMenu | None = None
        self._menu_actions: dict[str, QAction] = {}
        self._echo_selection: int | None = None
        self._tiles_server = None
        self._base: BaseMap | None = None
        self._page_gen = 0

        self._build_ui()
        self._connect_context()
        self._start_page()
        known = ctx.incidents.snapshot()
        self.set_incidents(known)
        if not known:  # nothing loaded yet (the map opened alone, e.g. on the wall): ask the door
            ctx.incidents.refresh()

    # ------------------------------------------------------------------ UI

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("mapToolbar")
        layout.addWidget(self.toolbar)

        self.view = QWebEngineView(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        # An own off-the-record profile: nothing on disk, and tests can watch its requests.
        self.profile = QWebEngineProfile()
        self.page = QWebEnginePage(self.profile, self.view)
        # Children die in the order they were added: the page must go before its profile.
        self.profile.setParent(self.view)
        s = self.page.settings()
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        # Tiles come from the city's tile server or the local MBTiles server.
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
        self.page.setBackgroundColor(Qt.GlobalColor.black)
        self.view.setPage(self.page)
        # Make the page's web contents now, while the window is not shown yet: left to the
        # view's first show, it costs that turn ~10 ms of GUI-thread CPU. The map replaces it.
        self.page.load(QUrl("about:blank"))
        layout.addWidget(self.view, 1)

        self.bridge = MapBridge(self)
        self.channel = QWebChannel(self.page)
        self.channel.registerObject("scBridge", self.bridge)
        self.page.setWebChannel(self.channel)
        self.bridge.page_ready.connect(self._on_page_ready)
        self.bridge.applied.connect(lambda seq, _ms: self.batches.acknowledge(seq))
        self.batches.message.connect(self.bridge.batch)
        self.batches.applied.connect(self.batch_applied)
        self.bridge.incident_clicked.connect(self._on_incident_clicked)
        self.bridge.item_clicked.connect(lambda layer, item_id: self.ctx.bus.map_item_clicked.emit(layer, item_id))
        self.bridge.context_menu.connect(self._on_context_menu)
        self.bridge.area_drawn.connect(self._on_area_drawn)
        self.bridge.item_drag_started.connect(self._on_item_drag)
        self.bridge.draw_cancelled.connect(self._uncheck_draw)
        self.bridge.page_error.connect(lambda text: log.warning("map page: %s", text))

        self.act_rect = QAction(self, checkable=True)
        self.act_polygon = QAction(self, checkable=True)
        group = QActionGroup(self)
        group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        for act in (self.act_rect, self.act_polygon):
            group.addAction(act)
        self.act_rect.toggled.connect(lambda on: self._draw("rect" if on else None))
        self.act_polygon.toggled.connect(lambda on: self._draw("polygon" if on else None))
        self.act_clear = QAction(self, triggered=lambda: self.set_area(None, notify=True))
        self.act_clear.setEnabled(False)
        self.act_city = QAction(self, triggered=self.show_city)
        self.act_png = QAction(self, triggered=self._ask_export_png)
        self.act_html = QAction(self, triggered=self._ask_export_html)
        # Two drop-downs and a button: in Russian the seven labels side by side were wider than
        # the map's dock, and QToolBar put the rest out of sight.
        self.area_button = self._menu_button("mapAreaButton", (self.act_rect, self.act_polygon, None, self.act_clear))
        self.export_button = self._menu_button("mapExportButton", (self.act_png, self.act_html))
        self.toolbar.addWidget(self.area_button)
        self.toolbar.addAction(self.act_city)
        self.toolbar.addWidget(self.export_button)
        self._label_toolbar()

    def _menu_button(self, name: str, actions) -> QToolButton:
        button = QToolButton(self.toolbar)
        button.setObjectName(name)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for act in actions:
            menu.addSeparator() if act is None else menu.addAction(act)
        button.setMenu(menu)
        return button

    def _label_toolbar(self) -> None:
        self.area_button.setText(self.tr("Area"))
        self.area_button.setToolTip(self.tr("Filter incidents to an area drawn on the map"))
        self.act_rect.setText(self.tr("Rectangle"))
        self.act_rect.setToolTip(self.tr("Draw a rectangle to filter incidents to an area"))
        self.act_polygon.setText(self.tr("Polygon"))
        self.act_polygon.setToolTip(self.tr("Draw a polygon to filter incidents to an area "
                                            "(double-click or Enter to finish)"))
        self.act_clear.setText(self.tr("Clear area"))
        self.act_clear.setToolTip(self.tr("Show incidents everywhere again"))
        self.act_city.setText(self.tr("Whole city"))
        self.act_city.setToolTip(self.tr("Show the whole city"))
        self.export_button.setText(self.tr("Export"))
        self.export_button.setToolTip(self.tr("Save the current view as a picture or a standalone map"))
        self.act_png.setText(self.tr("Export PNG…"))
        self.act_png.setToolTip(self.tr("Save the current view as a picture"))
        self.act_html.setText(self.tr("Export HTML…"))
        self.act_html.setToolTip(self.tr("Save the current view as a standalone map for a report"))

    def _layer_titles(self) -> dict[str, str]:
        return {name: QCoreApplication.translate("Layers", d.title) for name, d in self.layer_defs.items()}

    def _page_spec(self, base: BaseMap, snapshot: dict | None = None, view: dict | None = None) -> PageSpec:
        titles = self._layer_titles()
        spec = PageSpec(
            base=base,
            layers=[d.to_page(titles.get(d.name)) for d in self.layer_defs.values()],
            text={"legendTitle": self.tr("Open incidents"), "overdue": self.tr("Overdue"),
                  "priorities": {"critical": self.tr("Critical"), "high": self.tr("High"),
                                 "medium": self.tr("Medium"), "low": self.tr("Low")},
                  "hintRect": self.tr("Drag to draw a rectangle · Esc cancels"),
                  "hintPolygon": self.tr("Click to add corners · double-click or Enter finishes · Esc cancels")},
            base_titles={"districts": self.tr("Districts"), "water": self.tr("River and reservoir"),
                         "buildings": self.tr("Buildings"),
                         "streets": self.tr("Streets"), "landmarks": self.tr("Landmarks"),
                         "tiles": self.tr("Base map")},
            snapshot=snapshot)
        if view:
            spec.center, spec.zoom, spec.fit_city = (view["lat"], view["lon"]), int(view["zoom"]), False
        return spec

    # ------------------------------------------------------------ settings

    def base_map(self) -> BaseMap:
        """The base chosen in settings; anything unusable falls back to the vector city."""
        s = self.ctx.settings
        kind = s.map_base or "vector"
        if kind == "tiles" and s.map_tile_url:
            return BaseMap("tiles", s.map_tile_url)
        if kind == "mbtiles" and s.map_mbtiles_path and Path(s.map_mbtiles_path).is_file():
            from widgets.map.tiles import MBTilesServer

            self._tiles_server = MBTilesServer(s.map_mbtiles_path)
            attribution = self._tiles_server.metadata().get("attribution", "")
            return BaseMap("mbtiles", self._tiles_server.start(), attribution)
        return BaseMap("vector")

    # ---------------------------------------------------------------- page

    def _start_page(self, view: dict | None = None) -> None:
        if self._base is None:
            self._base = self.base_map()
        spec = self._page_spec(self._base, view=view)
        self._page_gen += 1
        gen = self._page_gen  # a page built for an earlier language must not load over a later one
        self.ctx.tasks.run(cached_page, spec, page_cache_dir(), qwebchannel_js(),
                           on_done=lambda path: gen == self._page_gen and self._load_page(path),
                           on_error=self._page_failed)
        # The address book may read a large CSV: warm it up off the GUI thread.
        self.ctx.tasks.run(geo.AddressBook.default, on_done=lambda _b: None, on_error=lambda _e: None)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange:
            self._label_toolbar()
            self._relabel_page()

    def _relabel_page(self) -> None:
        """Layer titles, the legend and the hints are written into the page: load it again in the
        new language where the operator was looking; on load every layer and the area are replayed."""
        def got_view(view) -> None:
            view = view if isinstance(view, dict) else json.loads(view) if view else None
            self.ready = False
            self.batches.ready = False  # nothing to the page going away; page_reset sends it all again
            self._start_page(view)

        if self.ready:
            self.page.runJavaScript("JSON.stringify(SC.snapshot())", 0, got_view)
        else:
            got_view(None)

    def _load_page(self, path: Path) -> None:
        self.view.load(QUrl.fromLocalFile(str(path)))

    def _page_failed(self, exc: BaseException) -> None:
        log.error("map page could not be built: %s", exc)
        self.ctx.errors.report(self.tr("Map"), exc)

    def _on_page_ready(self) -> None:
        # A (re)loaded page starts empty: the sender replays every layer, then the area.
        self.ready = True
        if self.area:
            self.batches.post("op", {"op": "area", "polygon": self.area})
        # Layers registered after the page was built are not in its HTML: they go first.
        self.batches.page_reset([{"op": "layer", "def": d} for d in self._registered.values()])
        self.page_loaded.emit()

    def flush_now(self) -> None:
        """Send what is pending without waiting for the merge window (used by benches and tests)."""
        self.batches.flush()

    @property
    def idle(self) -> bool:
        """Nothing pending, encoding or waiting for the page."""
        return self.batches.idle

    # -------------------------------------------------------- layer API

    def register_layer(self, layer: LayerDef, title: str | None = None) -> None:
        """Add a layer that is not among the defaults (its title already translated)."""
        self.layer_defs[layer.name] = layer
        self._registered[layer.name] = layer.to_page(title)
        self.batches.post("op", {"op": "layer", "def": self._registered[layer.name]})

    def set_layer_items(self, layer: str, items: list[dict]) -> None:
        """Replace everything a layer shows."""
        self.batches.post("set", layer, list(items))

    def update_items(self, layer: str, items: list[dict]) -> None:
        """Add or move/change items by id; a batch of thousands goes out as one message."""
        self.batches.post("update", layer, list(items))

    def sync_layer_items(self, layer: str, items: list[dict]) -> None:
        """The layer's full contents again (a periodic refresh): only what changed reaches the page."""
        self.batches.post("sync", layer, list(items))

    def remove_items(self, layer: str, ids: list) -> None:
        self.batches.post("remove", layer, list(ids))

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        self.batches.post("op", {"op": "visible", "layer": layer, "visible": bool(visible)})

    # ---------------------------------------------------------- incidents

    def set_incidents(self, incidents: list[IncidentOut]) -> None:
        """Every incident again (a refresh): only what changed reaches the page."""
        self.sync_layer_items(INCIDENTS, [it for it in map(incident_item, incidents) if it])

    def apply_incident(self, inc: IncidentOut) -> None:
        """One incident created or changed, here or anywhere: show, move or drop it."""
        item = incident_item(inc)
        if item is not None:
            self.update_items(INCIDENTS, [item])
        else:
            self.remove_items(INCIDENTS, [inc.id])  # removing one the map never had is harmless

    def select_incident(self, incident_id: int, centre: bool = True) -> None:
        self.batches.post("op", {"op": "select", "id": int(incident_id), "centre": centre})

    def focus_item(self, layer: str, item_id) -> None:
        """Centre on one item of a layer (a point closely, a shape whole); unknown items are ignored."""
        if layer == MAP_POINT:
            lat, lon = item_id
            self.center_on(float(lat), float(lon), zoom=18)
            return
        item = self.batches.item(layer, item_id)
        if item is None:
            log.info("map: no item %s in layer %s to focus on", item_id, layer)
            return
        if "lat" in item:
            self.center_on(float(item["lat"]), float(item["lon"]), zoom=17)
            return
        points = list(_positions(item.get("geometry", {}).get("coordinates")))
        if points:
            lats, lons = [p[1] for p in points], [p[0] for p in points]
            self.batches.post("op", {"op": "fit", "bounds": [[min(lats), min(lons)], [max(lats), max(lons)]]})

    def show_city(self) -> None:
        self.batches.post("op", {"op": "fit", "bounds": geo.CITY_BOUNDS})

    def center_on(self, lat: float, lon: float, zoom: int | None = None) -> None:
        self.batches.post("op", {"op": "center", "lat": lat, "lon": lon, "zoom": zoom})

    def _connect_context(self) -> None:
        bus = self.ctx.bus
        bus.incident_selected.connect(self._on_bus_incident_selected)
        bus.map_items_changed.connect(self.set_layer_items)
        bus.map_focus_requested.connect(self.focus_item)
        # The one door for incidents: an incident logged offline is here at once, with its local number.
        gateway = self.ctx.incidents
        gateway.incidents_loaded.connect(self.set_incidents)
        gateway.incident_changed.connect(self.apply_incident)
        gateway.incident_renumbered.connect(lambda old, _new: self.remove_items(INCIDENTS, [old]))
        self._overdue_timer = QTimer(self, interval=OVERDUE_TICK_MS,
                                     timeout=lambda: self.set_incidents(self.ctx.incidents.snapshot()))
        self._overdue_timer.start()

    def _on_incident_clicked(self, incident_id: int) -> None:
        self._echo_selection = incident_id
        try:
            self.ctx.bus.incident_selected.emit(incident_id)
            self.ctx.bus.incident_open_requested.emit(incident_id)
        finally:
            self._echo_selection = None

    def _on_bus_incident_selected(self, incident_id: int) -> None:
        # Our own click comes back through the bus: the page has selected it already.
        if incident_id != self._echo_selection:
            self.select_incident(incident_id, centre=True)

    # ------------------------------------------------------- context menu

    def _on_context_menu(self, lat: float, lon: float, x: int, y: int, kind: str, item_id: str) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._menu_actions = {}
        address = geo.AddressBook.default().nearest(lat, lon)
        header = menu.addAction(address)
        header.setEnabled(False)
        menu.addSeparator()
        if kind == INCIDENTS and item_id:
            iid = int(item_id)
            self._menu_actions["open"] = menu.addAction(self.tr("Open incident"),
                                                        lambda: self._on_incident_clicked(iid))
        if kind == "cameras" and item_id:
            cid = int(item_id)
            self._menu_actions["wall"] = menu.addAction(self.tr("Show on video wall"),
                                                        lambda: self.ctx.bus.camera_open_requested.emit(cid))
        self._menu_actions["create"] = menu.addAction(
            self.tr("New incident here"), lambda: self.ctx.bus.create_incident_at.emit(lat, lon, address))
        self._menu_actions["copy"] = menu.addAction(
            self.tr("Copy coordinates"),
            lambda: QGuiApplication.clipboard().setText(geo.lat_lon_text(lat, lon)))
        self._menu = menu
        menu.popup(self.view.mapToGlobal(QPoint(x, y)))

    # ---------------------------------------------------------- drawing

    def _draw(self, mode: str | None) -> None:
        self.batches.post("op", {"op": "draw", "mode": mode})

    def _uncheck_draw(self) -> None:
        for act in (self.act_rect, self.act_polygon):
            act.blockSignals(True)
            act.setChecked(False)
            act.blockSignals(False)

    def _on_area_drawn(self, polygon: list | None) -> None:
        self._uncheck_draw()
        self.area = polygon
        self.act_clear.setEnabled(polygon is not None)
        self.ctx.bus.area_filter_changed.emit(polygon)

    def set_area(self, polygon: list | None, notify: bool = False) -> None:
        """Show an area filter on the map (or none); notify=True tells the other panels too."""
        self.area = [[float(a), float(b)] for a, b in polygon] if polygon else None
        self.act_clear.setEnabled(self.area is not None)
        self.batches.post("op", {"op": "area", "polygon": self.area})
        if notify:
            self.ctx.bus.area_filter_changed.emit(self.area)

    # ---------------------------------------------------------- drag out

    def _on_item_drag(self, layer: str, item_id: str) -> None:
        if layer != "cameras":
            return
        # Start the Qt drag from the event loop, not from inside the channel's callback.
        QTimer.singleShot(0, lambda: self._drag_camera(int(item_id)))

    def _drag_camera(self, camera_id: int) -> None:
        drag = QDrag(self.view)
        drag.setMimeData(camera_mime(camera_id))
        drag.exec(Qt.DropAction.CopyAction)

    # ------------------------------------------------------------ export

    def _ask_export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export map as PNG"), suggested_path("map.png"),
                                              self.tr("PNG images (*.png)"))
        if path:
            self.export_png(path)

    def _ask_export_html(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export map as HTML"), suggested_path("map.html"),
                                              self.tr("HTML pages (*.html)"))
        if path:
            self.export_html(path)

    def export_png(self, path: str) -> None:
        """The view as it is on screen; the file is written off the GUI thread."""
        image = self.view.grab().toImage()

        def save() -> str:
            if not image.save(path, "PNG"):
                raise OSError(f"cannot write {path}")
            return path

        self.ctx.tasks.run(save, on_done=self.exported.emit, on_error=self._page_failed)

    def export_html(self, path: str) -> None:
        """A standalone map of the current view and layers that opens in any browser, offline."""
        def got_view(view) -> None:
            view = view if isinstance(view, dict) else json.loads(view) if view else None
            ops = self.batches.snapshot_ops()
            if self.area:
                ops.append({"op": "area", "polygon": self.area})
            spec = self._page_spec(self.base_map_for_export(), snapshot={"ops": ops}, view=view)

            def write() -> str:
                Path(path).write_text(standalone_html(spec), encoding="utf-8")
                return path

            self.ctx.tasks.run(write, on_done=self.exported.emit, on_error=self._page_failed)

        if self.ready:
            self.page.runJavaScript("JSON.stringify(SC.snapshot())", 0, got_view)
        else:
            got_view(None)

    def base_map_for_export(self) -> BaseMap:
        s = self.ctx.settings
        if s.map_base == "tiles" and s.map_tile_url:
            return BaseMap("tiles", s.map_tile_url)
        return BaseMap("vector")  # a local MBTiles server is gone once the report is opened elsewhere

    # ---------------------------------------------------------- teardown

    def closeEvent(self, event) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the sender and the tile server; the panel is unusable afterwards."""
        self._overdue_timer.stop()
        self.batches.shutdown()
        if self._tiles_server is not None:
            self._tiles_server.stop()
            self._tiles_server = None


def _positions(coords):
    """Every [lon, lat] pair of GeoJSON coordinates, however nested."""
    if isinstance(coords, (list, tuple)) and coords:
        if isinstance(coords[0], (int, float)):
            yield coords
        else:
            for c in coords:
                yield from _positions(c)
