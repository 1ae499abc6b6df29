"""The Intersections panel against a live backend with the demo's 4 controllers fed with events."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.signals.factories import csv_of, cycles

CITY = timezone(timedelta(hours=3))


def last_weekday_peak_ms() -> int:
    """16:00 city time of the last weekday before today."""
    d = datetime.now(CITY).replace(hour=16, minute=0, second=0, microsecond=0) - timedelta(days=1)
    while d.weekday() >= 5:
        d -= timedelta(days=1)
    return int(d.timestamp() * 1000)


@pytest.fixture
def signals_server(live_server):
    from backend.domain import DemoSeed
    from backend.signals import measures
    from backend.signals.demo import seed
    from backend.signals.ingest import writer_for

    b = live_server.backend
    seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
    w = writer_for(b.app)
    peak = last_weekday_peak_ms()
    ev = cycles(peak, 60, cycle_s=90, green_main=50, arrivals_per_cycle={1: 14, 2: 12, 3: 6, 4: 5})
    w.ingest_csv(csv_of(ev, "kommun-kosmonavtov"))
    now = int(time.time() * 1000)
    for uid in ("kommun-kosmonavtov", "energetikov-kommun", "leningr-kosmonavtov"):
        w.ingest([(uid, json.dumps([list(e) for e in cycles(now - 200_000, 2, cycle_s=90, green_main=50)]))])
    with b.sessionmaker() as s:
        measures.compute(s, start=peak, end=peak + 3_600_000)
        measures.compute(s, start=now - 3_600_000, end=now + 15 * 60_000)
        s.commit()
    return live_server


def test_tiles_map_measures_live_state_recommend_apply_rollback(qtbot, make_ctx, signals_server):
    from backend.signals.ingest import writer_for
    from widgets.signals.panel import IntersectionsPanel

    ctx = make_ctx(signals_server, "supervisor")
    layers = {}
    ctx.bus.map_items_changed.connect(lambda name, items: layers.__setitem__(name, items))
    with qtbot.waitSignal(ctx.events.connection_changed, timeout=10_000, raising=False):
        pass
    p = IntersectionsPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 820)
    qtbot.waitUntil(lambda: len(p.tiles) == 4 and len(p.plans) == 4, timeout=20_000)
    items = {i["id"]: i for i in layers["intersections"]}
    assert len(items) == 4
    assert items["molodezh-gaidara"]["color"] == "#8b8d98"          # never heard: offline grey
    assert items["kommun-kosmonavtov"]["color"] == "#4cc38a"         # coordinated, no faults
    tile = p.tiles["kommun-kosmonavtov"]
    assert tile.state.mode == "coordinated" and tile.plan is not None and tile.plan.cycle == 90
    # A controller event reaches the tile over the event stream.
    now = int(time.time() * 1000)
    writer_for(signals_server.backend.app).ingest([("kommun-kosmonavtov", json.dumps(
        [[now, 8, 2], [now, 8, 6], [now + 1, 173, 3]]))])
    qtbot.waitUntil(lambda: p.tiles["kommun-kosmonavtov"].state.mode == "flash", timeout=10_000)
    qtbot.waitUntil(lambda: {i["id"]: i for i in layers["intersections"]}["kommun-kosmonavtov"]["color"]
                    == "#f5a524", timeout=5_000)
    # The measures of today are charted.
    qtbot.waitUntil(lambda: any(c.xData is not None and len(c.xData) for (k, _), c in p.measures_chart.curves.items()
                                if k == "volume"), timeout=20_000)
    # Webster for the evening peak from the measured counts, beside the plan in force.
    p.select("kommun-kosmonavtov")
    p.tabs.setCurrentIndex(2)
    p.period.setCurrentIndex(2)
    with qtbot.waitSignal(p.recommended, timeout=20_000):
        p.recommend_button.click()
    assert p.recommendation.flows_from == "measured"
    assert p.recommendation.current_plan.cycle == 90
    assert "Recommended" in p.compare.text() or "Рекомендуемый" in p.compare.text()
    with qtbot.waitSignal(p.plans_loaded, timeout=20_000):
        p.apply_button.click()
    qtbot.waitUntil(lambda: any(pl.applied and pl.source == "webster" for pl in p.plans["kommun-kosmonavtov"]),
                    timeout=10_000)
    with qtbot.waitSignal(p.plans_loaded, timeout=20_000):
        p.rollback_button.click()
    qtbot.waitUntil(lambda: not any(pl.applied and pl.source == "webster" for pl in p.plans["kommun-kosmonavtov"]),
                    timeout=10_000)
    # The coordination diagram of the last hour.
    p.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: len(p.pcd.arrivals.data) > 0, timeout=20_000)


def test_dispatcher_cannot_apply(qtbot, make_ctx, signals_server):
    from widgets.signals.panel import IntersectionsPanel

    p = IntersectionsPanel(make_ctx(signals_server, "dispatcher", start_events=False))
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: len(p.tiles) == 4, timeout=20_000)
    assert not p.apply_button.isEnabled() and not p.rollback_button.isEnabled()
    assert p.recommend_button.isEnabled()
