"""The Cleaning panel against a live server with the demo sections: the plan, the map, live coverage."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from backend.cleaning.demo import seed_sections
from backend.cleaning.duty import CoverageWatch
from backend.cleaning.ingest import FleetIngest
from backend.works import geo
from widgets.cleaning.panel import STATE_COLOR


@pytest.fixture
def server(live_server):
    from backend.auth.service import system_user
    from backend.cleaning import service
    from backend_client.schemas.cleaning import SectionCreate
    from tests.cleaning.factories import section

    with live_server.backend.sessionmaker() as s:
        seed_sections(s)
        # A section due all day, so the test does not depend on the hour it runs at.
        service.create_section(s, user=system_user(s, "t", "t"), data=SectionCreate(**section(
            "ALL-DAY", (0, -2000), (400, -2000), rules=[{"pattern": "daily", "start": "00:00", "end": "24:00"}])))
        s.commit()
    return live_server


def _drive_along(coords, start_ms, every_s=5, speed=8.0):
    """Fixes along a section's line (no noise: this test is about the panel, not matching)."""
    import shapely

    line = shapely.LineString([geo.to_metres(*c) for c in coords])
    out, d, t = [], 0.0, start_ms
    while d <= line.length:
        p = line.interpolate(d)
        lon, lat = geo.to_lonlat(p.x, p.y)
        out.append({"ts": t, "lat": lat, "lon": lon, "speed": speed, "work": "sweeping"})
        d += speed * every_s
        t += every_s * 1000
    return out


def test_plan_map_and_a_section_turning_done_live(qtbot, make_ctx, server):
    from widgets.cleaning.panel import CleaningPanel

    ctx = make_ctx(server, "dispatcher")
    layers = {}
    ctx.bus.map_items_changed.connect(lambda name, items: layers.__setitem__(name, items))
    panel = CleaningPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1300, 520)
    qtbot.waitUntil(lambda: bool(panel.sections), timeout=20_000)
    assert len(layers["cleaning"]) == len(panel.sections) == 108
    now = datetime.now(timezone.utc)
    target = next(r for r in panel.rows.values() if r.code == "ALL-DAY")
    assert target.state in ("not_due", "partly")
    assert panel.model.rowCount() >= 1  # services, with their sections under them
    section = panel.sections[target.section_id]
    fixes = _drive_along(section.geometry["coordinates"], int(max(target.window_start, now - timedelta(minutes=30))
                                                              .timestamp() * 1000))
    ingest = FleetIngest("mqtt://127.0.0.1:1", server.backend.sessionmaker)  # only its writer is used
    ingest.write([("КО-713", __import__("json").dumps(f).encode()) for f in fixes])
    ingest._publish_moves(force=True)
    CoverageWatch().round(server.backend.sessionmaker)
    qtbot.waitUntil(lambda: panel.rows[(target.section_id, target.window_start.isoformat())].state == "done",
                    timeout=20_000)
    qtbot.waitUntil(lambda: any(i["id"] == target.section_id and i["color"] == STATE_COLOR["done"]
                                for i in layers.get("cleaning", [])), timeout=5_000)
    assert any(i["id"] == "КО-713" for i in layers["fleet"])
    assert "КО-713" in panel.vehicles and panel.chips["done"].text().startswith("<b style='font-size:15px'>")
