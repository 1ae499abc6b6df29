"""The map panel driven through its QWebChannel: both the Python and the page side are checked."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage

from widgets.map import demo
from tests.gui.map_helpers import LOAD_MS, LocalOnly, js, js_until
from widgets.map.layers import decode_positions, incident_item

@pytest.fixture
def incidents():
    rows = demo.demo_incidents(40)
    rows[0] = rows[0].model_copy(update={"status": "closed"})  # closed incidents are not on the live map
    return rows


def map_context(incidents, settings=None):
    from app.standalone import standalone_context

    return standalone_context(incidents, settings, extra_features=(demo.DEMO_FEATURE,))


@pytest.fixture
def ctx(incidents):
    c = map_context(incidents)
    yield c
    c.tasks.shutdown(wait=True)


@pytest.fixture
def make_panel(qtbot, ctx):
    from widgets.map.panel import MapPanel

    made = []

    def make(context=None, interceptor=None):
        panel = MapPanel(context or ctx)
        if interceptor is not None:  # before the page loads: the load is queued behind the page build
            panel.profile.setUrlRequestInterceptor(interceptor)
        qtbot.addWidget(panel)
        panel.resize(900, 640)
        with qtbot.waitSignal(panel.page_loaded, timeout=LOAD_MS):
            panel.show()
        made.append(panel)
        return panel

    yield make
    from PySide6.QtCore import QCoreApplication, QEvent

    for p in made:
        p.close()
        p.deleteLater()  # now, not at interpreter exit: WebEngine wants its pages gone first
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def panel(make_panel, qtbot, incidents):
    p = make_panel()
    open_count = sum(1 for r in incidents if incident_item(r))
    js_until(p, qtbot, "SC.layers.incidents.items.size", lambda n: n == open_count)
    return p


def test_open_incidents_come_from_the_gateway_onto_the_page(panel, qtbot, ctx, incidents):
    on_page = js(panel, qtbot, "JSON.stringify(Array.from(SC.layers.incidents.items.keys()))")
    assert str(incidents[0].id) not in json.loads(on_page)  # the closed one
    assert panel.batches.layer_size("incidents") == len(json.loads(on_page))


def test_click_on_incident_selects_it_for_the_queue_and_card(panel, qtbot, ctx, incidents):
    target = incidents[3].id
    opened = []
    ctx.bus.incident_open_requested.connect(opened.append)
    with qtbot.waitSignal(ctx.bus.incident_selected, timeout=5000) as blocker:
        js(panel, qtbot, f"SC.layers.incidents.items.get('{target}').fire('click');0")
    assert blocker.args == [target]
    assert opened == [target]
    assert js(panel, qtbot, "SC.selectedId") == target
    assert js(panel, qtbot, f"SC.layers.incidents.items.get('{target}').getElement() === undefined || "
                            f"SC.layers.incidents.items.get('{target}').options.icon.options.html"
                            ".indexOf('sc-selected') >= 0")


def test_queue_selection_centres_the_map_on_the_incident(panel, qtbot, ctx, incidents):
    target = incidents[5]
    ctx.bus.incident_selected.emit(target.id)
    view = json.loads(js_until(panel, qtbot, "JSON.stringify([SC.selectedId, SC.snapshot()])",
                               lambda r: json.loads(r)[0] == target.id))[1]
    assert view["lat"] == pytest.approx(target.lat, abs=1e-4)
    assert view["lon"] == pytest.approx(target.lon, abs=1e-4)
    assert view["zoom"] >= 16  # close enough that the incident is out of its cluster


def test_right_click_offers_a_new_incident_at_the_nearest_address(panel, qtbot, ctx):
    lat, lon = 51.650619, 35.632823  # a house in addresses.csv
    js(panel, qtbot, f"SC.map.fire('contextmenu', {{latlng: L.latLng({lat}, {lon})}});0")
    qtbot.waitUntil(lambda: panel._menu is not None and panel._menu.isVisible(), timeout=5000)
    try:
        with qtbot.waitSignal(ctx.bus.create_incident_at, timeout=2000) as blocker:
            panel._menu_actions["create"].trigger()
    finally:
        panel._menu.close()
    got_lat, got_lon, address = blocker.args
    assert (got_lat, got_lon) == pytest.approx((lat, lon), abs=1e-6)
    assert address == "пр. Коммунистический, 1"


def test_drawn_polygon_filters_the_queue_and_clear_removes_it(panel, qtbot, ctx):
    corners = [[51.655, 35.640], [51.662, 35.640], [51.662, 35.655], [51.655, 35.655]]
    panel.act_polygon.trigger()
    js_until(panel, qtbot, "SC.draw.mode", lambda m: m == "polygon")
    points = "".join(f"SC.draw.addPoint({a}, {b});" for a, b in corners)
    with qtbot.waitSignal(ctx.bus.area_filter_changed, timeout=5000) as blocker:
        js(panel, qtbot, points + "SC.draw.finish();0")
    assert blocker.args[0] == corners
    assert panel.area == corners and panel.act_clear.isEnabled() and not panel.act_polygon.isChecked()
    assert json.loads(js(panel, qtbot, "JSON.stringify(SC.area)")) == corners

    with qtbot.waitSignal(ctx.bus.area_filter_changed, timeout=5000) as blocker:
        panel.act_clear.trigger()
    assert blocker.args == [None]
    js_until(panel, qtbot, "SC.area === null && SC.areaLayer === null", bool)


def test_rectangle_drawn_by_mouse_on_the_page(panel, qtbot, ctx):
    panel.act_rect.trigger()
    js_until(panel, qtbot, "SC.draw.mode", lambda m: m == "rect")
    with qtbot.waitSignal(ctx.bus.area_filter_changed, timeout=5000) as blocker:
        js(panel, qtbot, "SC.map.fire('mousedown', {latlng: L.latLng(51.650, 35.640)});"
                         "SC.map.fire('mousemove', {latlng: L.latLng(51.660, 35.650)});"
                         "SC.map.fire('mouseup', {latlng: L.latLng(51.660, 35.650)});0")
    assert blocker.args[0] == [[51.650, 35.640], [51.650, 35.650], [51.660, 35.650], [51.660, 35.640]]


def test_incident_events_add_move_and_drop_markers(panel, qtbot, ctx, incidents):
    moved = incidents[2].model_copy(update=dict(lat=51.6601, lon=35.6601, priority="critical", overdue=True))
    ctx.incidents.put(moved)
    ctx.incidents.put(incidents[2].model_copy(update=dict(id=999, number="И-000999")))
    ctx.incidents.put(incidents[4].model_copy(update=dict(status="resolved")))
    key2, key4 = incidents[2].id, incidents[4].id
    script = (f"JSON.stringify([SC.layers.incidents.items.has('999'), SC.layers.incidents.items.has('{key4}'),"
              f"SC.layers.incidents.items.get('{key2}').scItem])")
    has_new, has_resolved, item = json.loads(js_until(
        panel, qtbot, script, lambda r: json.loads(r)[0] and not json.loads(r)[1]))
    assert has_new and not has_resolved
    assert (item["lat"], item["lon"], item["priority"], item["overdue"]) == (51.6601, 35.6601, "critical", True)


def test_a_fresh_snapshot_sends_only_what_changed(panel, qtbot, ctx, incidents):
    sent: list[str] = []
    panel.bridge.batch.connect(sent.append)
    rows = list(incidents)
    rows[6] = rows[6].model_copy(update=dict(overdue=True, priority="critical"))  # the clock turned
    del rows[7]                                                                   # closed while we were offline
    ctx.incidents.replace(rows)
    gone = incidents[7].id
    js_until(panel, qtbot, f"SC.layers.incidents.items.has('{gone}')", lambda has: has is False)
    ops = [op for m in sent for op in json.loads(m)["ops"]]
    updated = [it["id"] for op in ops if op["op"] == "update" for it in op["items"]]
    assert updated == [incidents[6].id]
    assert [op["ids"] for op in ops if op["op"] == "remove"] == [[str(gone)]]
    assert not [op for op in ops if op["op"] == "move"]  # the unchanged ones did not travel


def test_five_thousand_moving_objects_go_in_one_message(panel, qtbot):
    sent: list[str] = []
    panel.bridge.batch.connect(sent.append)
    panel.set_layer_items("buses", demo.moving_objects(5000, 0.0))
    js_until(panel, qtbot, "SC.layers.buses.items.size", lambda n: n == 5000, timeout=20_000)
    qtbot.waitUntil(lambda: panel.idle, timeout=10_000)
    sent.clear()
    moved = demo.moving_objects(5000, 1.0)
    with qtbot.waitSignal(panel.batch_applied, timeout=20_000):
        panel.update_items("buses", moved)
    assert len(sent) == 1
    (op,) = json.loads(sent[0])["ops"]  # only positions changed: ids plus packed [lat, lon, ...]
    assert op["op"] == "move" and len(op["ids"]) == 5000 and len(decode_positions(op["e6"])) == 10_000
    pos = json.loads(js(panel, qtbot, "JSON.stringify(SC.layers.buses.items.get('4321').getLatLng())"))
    assert (pos["lat"], pos["lng"]) == pytest.approx((moved[4321]["lat"], moved[4321]["lon"]))
    sent.clear()
    moved = demo.moving_objects(5000, 2.0)  # the same fleet again: the page reuses the ids it has
    with qtbot.waitSignal(panel.batch_applied, timeout=20_000):
        panel.update_items("buses", moved)
    (op,) = json.loads(sent[0])["ops"]
    assert op["op"] == "move" and "ids" not in op
    pos = json.loads(js(panel, qtbot, "JSON.stringify(SC.layers.buses.items.get('4321').getLatLng())"))
    assert (pos["lat"], pos["lng"]) == pytest.approx((moved[4321]["lat"], moved[4321]["lon"]))
    panel.update_items("buses", [dict(moved[7], color="#ff0000")])  # a change beyond position
    js_until(panel, qtbot, "SC.layers.buses.items.get('7').scItem.color", lambda c: c == "#ff0000")
    panel.remove_items("buses", list(range(0, 5000, 2)))
    js_until(panel, qtbot, "SC.layers.buses.items.size", lambda n: n == 2500)

    # A click on a dot on the canvas reaches Python with its layer and id.
    clicked = []
    panel.bridge.item_clicked.connect(lambda layer, key: clicked.append((layer, key)))
    js(panel, qtbot, "var d = SC.layers.buses.items.get('7'); SC.map.setView(d.getLatLng(), 17, {animate: false});"
                     "SC.layers.buses.group._draw();"
                     "SC.map.fire('click', {latlng: d.getLatLng(),"
                     " containerPoint: SC.map.latLngToContainerPoint(d.getLatLng())});0")
    qtbot.waitUntil(lambda: ("buses", "7") in clicked, timeout=5000)


def test_camera_menu_opens_it_on_the_wall_and_drag_carries_its_id(panel, qtbot, ctx):
    from widgets.map.panel import CAMERA_MIME, camera_mime

    panel.set_layer_items("cameras", demo.demo_layers()["cameras"])
    js_until(panel, qtbot, "SC.layers.cameras.items.size", lambda n: n == 6)
    js(panel, qtbot, "var m = SC.layers.cameras.items.get('2');"
                     "m.fire('contextmenu', {latlng: m.getLatLng()});0")
    qtbot.waitUntil(lambda: panel._menu is not None and "wall" in panel._menu_actions, timeout=5000)
    try:
        with qtbot.waitSignal(ctx.bus.camera_open_requested, timeout=2000) as blocker:
            panel._menu_actions["wall"].trigger()
    finally:
        panel._menu.close()
    assert blocker.args == [2]
    assert bytes(camera_mime(7).data(CAMERA_MIME).data()) == b"7"

    # Pressing on a camera and moving starts a Qt drag with its id (QDrag itself is not run here:
    # its nested loop waits for a real mouse button).
    dragged = []
    panel._drag_camera = dragged.append
    js(panel, qtbot, "var el = SC.layers.cameras.items.get('4').getElement(), r = el.getBoundingClientRect();"
                     "var x = r.left + 5, y = r.top + 5;"
                     "el.dispatchEvent(new MouseEvent('mousedown', {bubbles: true, button: 0, clientX: x, clientY: y}));"
                     "document.dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: x + 30, clientY: y}));0")
    qtbot.waitUntil(lambda: dragged == [4], timeout=5000)
    assert js(panel, qtbot, "SC.map.dragging.enabled()") is True  # the map pans again afterwards


def test_page_reload_replays_every_layer(panel, qtbot):
    from widgets.common.feature import LayerDef

    panel.set_layer_items("stops", demo.demo_layers()["stops"])
    panel.register_layer(LayerDef("sensors", "Sensors", style="dot"), "Датчики")
    panel.set_layer_items("sensors", demo.moving_objects(7, 0))
    js_until(panel, qtbot, "SC.layers.stops.items.size + SC.layers.sensors.items.size", lambda n: n == 12)
    with qtbot.waitSignal(panel.page_loaded, timeout=LOAD_MS):
        panel.view.reload()
    js_until(panel, qtbot, "[SC.layers.stops.items.size, SC.layers.incidents.items.size > 0,"
                           " SC.layers.sensors ? SC.layers.sensors.items.size : -1].join()",
             lambda r: r == "5,true,7")


def test_no_request_leaves_the_machine(make_panel, qtbot, tmp_path):
    guard = LocalOnly()
    p = make_panel(interceptor=guard)
    for name, items in demo.demo_layers().items():
        p.set_layer_items(name, items)
    p.set_layer_items("buses", demo.moving_objects(300, 0))
    js_until(p, qtbot, "SC.layers.excavations.items.size + SC.layers.buses.items.size", lambda n: n == 301)
    js(p, qtbot, "SC.map.setZoom(17);0")
    qtbot.wait(500)
    assert any(u.endswith("leaflet.js") for u in guard.seen), "the interceptor saw no request at all"
    assert guard.remote == []


def test_exports_png_and_a_standalone_html_that_works_offline(panel, qtbot, tmp_path, ctx):
    png = tmp_path / "map.png"
    with qtbot.waitSignal(panel.exported, timeout=10_000):
        panel.export_png(str(png))
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 100

    html = tmp_path / "map.html"
    panel.set_area([[51.655, 35.640], [51.662, 35.640], [51.662, 35.655]])
    with qtbot.waitSignal(panel.exported, timeout=10_000):
        panel.export_html(str(html))
    text = html.read_text(encoding="utf-8")
    assert "<script src=" not in text and 'rel="stylesheet" href=' not in text
    assert "qt.webChannelTransport" in text  # the page script is inline, and runs without Qt too

    # Open the report like a browser would: no channel, no asset folder, no network.
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

    guard = LocalOnly()
    profile = QWebEngineProfile()
    profile.setUrlRequestInterceptor(guard)
    page = QWebEnginePage(profile)
    with qtbot.waitSignal(page.loadFinished, timeout=LOAD_MS):
        page.load(QUrl.fromLocalFile(str(html)))
    box: list = []
    page.runJavaScript("JSON.stringify([SC.standalone, SC.layers.incidents.items.size, SC.area.length])", 0,
                       box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    standalone, count, area_len = json.loads(box[0])
    assert standalone is True and count == panel.batches.layer_size("incidents") and area_len == 3
    assert guard.remote == []
    page.deleteLater()  # the page before its profile, or WebEngine warns
    profile.deleteLater()
    qtbot.wait(50)


def _tile_xy(lat: float, lon: float, z: int) -> tuple[int, int]:
    import math

    n = 1 << z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def test_mbtiles_base_is_served_locally_and_used_by_the_page(qtbot, tmp_path, incidents, make_panel):
    import sqlite3

    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QColor

    from app.settings import AppSettings

    img = QImage(256, 256, QImage.Format.Format_RGB32)
    img.fill(QColor("#203040"))
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    png = bytes(buf.data().data())
    path = tmp_path / "kurchatov.mbtiles"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        for z in range(12, 17):
            x, y = _tile_xy(51.659, 35.652, z)
            for dx in range(-3, 4):
                for dy in range(-3, 4):
                    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x + dx, (1 << z) - 1 - (y + dy), png))

    settings = AppSettings(map_base="mbtiles", map_mbtiles_path=str(path))
    context = map_context(incidents, settings)
    guard = LocalOnly()
    try:
        p = make_panel(context, interceptor=guard)
        js_until(p, qtbot, "document.querySelectorAll('img.leaflet-tile-loaded').length", lambda n: n > 0,
                 timeout=15_000)
        tiles = [u for u in guard.seen if u.startswith("http://127.0.0.1:") and u.count("/") >= 5]
        assert tiles and guard.remote == []
        # With tiles underneath, the vector districts are off but stay in the layer control.
        assert js(p, qtbot, "SC.control._layers.length") >= 5
    finally:
        context.tasks.shutdown(wait=True)


def test_a_later_issue_registers_its_own_layer(panel, qtbot):
    from widgets.common.feature import LayerDef

    panel.register_layer(LayerDef("lighting", "Street lighting", style="shape", color="#ffd24a"), "Освещение")
    panel.set_layer_items("lighting", [{"id": "L1", "title": "Линия 1", "geometry": {
        "type": "LineString", "coordinates": [[35.640, 51.655], [35.650, 51.660]]}}])
    js_until(panel, qtbot, "SC.layers.lighting ? SC.layers.lighting.items.size : -1", lambda n: n == 1)
    names = js(panel, qtbot, "JSON.stringify(SC.control._layers.map(function (l) { return l.name; }))")
    assert "Освещение" in json.loads(names)
    panel.set_layer_visible("lighting", False)
    js_until(panel, qtbot, "SC.map.hasLayer(SC.layers.lighting.group)", lambda on: on is False)
    colour = js(panel, qtbot, "getComputedStyle(document.documentElement).getPropertyValue('--sc-critical')")
    assert colour.strip() == "#e5484d"  # the palette's, handed to the page


def test_web_engine_and_the_sender_thread_start_before_the_window_shows(qtbot):
    """Both are started while no window is on screen, not in the first turns of a shown one."""
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from widgets.map.panel import start_web_engine
    from widgets.map.sender import BatchSender

    start_web_engine()
    start_web_engine()  # a second call costs nothing
    assert QWebEngineProfile.defaultProfile().isOffTheRecord()  # and leaves nothing on disk
    sender = BatchSender()
    try:
        assert len(sender._pool._threads) == 1  # before any message: the first flush starts no thread
    finally:
        sender.shutdown()


def test_a_feature_can_centre_the_map_on_its_item_and_hear_clicks_on_it(panel, qtbot, ctx):
    panel.set_layer_items("cameras", demo.demo_layers()["cameras"])
    panel.set_layer_items("excavations", demo.demo_layers()["excavations"])
    qtbot.waitUntil(lambda: panel.batches.item("cameras", 4) is not None, timeout=5_000)
    ctx.bus.map_focus_requested.emit("cameras", 4)
    view = json.loads(js_until(panel, qtbot, "JSON.stringify(SC.snapshot())",
                               lambda r: abs(json.loads(r)["lat"] - 51.6555) < 1e-3))
    assert view["zoom"] == 17 and view["lon"] == pytest.approx(35.6545, abs=1e-3)
    qtbot.waitUntil(lambda: panel.batches.item("excavations", 1) is not None, timeout=5_000)
    ctx.bus.map_focus_requested.emit("excavations", 1)
    js_until(panel, qtbot, "JSON.stringify(SC.snapshot())", lambda r: abs(json.loads(r)["lat"] - 51.65645) < 5e-4)
    with qtbot.waitSignal(ctx.bus.map_item_clicked, timeout=2_000) as blocker:
        panel.bridge.item_clicked.emit("cameras", "4")
    assert blocker.args == ["cameras", "4"]
    # A bare place, e.g. the house an address was chosen for in the incident form.
    from widgets.common.bus import MAP_POINT

    ctx.bus.map_focus_requested.emit(MAP_POINT, (51.667291, 35.645915))
    view = json.loads(js_until(panel, qtbot, "JSON.stringify(SC.snapshot())",
                               lambda r: abs(json.loads(r)["lat"] - 51.667291) < 1e-4))
    assert view["zoom"] == 18 and view["lon"] == pytest.approx(35.645915, abs=1e-4)
