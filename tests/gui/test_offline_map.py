"""An incident logged while the server is away is on the map at once, with its local number (issue 12)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from backend_client.schemas.incidents import IncidentCreate
from tests.conftest import LiveServer

LOAD_MS = 30_000


def page_ids(panel, qtbot) -> list[str]:
    got = []
    panel.page.runJavaScript("JSON.stringify(Array.from(SC.layers.incidents.items.keys()))", 0,
                                    lambda v: got.append(v))
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return [str(k) for k in json.loads(got[0] or "[]")]


@pytest.fixture(autouse=True)
def map_cache(monkeypatch, tmp_path_factory):
    """Built pages are cached between starts; keep the tests' cache out of the user's."""
    monkeypatch.setenv("SC_DESK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "desk-cache"))


def test_an_incident_logged_offline_is_on_the_map_before_sync_with_its_local_number(live_server, make_ctx,
                                                                                      qtbot):
    from widgets.map.panel import MapPanel

    from widgets.common import protocols

    ctx = make_ctx(live_server)
    gw = ctx.incidents
    assert isinstance(gw, protocols.IncidentGateway) and isinstance(gw, protocols.OfflineOutbox)
    panel = MapPanel(ctx)
    panel.resize(900, 640)
    with qtbot.waitSignal(panel.page_loaded, timeout=LOAD_MS):
        panel.show()
    server = None
    try:
        live_server.stop()  # the server goes away
        saved = []
        gw.create(IncidentCreate(category="roads", priority="high", lat=51.6612, lon=35.6530,
                                 address="ул. Курчатова, 5", description="Провал асфальта у школы"),
                  on_done=saved.append)
        qtbot.waitUntil(lambda: bool(saved), timeout=15_000)
        [inc] = saved
        assert inc.id < 0 and inc.number == f"Л-{-inc.id}"
        qtbot.waitUntil(lambda: panel.batches.item("incidents", inc.id) is not None, timeout=10_000)
        item = panel.batches.item("incidents", inc.id)
        assert inc.number in item["title"] and (item["lat"], item["lon"]) == (51.6612, 35.6530)
        qtbot.waitUntil(lambda: str(inc.id) in page_ids(panel, qtbot), timeout=10_000)  # on the page too
        assert gw.waiting == 1  # not synced: it is on the map from the outbox

        # The server returns: the same marker takes the server's number, once.
        server = LiveServer(live_server.backend, live_server.port).start()
        qtbot.waitUntil(lambda: gw.waiting == 0, timeout=30_000)
        server_id = gw.store.resolve(inc.id)
        assert server_id > 0
        qtbot.waitUntil(lambda: panel.batches.item("incidents", server_id) is not None
                        and panel.batches.item("incidents", inc.id) is None, timeout=10_000)
        assert panel.batches.item("incidents", server_id)["title"].startswith("И-")
    finally:
        gw.shutdown()
        panel.close()
        panel.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if server is not None:
            server.stop()
