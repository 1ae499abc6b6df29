"""The energy panel against a real backend with the demo buildings: tree, chart, band, alarms, tail, CSV."""

from __future__ import annotations

import csv
import time

import numpy as np
import pytest


@pytest.fixture
def energy_server(live_server):
    from backend.energy.demo import seed_fault_alarms
    from backend.telemetry.demo import seed_meters

    seed_meters(live_server.backend.sessionmaker, days=42)
    seed_fault_alarms(live_server.backend.sessionmaker)
    return live_server


@pytest.fixture
def panel(qtbot, make_ctx, energy_server):
    from widgets.energy.panel import EnergyPanel

    ctx = make_ctx(energy_server, start_events=False)
    p = EnergyPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    qtbot.waitUntil(lambda: len(p.devices) == 120, timeout=20_000)
    return p


def _load(qtbot, panel, action):
    with qtbot.waitSignal(panel.loaded, timeout=20_000):
        action()


def test_week_of_heat_has_band_previous_week_and_shaded_alarm(qtbot, panel):
    _load(qtbot, panel, lambda: panel.show_meter("kur-school-3-heat"))
    chart = panel.chart
    assert panel.series.resolution == "raw" and panel.series.unit == "Gcal"
    x, y = chart.curve.xData, chart.curve.yData  # what was given; getData() is the clipped view
    assert len(x) == len(panel.series.ts) >= 300 and np.nanmax(y) > 0
    assert len(chart.band_low.xData) > 100  # the baseline band is drawn
    px = chart.previous.xData
    assert len(px) >= 300 and px[0] >= panel.start_ms / 1000 - 3600  # shifted under this week
    periods = chart.shaded_periods()
    assert periods and all(a < b for a, b in periods)
    assert "Gcal" in chart.plot.getPlotItem().getAxis("left").labelText
    # pyqtgraph 0.14: downsampling and clipping are set on the items, not through plot().
    assert chart.curve.opts["autoDownsample"] and chart.curve.opts["clipToView"]


def test_presets_pick_resolution_and_free_zoom_reloads(qtbot, panel):
    _load(qtbot, panel, lambda: panel.show_meter("kur-school-1-el"))
    _load(qtbot, panel, lambda: panel.set_preset("day"))
    assert panel.series.resolution == "raw" and len(panel.series.ts) <= 97
    _load(qtbot, panel, lambda: panel.set_preset("month"))
    assert panel.series.resolution == "hour"
    _load(qtbot, panel, lambda: panel.set_preset("year"))
    assert panel.series.resolution in ("hour", "day") and len(panel.series.ts) <= 2000
    end = panel.end_ms
    # Zooming the view itself (as the mouse wheel does) reloads at the finer resolution.
    _load(qtbot, panel, lambda: panel.chart.view.setXRange((end - 2 * 86_400_000) / 1000, end / 1000, padding=0))
    assert panel.series.resolution == "raw"
    _load(qtbot, panel, lambda: panel.shift(-1))
    assert abs(panel.end_ms - (end - 2 * 86_400_000)) < 60_000


def test_live_tail_and_csv_export(qtbot, panel, tmp_path):
    _load(qtbot, panel, lambda: panel.show_meter("kur-office-2-el"))
    n = len(panel.chart.curve.xData)
    nxt = int(panel.series.ts[-1]) + panel.series.bucket_ms  # the next bucket
    panel._on_telemetry("telemetry.readings", {"readings": [
        {"device": "kur-office-2-el", "key": "kwh", "ts": nxt, "value": 5.0},
        {"device": "someone-else", "key": "kwh", "ts": nxt, "value": 9.0}]})
    assert len(panel.chart.curve.xData) == n + 1 and panel.chart.curve.yData[-1] == 5.0
    if panel.series.bucket_ms > 900_000:  # a later reading in the same bucket adds to it
        panel._on_telemetry("telemetry.readings", {"readings": [
            {"device": "kur-office-2-el", "key": "kwh", "ts": nxt + 900_000, "value": 2.0}]})
        assert len(panel.chart.curve.xData) == n + 1 and panel.chart.curve.yData[-1] == 7.0
    path = tmp_path / "chart.csv"
    with qtbot.waitCallback(timeout=10_000) as cb:
        panel.export_csv(str(path), on_done=cb)
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0][:5] == ["time", "min", "avg", "max", "sum"] and len(rows) == len(panel.series.ts) + 1
    assert rows[1][0].endswith("+03:00") and rows[1][-1] == "kWh"


def test_city_overview_and_acknowledge(qtbot, panel):
    ov = panel.overview
    layers = []
    panel.ctx.bus.map_items_changed.connect(lambda layer, items: layers.append((layer, items)))
    qtbot.waitUntil(lambda: ov.alarm_model.rowCount() >= 1 and ov.top_model.rowCount() == 15, timeout=20_000)
    assert "kWh" in ov.tiles["electricity"].text()
    # The map's energy layer: every building, the leaking kindergarten in the critical colour.
    qtbot.waitUntil(lambda: any(layer == "energy" and any(i["severity"] == "critical" for i in items)
                                for layer, items in layers), timeout=20_000)
    items = [items for layer, items in layers if layer == "energy"][-1]
    assert len(items) == 40 and {i["severity"] for i in items} >= {"", "critical"}
    leak = next(i for i, a in enumerate(ov.alarms) if a.type == "water_leak")
    assert ov.alarms[leak].state == "active_unack" and ov.alarms[leak].incident_id
    ov.alarm_view.selectRow(leak)
    ov.acknowledge_selected()
    qtbot.waitUntil(lambda: any(a.type == "water_leak" and a.state == "active_ack" for a in ov.alarms),
                    timeout=20_000)
    # The result shows where the operator's eye is, beside the button, naming what was acknowledged.
    assert ov.ack_result.text().startswith("✓") and ov.labels.alarm_type("water_leak") in ov.ack_result.text()


def test_live_tail_from_the_server_event_stream(qtbot, make_ctx, energy_server):
    """A reading posted to the server reaches the open chart through SSE telemetry.readings."""
    from widgets.energy.panel import EnergyPanel

    ctx = make_ctx(energy_server, start_events=True)
    p = EnergyPanel(ctx)
    qtbot.addWidget(p)
    p.resize(1200, 700)
    qtbot.waitUntil(lambda: len(p.devices) == 120, timeout=20_000)
    with qtbot.waitSignal(p.loaded, timeout=20_000):
        p.show_meter("kur-office-2-el")
    with qtbot.waitSignal(p.loaded, timeout=20_000):
        p.set_preset("day")
    before = float(np.nansum(p.chart.curve.yData))
    slot = int(time.time() * 1000) // 900_000 * 900_000  # the quarter in progress: not seeded
    qtbot.waitUntil(lambda: ctx.events.state == "connected", timeout=20_000)
    r = ctx.api.request("POST", "/api/v1/telemetry", json={"device": "kur-office-2-el",
                                                            "payload": {"ts": slot, "values": {"kwh": 123.0}}})
    assert r["stored"] == 1
    qtbot.waitUntil(lambda: float(np.nansum(p.chart.curve.yData)) >= before + 123.0 - 1e-6, timeout=20_000)
