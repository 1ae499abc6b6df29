"""The map against a real backend: the app's own context, the API and the live event stream."""
from __future__ import annotations

import pytest

from tests.gui.map_helpers import LOAD_MS, js_until


@pytest.fixture
def live_map(qtbot, live_server, make_ctx):
    from PySide6.QtCore import QCoreApplication, QEvent

    from backend_client.incidents import IncidentsApi
    from backend_client.schemas.incidents import IncidentCreate
    from widgets.map.panel import MapPanel

    ctx = make_ctx(live_server, "dispatcher")
    api = IncidentsApi(ctx.api)
    first = api.create(IncidentCreate(category="roads", priority="high", lat=51.6612, lon=35.6528,
                                      address="пр. Коммунистический, 50", description="Яма на дороге"))
    panel = MapPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(800, 600)
    with qtbot.waitSignal(panel.page_loaded, timeout=LOAD_MS):
        panel.show()
    yield panel, api, first
    panel.close()
    panel.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_map_shows_server_incidents_and_follows_the_event_stream(live_map, qtbot):
    from backend_client.schemas.incidents import IncidentCreate

    panel, api, first = live_map
    js_until(panel, qtbot, f"SC.layers.incidents.items.has('{first.id}')", bool, timeout=15_000)

    second = api.create(IncidentCreate(category="street_lighting", priority="critical", lat=51.6555, lon=35.6545,
                                       address="ул. Ленинградская, 20", description="Не горит фонарь"))
    js_until(panel, qtbot, f"SC.layers.incidents.items.has('{second.id}')", bool, timeout=15_000)
    assert panel.batches.item("incidents", second.id)["priority"] == "critical"

    api.change_status(first.id, "rejected", version=first.version, comment="дубль")
    js_until(panel, qtbot, f"SC.layers.incidents.items.has('{first.id}')", lambda has: has is False,
             timeout=15_000)
