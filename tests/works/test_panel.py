"""The Works panel against a live server with the demo permits: counts, lists, map layer, a point's verdict."""

from __future__ import annotations

import pytest

from backend.works.demo import seed_permits
from widgets.works.model import STATUS_COLORS


@pytest.fixture
def panel(qtbot, make_ctx, live_server):
    from widgets.works.panel import WorksPanel

    with live_server.backend.sessionmaker() as s:
        seed_permits(s)
        s.commit()
    ctx = make_ctx(live_server, "dispatcher")
    layers = {}
    ctx.bus.map_items_changed.connect(lambda name, items: layers.__setitem__(name, items))
    p = WorksPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1300, 520)
    qtbot.waitUntil(lambda: p.summary is not None, timeout=20_000)
    p.layers = layers
    return p


def test_counts_lists_and_map_layer(qtbot, panel):
    s = panel.summary
    assert sum(s.by_status.values()) == 36 == panel.all_model.rowCount()
    assert str(s.by_status["granted"]) in panel.chips["granted"].text()
    assert panel.overdue_model.rowCount() == len(s.restoration_overdue) >= 2
    assert panel.expiring_model.rowCount() == len(s.expiring_this_week) >= 1
    items = panel.layers["works"]
    assert len(items) == 36 - s.by_status["closed"]
    by_status = {p.id: p.status for p in panel.permits}
    assert all(it["color"] == STATUS_COLORS[by_status[it["id"]]] for it in items)
    assert {it["geometry"]["type"] for it in items} == {"Polygon", "LineString"}  # points drawn as circles
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("suspended"))
    assert panel.all_view.model().rowCount() == s.by_status["suspended"]
    panel.search.setText("Водоканал")
    assert 0 < panel.all_view.model().rowCount() <= s.by_status["suspended"]


def test_a_point_from_the_map_gets_its_verdict(qtbot, panel):
    granted = next(p for p in panel.permits if p.status == "granted" and p.geometry["type"] == "Point"
                   and p.hours_from == "00:00" and p.licence_until and not p.restoration_overdue)
    lon, lat = granted.geometry["coordinates"]
    with qtbot.waitSignal(panel.checked, timeout=20_000):
        panel.ctx.bus.create_incident_at.emit(lat, lon, "улица")
    assert panel.result.verdict == "legal" and panel.result.permit_number == granted.number
    assert "Legal" in panel.verdict.text() or "Законно" in panel.verdict.text()
    assert panel.nearby.rowCount() >= 1 and panel.nearby.item(0, 0).text() == granted.number
    with qtbot.waitSignal(panel.checked, timeout=20_000):
        panel.check_point(51.70, 35.50)  # outside the town
    assert panel.result.verdict == "no_permit" and panel.nearby.rowCount() == 0


def test_a_permit_changed_elsewhere_reloads_the_panel(qtbot, panel, make_ctx, live_server):
    from backend_client.schemas.works import PermitPatch
    from backend_client.works import WorksApi

    target = next(p for p in panel.permits if p.status == "granted")
    sup = make_ctx(live_server, "supervisor", start_events=False).service(WorksApi)
    with qtbot.waitSignal(panel.loaded, timeout=20_000):
        sup.update(target.id, PermitPatch(status="suspended"))
    assert next(p for p in panel.permits if p.id == target.id).status == "suspended"


def test_a_selected_excavation_incident_shows_its_verdict_and_records_a_violation(qtbot, panel, live_server):
    from backend.works.duty import check_incidents
    from backend_client.schemas.incidents import IncidentCreate

    created = []
    panel.ctx.incidents.create(IncidentCreate(category="excavation", priority="low", lat=51.70, lon=35.50,
                                              address="за городом", description="Раскопка без ограждения",
                                              source="operator"), on_done=created.append)
    qtbot.waitUntil(lambda: bool(created), timeout=20_000)
    check_incidents(live_server.backend.sessionmaker)
    incident_id = created[0].id
    qtbot.waitUntil(lambda: panel.ctx.incidents.cached(incident_id) is not None, timeout=20_000)
    panel.ctx.bus.incident_selected.emit(incident_id)
    qtbot.waitUntil(lambda: panel.incident_check is not None, timeout=20_000)
    assert panel.incident_check.verdict == "no_permit" and panel.violation_button.isEnabled()
    panel.violation_button.click()
    qtbot.waitUntil(lambda: panel.incident_check.violation_recorded, timeout=20_000)
    assert not panel.violation_button.isEnabled()
