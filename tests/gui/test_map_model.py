"""The map's Qt-free parts: batching, incident items, addresses, the offline page, MBTiles."""
from __future__ import annotations

import re
import sqlite3
import urllib.request

import pytest

from widgets.map import geo
from app.features import features
from widgets.map.layers import Outbox, decode_positions, encode_positions, incident_item
from widgets.map.page import BaseMap, PageSpec, render, standalone_html
from widgets.map.tiles import MBTilesServer

# What makes a browser fetch: a script/link/img tag or a CSS url() pointing off the machine.
# (Leaflet's own code holds a plain <a href> to its site in a string: that fetches nothing.)
EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//"""
                      r"""|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//""", re.I)


def test_outbox_merges_a_burst_into_one_operation_per_layer():
    box = Outbox()
    box.items("update", "buses", [{"id": 1, "lat": 1, "lon": 1}, {"id": 2, "lat": 2, "lon": 2}])
    box.items("update", "buses", [{"id": 1, "lat": 9, "lon": 9}])
    box.remove("buses", [2])
    box.items("set", "stops", [{"id": "a", "lat": 0, "lon": 0}])
    box.remove("stops", ["a"])
    ops = box.take()
    assert ops == [{"op": "update", "layer": "buses", "items": [{"id": 1, "lat": 9, "lon": 9}]},
                   {"op": "remove", "layer": "buses", "ids": ["2"]},
                   {"op": "set", "layer": "stops", "items": []}]
    assert not box


def test_position_only_changes_travel_as_a_flat_move():
    from widgets.map.layers import LayerState

    state, box = LayerState(), Outbox()
    state.set("buses", [{"id": 1, "lat": 1.0, "lon": 1.0, "title": "A"}, {"id": 2, "lat": 2.0, "lon": 2.0}])
    changed, moved = state.update("buses", [{"id": 1, "lat": 1.5, "lon": 1.25, "title": "A"},
                                            {"id": 2, "lat": 2.0, "lon": 2.0, "title": "B"},
                                            {"id": 3, "lat": 3.0, "lon": 3.0}])
    assert [it["id"] for it in changed] == [2, 3] and list(moved) == ["1"]
    assert state.update("buses", [{"id": 1, "lat": 1.5, "lon": 1.25, "title": "A"}]) == ([], {})  # unchanged
    assert state.get("buses", 1) is moved["1"]  # moved in place, not replaced
    box.move("buses", moved)
    box.move("buses", {"1": {"id": 1, "lat": 1.1234567, "lon": 1.0}})
    (op,) = box.take()
    assert op == {"op": "move", "layer": "buses", "ids": ["1"], "e6": op["e6"]}
    assert decode_positions(op["e6"]) == [1.123457, 1.0]  # microdegrees: 0.1 m


def test_a_move_of_the_same_objects_as_the_last_one_leaves_the_ids_out():
    box = Outbox()
    fleet = {str(i): {"id": i, "lat": 51.0 + i, "lon": 35.0} for i in range(3)}
    box.move("buses", dict(fleet))
    assert box.take()[0]["ids"] == ["0", "1", "2"]
    box.move("buses", dict(fleet))
    (op,) = box.take()
    assert "ids" not in op and decode_positions(op["e6"]) == [51.0, 35.0, 52.0, 35.0, 53.0, 35.0]
    box.move("buses", {k: fleet[k] for k in ("0", "2")})  # one fewer: the ids travel again
    assert box.take()[0]["ids"] == ["0", "2"]
    box.move("trams", {"0": fleet["0"]})  # per layer
    assert box.take()[0]["ids"] == ["0"]
    box.move("buses", {k: fleet[k] for k in ("0", "2")})
    box.forget_moves()  # the page reloaded: it holds no ids
    assert box.take()[0]["ids"] == ["0", "2"]


def test_positions_travel_as_microdegrees_across_the_globe():
    items = [{"lat": lat, "lon": lon} for lat, lon in
             ((51.6612345, 35.6543215), (-89.9999994, -179.9999996), (90.0, 180.0), (0.0, -0.0000004))]
    assert decode_positions(encode_positions(items)) == [51.661234, 35.654322, -89.999999, -180.0,
                                                         90.0, 180.0, 0.0, 0.0]
    assert decode_positions(encode_positions([])) == []


def test_long_lists_are_encoded_in_slices_that_make_the_same_message(monkeypatch):
    import json

    import widgets.map.layers as layers

    items = [{"id": i, "lat": 51.6 + i * 1e-5, "lon": 35.6, "title": f"Автобус {i}"} for i in range(1203)]
    ops = [{"op": "layer", "def": {"name": "buses"}}, {"op": "set", "layer": "buses", "items": items},
           {"op": "move", "layer": "buses", "ids": [str(i) for i in range(7)], "e6": "AAAA"},
           {"op": "remove", "layer": "stops", "ids": []}]
    calls: list[int] = []
    dumps = layers._dumps
    monkeypatch.setattr(layers, "_dumps", lambda v: calls.append(len(v) if isinstance(v, list) else 0) or dumps(v))
    for slice_len in (1, 5, 500, 10_000):
        calls.clear()
        text = layers.encode_message(9, ops, slice_len)
        assert json.loads(text) == {"seq": 9, "ops": ops}
        assert max(calls) <= slice_len  # no single call over a whole long list
    assert "Автобус" in text  # not escaped: half the bytes for Russian titles


def test_outbox_keeps_order_around_selection():
    box = Outbox()
    box.items("update", "incidents", [{"id": 1, "lat": 1, "lon": 1}])
    box.add({"op": "select", "id": 1})
    box.items("update", "incidents", [{"id": 1, "lat": 2, "lon": 2}])
    assert [op["op"] for op in box.take()] == ["update", "select", "update"]


def test_incident_items_keep_open_ones_with_priority_colour():
    from widgets.map.demo import demo_incidents

    inc = demo_incidents(1)[0].model_copy(update=dict(priority="critical", status="new", address="ул. Садовая, 3",
                                                      overdue=True))
    item = incident_item(inc)
    assert item["color"] == "#e5484d" and item["overdue"] and "ул. Садовая, 3" in item["title"]
    assert incident_item(inc.model_copy(update=dict(status="closed"))) is None


def test_an_open_incident_past_its_sla_shows_overdue_before_the_server_says_so():
    from datetime import datetime, timedelta, timezone

    from widgets.map.demo import demo_incidents

    inc = demo_incidents(1)[0].model_copy(update=dict(
        status="new", overdue=False, sla_due_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    assert incident_item(inc)["overdue"]
    assert not incident_item(inc.model_copy(update=dict(sla_due_at=inc.sla_due_at + timedelta(hours=1))))["overdue"]


def test_nearest_address_prefers_houses_then_streets():
    book = geo.AddressBook([(51.66, 35.65, "ул. Тестовая, 1")], geo.load_base("streets"))
    assert book.nearest(51.66001, 35.65001) == "ул. Тестовая, 1"
    far_from_houses = book.nearest(51.6640, 35.6590)  # on the avenue, 400 m+ from the only house
    assert "проспект Коммунистический" in far_from_houses or "улица Энергетиков" in far_from_houses
    assert book.nearest(51.80, 35.90).endswith("51.80000, 35.90000")


def test_the_vector_base_covers_the_city():
    for name in geo.BASE_LAYERS:
        assert geo.load_base(name)["features"], name
    lats = [c[1] for f in geo.load_base("streets")["features"] for c in f["geometry"]["coordinates"]]
    assert 51.64 < min(lats) and max(lats) < 51.68
    names = {f["properties"]["name"] for f in geo.load_base("streets")["features"]}
    assert {"улица Ленинградская", "проспект Коммунистический", "улица Космонавтов"} <= names


LAYERS = [d for spec in features() for d in spec.layers]


def _spec(**kw) -> PageSpec:
    return PageSpec(base=BaseMap(), layers=[d.to_page() for d in LAYERS], text={}, base_titles={}, **kw)


def test_the_page_references_no_cdn_and_no_bootstrap_or_jquery():
    html = render(_spec())
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "bootstrap" not in html and "jquery" not in html and "awesome" not in html
    for asset in ("leaflet.js", "leaflet.markercluster.js", "qwebchannel.js", "sc_map.js", "leaflet.css"):
        assert f'"{asset}"' in html


def test_standalone_export_inlines_every_asset():
    html = standalone_html(_spec(snapshot={"ops": [{"op": "set", "layer": "incidents", "items": []}]}))
    assert not EXTERNAL.search(html)
    assert "<script src=" not in html and "<link rel=\"stylesheet\"" not in html
    assert "L.MarkerClusterGroup" in html and "data:image/png;base64," in html


def test_built_pages_are_reused_and_pruned(tmp_path, monkeypatch):
    from widgets.map import page as page_mod

    first = page_mod.cached_page(_spec(), tmp_path, "/* qwebchannel */")
    assert first.is_file() and (first.parent / "assets" / "leaflet.js").is_file()
    monkeypatch.setattr(page_mod, "render", lambda spec: pytest.fail("rendered again"))
    assert page_mod.cached_page(_spec(), tmp_path, "/* qwebchannel */") == first
    monkeypatch.undo()
    for n in range(3):
        page_mod.cached_page(_spec(zoom=10 + n), tmp_path, "/* qwebchannel */", keep=2)
    assert len([d for d in tmp_path.iterdir() if not d.name.startswith(".")]) == 2


@pytest.fixture
def mbtiles(tmp_path):
    path = tmp_path / "city.mbtiles"
    png = b"\x89PNG\r\n\x1a\n" + b"tile-14-9816-5390"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name text, value text)")
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.execute("INSERT INTO metadata VALUES ('attribution', 'Kurchatov GIS')")
        db.execute("INSERT INTO tiles VALUES (14, 9816, ?, ?)", ((1 << 14) - 1 - 5390, png))
    return path, png


def test_mbtiles_are_served_on_loopback_with_xyz_rows(mbtiles):
    path, png = mbtiles
    server = MBTilesServer(path)
    template = server.start()
    try:
        assert template.startswith("http://127.0.0.1:") and server.metadata()["attribution"] == "Kurchatov GIS"
        with urllib.request.urlopen(template.format(z=14, x=9816, y=5390), timeout=5) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "image/png" and r.read() == png
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(template.format(z=14, x=1, y=1), timeout=5)
        assert missing.value.code == 404
    finally:
        server.stop()
