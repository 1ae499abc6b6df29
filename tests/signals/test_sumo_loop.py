"""The simulated city's intersections (SUMO) against the product: CI-sized windows of simulated time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

CITY = timezone(timedelta(hours=3))
WEDNESDAY = datetime(2026, 12, 2, tzinfo=CITY)


def test_the_simulated_intersections_match_the_inventory():
    """Ids, places and detector channels of the SUMO side agree with the product's demo inventory."""
    from backend.signals.demo import CONTROLLERS
    from citysim.traffic.network import description

    d = description()
    sim = {x["id"]: x for x in d["intersections"]}
    assert set(sim) == {c.id for c in CONTROLLERS}
    for c in CONTROLLERS:
        assert sim[c.id]["lat"] == pytest.approx(c.lat) and sim[c.id]["lon"] == pytest.approx(c.lon)
        phases = {p.phase: p for p in c.phases}
        for ap in d["approaches"].values():
            assert phases[ap["phase"]].detectors == [ap["advance"]]
            assert phases[ap["phase"]].stopbar == [ap["stopbar"]]
        assert c.stages == [[d["approaches"][a]["phase"] for a in st] for st in d["stages"]]


def test_closed_loop_state_plan_and_faults(backend, tmp_path):
    """20 simulated minutes: live state, a plan applied reaches the controller, injected faults open incidents."""
    from sqlalchemy import select

    from backend.auth.models import User
    from backend.domain import DemoSeed
    from backend.signals import faults, service
    from backend.signals.demo import seed
    from backend.signals.ingest import writer_for
    from backend.signals.models import SignalFault
    from backend_client.schemas.signals import PlanIn
    from citysim.traffic.sim import TrafficSimulator

    seed(DemoSeed(maker=backend.sessionmaker, settings=backend.settings))
    writer = writer_for(backend.app)
    clock = {"now": 0}

    def sink(uid, events):
        if events:
            clock["now"] = max(clock["now"], events[-1][0])
        writer.ingest([(uid, json.dumps(events))], now_ms=clock["now"] + 1000)

    sim = TrafficSimulator(sink=sink, realtime=False, day=WEDNESDAY, workdir=tmp_path, step_s=1.0,
                           publish_every_s=5.0)
    begin = 17 * 3600
    sim.inject("kommun-kosmonavtov", "detector_dead", channel=3)
    # A 60 s plan for energetikov-kommun, applied through the product, sent as the product sends it.
    with backend.sessionmaker() as s:
        sup = s.scalar(select(User).where(User.username == "supervisor"))
        plan = service.create_plan(s, uid="energetikov-kommun", user=sup, data=PlanIn(
            name="short", cycle=60, splits={0: 30, 1: 22}, pattern=3))
        service.apply_plan(s, uid="energetikov-kommun", plan_id=plan.id, user=sup)
        msg = service.schedule_message(s, service.get_controller(s, "energetikov-kommun"))
        s.commit()
    sim.command("energetikov-kommun", msg)
    sim.run(begin, begin + 20 * 60)
    now = clock["now"]
    with backend.sessionmaker() as s:
        states = {c.uid: service.state_of(s, c, as_of=now) for c in service.list_controllers(s)}
    assert all(st.mode == "coordinated" for st in states.values()), {k: v.mode for k, v in states.items()}
    assert states["energetikov-kommun"].cycle_length == 60 and states["energetikov-kommun"].plan == 3
    assert states["kommun-kosmonavtov"].cycle_length == 90
    assert any(g.state == "green" for g in states["leningr-kosmonavtov"].groups)
    with backend.sessionmaker() as s:
        faults.evaluate(s, now_ms=now)
        s.commit()
        open_ = {(f.kind, f.key) for f in s.scalars(select(SignalFault).where(SignalFault.closed_at.is_(None)))}
    # The dead detector and nothing else: the other 31 loops of the 4 intersections are fine.
    assert {k for k in open_ if k[0].startswith("detector")} == {("detector_stuck_off", "3")}
    assert all(k[0] != "flash" for k in open_)
    assert writer.stats["stored"] > 5000 and not any(k.startswith("rejected") for k in writer.stats)


def test_the_demo_simulator_over_mqtt_and_http(live_server, mqtt_url, tmp_path):
    """sc-demo's way: logs of the last quarter hour uploaded as CSV, then live over MQTT; a plan applied
    in the product reaches the simulated controller as a retained command and changes its cycle."""
    import time

    import paho.mqtt.client as mqtt
    import requests

    from backend.domain import DemoSeed
    from backend.signals.demo import seed
    from backend.signals.ingest import writer_for
    from backend.signals.mqtt import SignalsMqtt
    from citysim.traffic.sim import TrafficSimulator
    from tests.conftest import TEST_PASSWORD

    b = live_server.backend
    seed(DemoSeed(maker=b.sessionmaker, settings=b.settings))
    link = b.app.state.signals_mqtt = SignalsMqtt(mqtt_url, writer_for(b.app), batch_wait_s=0.02)
    link.start()
    sim = TrafficSimulator(mqtt_url=mqtt_url, server_url=live_server.url, user="dispatcher", password=TEST_PASSWORD,
                           backfill_hours=0.25, workdir=tmp_path, speed=1.0)
    token = requests.post(f"{live_server.url}/api/v1/auth/token",
                          data={"username": "supervisor", "password": TEST_PASSWORD}).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    try:
        sim.start()
        deadline = time.monotonic() + 120
        def modes():
            r = requests.get(f"{live_server.url}/api/v1/signals/controllers", headers=h).json()
            return {c["id"]: c["state"]["mode"] for c in r}
        while set(modes().values()) != {"coordinated"}:
            assert time.monotonic() < deadline, modes()
            time.sleep(0.5)
        stats = requests.get(f"{live_server.url}/api/v1/signals/events/stats", headers=h).json()["counters"]
        assert stats["stored"] > 500  # the uploaded quarter hour (phase changes alone are ~1,000)
        uid = "molodezh-gaidara"
        pid = requests.post(f"{live_server.url}/api/v1/signals/controllers/{uid}/plans", headers=h, json={
            "name": "demo 40", "cycle": 40, "splits": {"0": 18, "1": 14}, "pattern": 4}).json()["id"]
        assert requests.post(f"{live_server.url}/api/v1/signals/controllers/{uid}/plans/{pid}/apply",
                             headers=h).status_code == 200
        # The controller changes plan at its next cycle boundary (the base cycle is 90 s).
        deadline = time.monotonic() + 120
        while requests.get(f"{live_server.url}/api/v1/signals/controllers/{uid}/state",
                           headers=h).json()["cycle_length"] != 40:
            assert time.monotonic() < deadline
            time.sleep(1)
    finally:
        sim.stop()
        link.stop()
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        c.connect("127.0.0.1", int(mqtt_url.rsplit(":", 1)[1]))
        c.publish(f"city/signals/molodezh-gaidara/commands", b"", retain=True).wait_for_publish(5)
        c.disconnect()
