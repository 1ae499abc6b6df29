"""Measures against the atspm package's own sample controller, stored in our database and read over REST."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pandas as pd
import pytest

from backend.citytime import CITY_UTC_OFFSET_MS
from backend.signals import measures
from tests.signals.factories import controller, csv_of, cycles, sample_controller


def _sample_csv(raw: pd.DataFrame) -> bytes:
    lines = ["TimeStamp,DeviceId,EventId,Parameter"]
    for r in raw.itertuples(index=False):
        lines.append(f"{pd.Timestamp(r.TimeStamp).isoformat(sep=' ', timespec='milliseconds')},1136,"
                     f"{r.EventId},{r.Parameter}")
    return ("\n".join(lines) + "\n").encode()


def _ms(ts) -> int:
    """atspm's naive timestamps are the controller's local time, which our CSV reads as the city's."""
    return int(pd.Timestamp(ts).tz_localize(timezone.utc).timestamp() * 1000) - CITY_UTC_OFFSET_MS


def test_measures_match_atspm_on_its_own_sample(api, backend):
    data, raw, cfg = sample_controller()
    assert api("admin").post("/api/v1/signals/controllers", json=data).status_code == 201
    c = api("dispatcher")
    r = c.post("/api/v1/signals/events", content=_sample_csv(raw))
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == len(raw.drop_duplicates()) and not r.json()["rejected"]
    start, end = _ms(raw.TimeStamp.min()), _ms(raw.TimeStamp.max()) + 1
    with backend.sessionmaker() as s:
        assert measures.compute(s, start=start - 15 * 60_000, end=end + 15 * 60_000) > 0
        s.commit()
    got = c.get("/api/v1/signals/controllers/1136/measures",
                params={"from": start - 15 * 60_000, "to": end + 15 * 60_000}).json()
    rows = {(m["ts"], m["phase"]): m for m in got["rows"]}

    # The package, run by itself on its sample with its own configuration.
    expected = measures.run_atspm(raw, cfg)
    adv = cfg[cfg.Function == "Advance"]
    act = expected["actuations"].merge(adv, left_on=["DeviceId", "Detector"], right_on=["DeviceId", "Parameter"])
    volumes = act.groupby(["TimeStamp", "Phase"]).Total.sum()
    assert len(volumes) > 10
    for (ts, phase), total in volumes.items():
        assert rows[(_ms(ts), int(phase))]["volume"] == total
    aog = expected["arrival_on_green"]
    assert len(aog) > 10
    for r in aog.itertuples(index=False):
        assert rows[(_ms(r.TimeStamp), int(r.Phase))]["aog_percent"] == pytest.approx(r.Percent_AOG * 100, abs=0.01)
    sf = expected["split_failures"].groupby(["TimeStamp", "Phase"]).Split_Failure.sum()
    assert sf.sum() > 0
    for (ts, phase), n in sf.items():
        if (_ms(ts), int(phase)) in rows:
            assert rows[(_ms(ts), int(phase))]["split_failures"] == n
    term = expected["terminations"]
    names = {"GapOut": "gap_outs", "MaxOut": "max_outs", "ForceOff": "force_offs"}
    configured = {p["phase"] for p in data["phases"]}
    checked = 0
    for r in term.itertuples(index=False):
        if int(r.Phase) in configured:
            assert rows[(_ms(r.TimeStamp), int(r.Phase))][names[r.PerformanceMeasure]] == r.Total
            checked += 1
    assert checked > 10
    ped = expected["ped_delay"]
    for r in ped.itertuples(index=False):
        assert rows[(_ms(r.TimeStamp), int(r.Phase))]["ped_delay_s"] == pytest.approx(r.AvgPedDelay, abs=0.01)
    assert any(m["green_s"] for m in got["rows"])
    # An hourly view sums the quarter hours.
    hourly = c.get("/api/v1/signals/controllers/1136/measures",
                   params={"from": start - 15 * 60_000, "to": end + 15 * 60_000, "bin": 60}).json()
    assert sum(m["volume"] for m in hourly["rows"]) == sum(m["volume"] for m in got["rows"])
    assert c.get("/api/v1/signals/controllers/1136/measures",
                 params={"from": start, "to": end, "bin": 7}).status_code == 400
    assert c.get("/api/v1/signals/controllers/1136/measures",
                 params={"from": end, "to": start}).status_code == 400


def test_coordination_diagram_and_measured_recommendation(api, backend):
    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    c = api("dispatcher")
    # An hour of 60 s cycles ending at a quarter hour in the past.
    now = int(time.time() * 1000)
    end = now - now % (15 * 60_000) - 15 * 60_000
    events = cycles(end - 3_600_000, 60, cycle_s=60, green_main=30, arrivals_per_cycle={1: 8, 2: 6, 3: 5, 4: 3})
    assert c.post("/api/v1/signals/events", content=csv_of(events, "tsc-1")).json()["stored"] > 0
    with backend.sessionmaker() as s:
        measures.compute(s, start=end - 3_600_000, end=end)
        s.commit()
    got = c.get("/api/v1/signals/controllers/tsc-1/measures", params={"from": end - 3_600_000, "to": end}).json()
    vol2 = sum(m["volume"] for m in got["rows"] if m["phase"] == 2)
    assert vol2 == pytest.approx(8 * 60, abs=8)   # detector 1 pulsed 8 times a cycle
    assert all(m["force_offs"] > 0 for m in got["rows"] if m["phase"] in (2, 4))
    pcd = c.get("/api/v1/signals/controllers/tsc-1/pcd",
                params={"phase": 2, "from": end - 1_800_000, "to": end}).json()
    assert 25 <= len(pcd["cycles"]) <= 31
    cyc = pcd["cycles"][3]
    # Red of phase 2 = its red clearance 2 + the side stage's 20 + 3 + 2.
    assert cyc["green"] == pytest.approx(27, abs=0.2)
    assert cyc["yellow"] - cyc["green"] == pytest.approx(30, abs=0.2)
    assert cyc["red"] == pytest.approx(60, abs=0.2)
    assert 0 <= pcd["aog_percent"] <= 100
    assert c.get("/api/v1/signals/controllers/tsc-1/pcd",
                 params={"phase": 3, "from": end - 60_000, "to": end}).status_code == 400
    # Webster from what was measured: the hour's counts per phase, in pcu/h.
    local_end = datetime.fromtimestamp((end + CITY_UTC_OFFSET_MS) / 1000, timezone.utc)
    local_start = datetime.fromtimestamp((end - 3_600_000 + CITY_UTC_OFFSET_MS) / 1000, timezone.utc)
    if local_start.date() != local_end.date() or local_end.strftime("%H:%M") == "00:00":
        pytest.skip("the measured hour straddles the city's midnight")
    r = c.post("/api/v1/signals/controllers/tsc-1/plans/recommend",
               json={"period_start": local_start.strftime("%H:%M"), "period_end": local_end.strftime("%H:%M"),
                     "days": "all", "lookback_days": 1, "until": end})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["flows_from"] == "measured"
    assert rec["stages"][0]["flow"] == pytest.approx(480, rel=0.05)
    assert rec["stages"][1]["flow"] == pytest.approx(300, rel=0.05)


def test_duties_compute_the_last_hour_and_late_uploads(api, backend):
    """The measures duty covers the last day on its first run and recomputes bins a late upload touched."""
    from backend.signals.duties import SignalDuties
    from backend.signals.ingest import writer_for

    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    writer = writer_for(backend.app)
    duties = SignalDuties(backend.sessionmaker, retention_days=35, writer=writer)
    now = int(time.time() * 1000)
    recent = cycles(now - 20 * 60_000, 10, cycle_s=60)
    writer.ingest_csv(csv_of(recent, "tsc-1"))
    assert duties.measures_once(now) > 0
    c = api("dispatcher")

    def volume(start, end):
        rows = c.get("/api/v1/signals/controllers/tsc-1/measures", params={"from": start, "to": end}).json()["rows"]
        return sum(r["volume"] for r in rows)

    assert volume(now - 3_600_000, now + 900_000) > 0
    # A controller's log of 5 hours ago uploaded now: its bins are computed on the next round.
    old = now - 5 * 3_600_000
    writer.ingest_csv(csv_of(cycles(old, 10, cycle_s=60), "tsc-1"))
    assert volume(old - 900_000, old + 1_800_000) == 0
    duties.measures_once(now)
    assert volume(old - 900_000, old + 1_800_000) > 0
