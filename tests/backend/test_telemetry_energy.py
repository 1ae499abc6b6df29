"""Series resolution, baselines, totals, alarm rules and the alarm → incident path."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from backend.citytime import DAY_MS, HOUR_MS, local_day_start
from backend.telemetry.ingest import write_readings
from tests.backend.test_telemetry import add_meter

Q = 900_000  # 15 minutes
NOW = int(time.time() * 1000) // HOUR_MS * HOUR_MS + 30 * 60_000  # half past the current hour
WEEK = 7 * DAY_MS


def pattern(ts: np.ndarray) -> np.ndarray:
    """Consumption per 15 min with a daily shape; the same every week."""
    hour = (ts // HOUR_MS) % 24
    return 1.0 + (hour >= 8) * (hour < 18) * 3.0


def load(backend, device_id: int, key: str, start: int, end: int, fn=pattern) -> np.ndarray:
    ts = np.arange(start, end, Q, dtype=np.int64)
    values = fn(ts)
    with backend.sessionmaker() as s:
        write_readings(s, [(device_id, key, int(t), float(v)) for t, v in zip(ts, values)])
        s.commit()
    return values


def test_series_picks_the_resolution_the_range_needs(api, backend):
    dev = add_meter(backend, "el-1")
    start = local_day_start(NOW - 40 * DAY_MS)  # buckets of a day and more start at local midnight
    load(backend, dev, "kwh", start, NOW - HOUR_MS)
    c = api("dispatcher")

    def get(frm, to, points, **kw):
        r = c.get("/api/v1/energy/series", params={"device": "el-1", "from": frm, "to": to, "points": points, **kw})
        assert r.status_code == 200, r.text
        return r.json()

    day = get(NOW - 3 * DAY_MS, NOW - 2 * DAY_MS, 1000)
    assert day["resolution"] == "raw" and day["bucket_ms"] == Q and len(day["ts"]) in (96, 97)
    assert day["unit"] == "kWh" and day["key"] == "kwh"
    month = get(NOW - 31 * DAY_MS, NOW - DAY_MS, 1000)
    assert month["resolution"] == "hour" and month["bucket_ms"] == HOUR_MS and 700 <= len(month["ts"]) <= 745
    coarse = get(start, NOW, 100)
    assert coarse["resolution"] == "hour" and len(coarse["ts"]) <= 100
    year = get(NOW - 365 * DAY_MS, NOW, 400)
    assert year["resolution"] == "day" and len(year["ts"]) <= 400
    # The same total whatever the resolution, and buckets carry min ≤ avg ≤ max.
    sums = [sum(get(start, start + 28 * DAY_MS, p)["sum"]) for p in (5000, 1000, 40)]
    assert sums[0] == pytest.approx(sums[1]) == pytest.approx(sums[2])
    assert all(mn <= av <= mx for mn, av, mx in zip(month["min"], month["avg"], month["max"]))
    r = c.get("/api/v1/energy/series", params={"device": "el-1", "from": NOW, "to": NOW - 1})
    assert r.status_code == 400 and "after" in r.json()["error"]["message"]
    r = c.get("/api/v1/energy/series", params={"device": "el-1", "from": "yesterday", "to": NOW})
    assert r.status_code == 422
    assert c.get("/api/v1/energy/series", params={"device": "zz", "from": 0, "to": NOW}).status_code == 404
    iso = get(datetime.fromtimestamp((NOW - DAY_MS) / 1000, timezone.utc).isoformat(), NOW - 2 * HOUR_MS, 50)
    assert iso["ts"]


def test_baseline_is_the_median_of_the_same_hour_over_four_weeks(api, backend):
    dev = add_meter(backend, "el-2")
    start = NOW - 35 * DAY_MS
    # Four normal weeks and one odd week (doubled) that the median must ignore.
    load(backend, dev, "kwh", start, NOW - HOUR_MS,
         fn=lambda ts: pattern(ts) * np.where((ts >= NOW - 21 * DAY_MS) & (ts < NOW - 14 * DAY_MS), 2.0, 1.0))
    r = api("dispatcher").get("/api/v1/energy/series", params={
        "device": "el-2", "from": NOW - 2 * DAY_MS, "to": NOW - DAY_MS, "points": 24, "baseline": True}).json()
    assert r["resolution"] == "hour"
    expected = [4 * float(pattern(np.array([t]))[0]) for t in r["ts"]]
    assert r["baseline"] == pytest.approx(expected)
    assert all(lo <= b <= hi for lo, b, hi in zip(r["baseline_low"], r["baseline"], r["baseline_high"]))
    assert all(hi > b for b, hi in zip(r["baseline"], r["baseline_high"]))
    raw = api("dispatcher").get("/api/v1/energy/series", params={
        "device": "el-2", "from": NOW - 2 * DAY_MS, "to": NOW - DAY_MS, "points": 500, "baseline": 1}).json()
    assert raw["resolution"] == "raw" and raw["baseline"][0] == pytest.approx(expected[0] / 4)


def test_totals_and_overview(api, backend):
    el = add_meter(backend, "el-3")
    wa = add_meter(backend, "wa-3", resource="water", key="m3")
    load(backend, el, "kwh", NOW - 10 * DAY_MS, NOW - HOUR_MS, fn=lambda ts: np.full(len(ts), 1.0))
    load(backend, wa, "m3", NOW - 10 * DAY_MS, NOW - HOUR_MS, fn=lambda ts: np.full(len(ts), 0.5))
    c = api("dispatcher")
    h = NOW - NOW % HOUR_MS  # totals count whole hours
    frm, to = h - 5 * DAY_MS - 7 * HOUR_MS, h - 2 * DAY_MS + 3 * HOUR_MS
    t = c.get("/api/v1/energy/totals", params={"from": frm, "to": to}).json()
    hours = (to - frm) / HOUR_MS
    assert t["by_resource"]["electricity"] == pytest.approx(4 * hours)
    assert t["by_resource"]["water"] == pytest.approx(2 * hours)
    assert {r["site"] for r in t["rows"]} == {"Школа № 1"}
    o = c.get("/api/v1/energy/overview").json()
    assert [r["resource"] for r in o["resources"]] == ["electricity", "heat", "water"]
    assert o["top"][0]["device"] == "el-3" and o["active_alarms"] == 0


def _alarms(c, **params):
    r = c.get("/api/v1/energy/alarms", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_sustained_excess_raises_a_critical_alarm_that_opens_an_incident(api, backend):
    from backend.energy.rules import evaluate

    dev = add_meter(backend, "heat-1", resource="heat", key="gcal")
    h = NOW - NOW % HOUR_MS
    load(backend, dev, "gcal", h - 30 * DAY_MS, h - 5 * HOUR_MS)
    load(backend, dev, "gcal", h - 5 * HOUR_MS, h, fn=lambda ts: pattern(ts) * 3)  # stuck valve
    with backend.sessionmaker() as s:
        evaluate(s, now_ms=NOW)
        evaluate(s, now_ms=NOW)  # evaluating again keeps the one alarm
        s.commit()
    c = api("dispatcher")
    active = _alarms(c, state="active")
    assert len(active) == 1
    alarm = active[0]
    assert (alarm["type"], alarm["severity"], alarm["state"], alarm["device"]) == (
        "over_baseline", "critical", "active_unack", "heat-1")
    assert alarm["period_start"] <= h - 4 * HOUR_MS and alarm["period_end"] is None
    incident = c.get(f"/api/v1/incidents/{alarm['incident_id']}").json()
    assert incident["source"] == "sensor_alarm" and incident["priority"] == "critical"
    assert f"#{alarm['id']}" in incident["description"] and incident["category"] == "utilities"
    events = [e for e in _events(backend) if e.type.startswith("alarm.")]
    assert events[0].type == "alarm.raised" and events[0].data["id"] == alarm["id"]

    r = c.post(f"/api/v1/energy/alarms/{alarm['id']}/ack")
    assert r.status_code == 200 and r.json()["state"] == "active_ack" and r.json()["acked_by"] == "dispatcher"
    # Back to normal in the next hour: the alarm clears and keeps its period for the charts.
    load(backend, dev, "gcal", h, h + HOUR_MS)
    with backend.sessionmaker() as s:
        evaluate(s, now_ms=NOW + HOUR_MS)
        s.commit()
    assert _alarms(c, state="active") == []
    cleared = _alarms(c, device="heat-1", **{"from": h - DAY_MS, "to": h + DAY_MS})[0]
    assert cleared["state"] == "cleared" and cleared["period_end"] == h
    assert c.post(f"/api/v1/energy/alarms/{alarm['id']}/ack").status_code == 409
    assert c.post("/api/v1/energy/alarms/99999/ack").status_code == 404
    assert c.get("/api/v1/energy/alarms", params={"state": "bogus"}).status_code == 400


def _events(backend):
    from backend.events.models import Event

    with backend.sessionmaker() as s:
        return list(s.query(Event).order_by(Event.id))


def test_leak_night_use_and_silent_meter(api, backend):
    from backend.energy.rules import evaluate
    from backend.telemetry.models import Device

    h = NOW - NOW % HOUR_MS
    water = add_meter(backend, "wa-9", resource="water", key="m3", site_code="closed", open_days="")
    el = add_meter(backend, "el-9", resource="electricity", site_code="closed", open_days="")
    load(backend, water, "m3", h - 30 * HOUR_MS, h, fn=lambda ts: np.full(len(ts), 0.02))  # never stops
    load(backend, el, "kwh", h - 8 * DAY_MS, h, fn=lambda ts: np.full(len(ts), 2.0))  # lights on, closed
    with backend.sessionmaker() as s:
        s.get(Device, el).last_seen_at = datetime.now(timezone.utc) - timedelta(hours=3)
        s.commit()
        evaluate(s, now_ms=NOW)
        s.commit()
    c = api("dispatcher")
    got = {(a["device"], a["type"]): a for a in _alarms(c, state="active")}
    assert got[("wa-9", "water_leak")]["severity"] == "critical"
    assert got[("wa-9", "water_leak")]["incident_id"] is not None
    assert got[("el-9", "night_use")]["severity"] == "major"
    assert got[("el-9", "silent_meter")]["severity"] == "warning"
    assert ("wa-9", "silent_meter") not in got  # never heard of: nothing to miss yet
    # Flow stops, the meter talks again: those alarms clear.
    load(backend, water, "m3", h, h + HOUR_MS, fn=lambda ts: np.where(ts % HOUR_MS == 0, 0.0, 0.02))
    with backend.sessionmaker() as s:
        s.get(Device, el).last_seen_at = datetime.fromtimestamp((NOW + HOUR_MS) / 1000, timezone.utc)
        s.commit()
        evaluate(s, now_ms=NOW + HOUR_MS)
        s.commit()
    still = {(a["device"], a["type"]) for a in _alarms(c, state="active")}
    assert ("wa-9", "water_leak") not in still and ("el-9", "silent_meter") not in still


def test_demo_seed_is_idempotent_fills_the_gap_and_raises_the_fault_alarms(api, backend):
    from backend.energy.demo import seed_fault_alarms
    from backend.energy.models import Alarm
    from backend.telemetry.demo import seed_meters
    from backend.telemetry.models import DailyRollup, Device, HourlyRollup, Reading, Site
    from resources.city.meters import Q_MS

    def seed_energy(maker, **kw):
        stats = seed_meters(maker, **kw)
        seed_fault_alarms(maker, now_ms=kw["now_ms"])
        return stats

    now = NOW - NOW % Q_MS
    first = seed_energy(backend.sessionmaker, days=6, raw_days=2, now_ms=now)
    assert first["meters"] == 120 and first["raw"] > 0
    with backend.sessionmaker() as s:
        assert s.query(Site).count() == 40 and s.query(Device).count() == 120
        counts = (s.query(Reading).count(), s.query(HourlyRollup).count(), s.query(DailyRollup).count())
        # Rollups agree with the raw readings they cover.
        h = s.query(HourlyRollup).filter(HourlyRollup.bucket == now - now % HOUR_MS - 5 * HOUR_MS).first()
        raw = s.query(Reading).filter(Reading.device_id == h.device_id, Reading.ts >= h.bucket,
                                      Reading.ts < h.bucket + HOUR_MS).all()
        assert h.count == len(raw) == 4 and h.sum == pytest.approx(sum(r.value for r in raw))
        alarms = {(a.type, a.state) for a in s.query(Alarm)}
        n_alarms = s.query(Alarm).count()
    assert ("water_leak", "active_unack") in alarms and ("over_baseline", "cleared") in alarms
    again = seed_energy(backend.sessionmaker, days=6, raw_days=2, now_ms=now)
    assert again == {"meters": 120, "raw": 0}
    later = seed_energy(backend.sessionmaker, days=6, raw_days=2, now_ms=now + 2 * HOUR_MS)
    assert later["raw"] == 120 * 8
    with backend.sessionmaker() as s:
        assert s.query(Reading).count() == counts[0] + 120 * 8
        assert s.query(Alarm).count() == n_alarms == 5  # the faults' alarms are made once
    leak = [a for a in api("dispatcher").get("/api/v1/energy/alarms", params={"state": "active"}).json()
            if a["type"] == "water_leak"][0]
    incident = api("dispatcher").get(f"/api/v1/incidents/{leak['incident_id']}").json()
    assert incident["source"] == "sensor_alarm"


def test_a_cold_snap_is_not_waste_but_one_building_above_the_city_is(api, backend):
    from backend.energy.rules import evaluate

    h = NOW - NOW % HOUR_MS
    ids = [add_meter(backend, f"heat-c{i}", resource="heat", key="gcal") for i in range(12)]
    for i, dev in enumerate(ids):
        load(backend, dev, "gcal", h - 30 * DAY_MS, h - 5 * HOUR_MS)
        factor = 3.0 if i == 0 else 1.45  # every building uses more in the frost; one far more
        load(backend, dev, "gcal", h - 5 * HOUR_MS, h, fn=lambda ts, f=factor: pattern(ts) * f)
    with backend.sessionmaker() as s:
        evaluate(s, now_ms=NOW)
        s.commit()
    active = _alarms(api("dispatcher"), state="active")
    assert [(a["device"], a["type"]) for a in active] == [("heat-c0", "over_baseline")]


def _silent_incidents(c):
    items = c.get("/api/v1/incidents", params={"limit": 100}).json()
    items = items["items"] if isinstance(items, dict) else items
    return [i for i in items if i["source"] == "sensor_alarm" and "не передают показания" in i["description"]]


def test_silent_meters_of_one_building_become_one_incident_resolved_when_they_talk(api, backend):
    from backend.energy.rules import evaluate
    from backend.telemetry.models import Device

    el = add_meter(backend, "el-7", resource="electricity", site_code="school-7")
    heat = add_meter(backend, "heat-7", resource="heat", key="gcal", site_code="school-7")
    lone = add_meter(backend, "wa-8", resource="water", key="m3", site_code="school-8")
    now = datetime.fromtimestamp(NOW / 1000, timezone.utc)

    def heard(dev, ago):
        with backend.sessionmaker() as s:
            s.get(Device, dev).last_seen_at = now - ago
            s.commit()

    def run(at=NOW):
        with backend.sessionmaker() as s:
            evaluate(s, now_ms=at)
            s.commit()

    c = api("dispatcher")
    heard(el, timedelta(minutes=44))  # 3 intervals of 15 min is 45: not silent yet
    heard(heat, timedelta(minutes=10))
    heard(lone, timedelta(minutes=5))
    run()
    assert _silent_incidents(c) == []
    heard(el, timedelta(minutes=50))
    run()
    run()  # evaluating again keeps it one
    (inc,) = _silent_incidents(c)
    assert inc["status"] == "new" and inc["category"] == "other" and "el-7" in inc["description"]
    assert "Школа № 1" in inc["description"] and (inc["lat"], inc["lon"]) == (51.66, 35.65)
    # The building's heat meter falls silent too: it joins the same incident, with a note.
    heard(heat, timedelta(minutes=60))
    run()
    (inc,) = _silent_incidents(c)
    notes = [x["text"] for x in c.get(f"/api/v1/incidents/{inc['id']}/comments").json()]
    assert any("heat-7" in n for n in notes), notes
    alarms = {a["device"]: a for a in _alarms(c, state="active") if a["type"] == "silent_meter"}
    assert alarms["el-7"]["incident_id"] == alarms["heat-7"]["incident_id"] == inc["id"]
    # One meter talks again: still open; both talk: resolved with a note.
    heard(el, timedelta(minutes=1))
    run()
    assert c.get(f"/api/v1/incidents/{inc['id']}").json()["status"] == "new"
    heard(heat, timedelta(minutes=1))
    run()
    assert c.get(f"/api/v1/incidents/{inc['id']}").json()["status"] == "resolved"
    notes = [x["text"] for x in c.get(f"/api/v1/incidents/{inc['id']}/comments").json()]
    assert any("снова передают показания" in n for n in notes), notes
    run()
    assert len(_silent_incidents(c)) == 1
    # A meter of another building that falls silent later is its own incident.
    heard(lone, timedelta(minutes=50))
    run()
    assert len([i for i in _silent_incidents(c) if i["status"] == "new"]) == 1
