"""Webster against the worked example, recommendations from measured flows, plans: roles, audit, roll-back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.signals import webster
from tests.signals.factories import controller


def test_webster_worked_example():
    """q = 500 and 300 pcu/h, s = 1600, L = 16 s → Y = 0.5, C0 = (1.5·16 + 5)/(1 − 0.5) = 58 s."""
    r = webster.optimise([webster.Stage([2], {2: 500}, {2: 1600}, 8), webster.Stage([4], {4: 300}, {4: 1600}, 8)])
    assert r.total_flow_ratio == pytest.approx(0.5)
    assert r.lost_time == 16
    assert r.optimum_cycle == pytest.approx(58.0)
    assert r.cycle == pytest.approx(58.0)
    assert r.greens == pytest.approx([26.25, 15.75], abs=0.06)  # (58 − 16) shared 0.3125 : 0.1875
    assert not r.over_capacity
    assert all(s.degree_of_saturation < 1 for s in r.stages) and r.mean_delay_s > 0


def test_webster_over_capacity_is_reported_not_a_silly_cycle():
    r = webster.optimise([webster.Stage([2], {2: 1000}, {2: 1600}, 8), webster.Stage([4], {4: 560}, {4: 1600}, 8)],
                         max_cycle=120)
    assert r.total_flow_ratio >= 0.95 and r.over_capacity
    assert r.optimum_cycle is None and r.cycle == 120
    # Just below the line: a long but finite cycle, clamped to the controller's range.
    r = webster.optimise([webster.Stage([2], {2: 900}, {2: 1600}, 8), webster.Stage([4], {4: 600}, {4: 1600}, 8)],
                         max_cycle=120)
    assert not r.over_capacity and r.optimum_cycle > 120 and r.cycle == 120


def _setup(api):
    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201


def test_recommend_endpoint_worked_example(api):
    _setup(api)
    r = api("dispatcher").post("/api/v1/signals/controllers/tsc-1/plans/recommend",
                               json={"flows": {"2": 500, "6": 450, "4": 300, "8": 200}})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec["total_flow_ratio"] == pytest.approx(0.5) and rec["optimum_cycle"] == pytest.approx(58.0)
    assert [s["critical_phase"] for s in rec["stages"]] == [2, 4]
    assert rec["flows_from"] == "given" and rec["over_capacity"] is False
    # A dispatcher may look but not store.
    r = api("dispatcher").post("/api/v1/signals/controllers/tsc-1/plans/recommend",
                               json={"flows": {"2": 500, "4": 300}, "save": True})
    assert r.status_code == 400
    # Over capacity: said so, with the longest allowed cycle.
    r = api("dispatcher").post("/api/v1/signals/controllers/tsc-1/plans/recommend",
                               json={"flows": {"2": 1200, "4": 500}})
    assert r.json()["over_capacity"] is True and r.json()["cycle"] == 120
    # No measures yet: a clear 400, not a made-up plan.
    r = api("dispatcher").post("/api/v1/signals/controllers/tsc-1/plans/recommend", json={})
    assert r.status_code == 400 and "No measured counts" in r.json()["error"]["message"]
    r = api("dispatcher").post("/api/v1/signals/controllers/tsc-1/plans/recommend", json={"flows": {"3": 10}})
    assert r.status_code == 400


def test_plans_apply_needs_supervisor_is_audited_and_rolls_back(api, backend):
    _setup(api)
    sup, disp = api("supervisor"), api("dispatcher")
    base = {"name": "All day", "cycle": 90, "splits": {"0": 44, "1": 30}}
    assert disp.post("/api/v1/signals/controllers/tsc-1/plans", json=base).status_code == 403
    r = sup.post("/api/v1/signals/controllers/tsc-1/plans", json=base)
    assert r.status_code == 201, r.text
    base_id = r.json()["id"]
    bad = sup.post("/api/v1/signals/controllers/tsc-1/plans", json={**base, "splits": {"0": 80, "1": 30}})
    assert bad.status_code == 400 and "do not fit" in bad.json()["error"]["message"]
    assert sup.post("/api/v1/signals/controllers/tsc-1/plans", json={**base, "splits": {"0": 40}}).status_code == 400
    assert sup.post("/api/v1/signals/controllers/tsc-1/plans", json={**base, "cycle": -1}).status_code == 422
    assert sup.post(f"/api/v1/signals/controllers/tsc-1/plans/{base_id}/apply").status_code == 200
    rec = sup.post("/api/v1/signals/controllers/tsc-1/plans/recommend",
                   json={"flows": {"2": 500, "4": 300}, "save": True, "period_start": "16:00",
                         "period_end": "19:00", "days": "all"}).json()
    assert rec["current_plan"]["id"] == base_id and rec["current_delay_s"] is not None
    new_id = rec["plan"]["id"]
    assert rec["plan"]["source"] == "webster" and rec["plan"]["cycle"] == 58
    assert disp.post(f"/api/v1/signals/controllers/tsc-1/plans/{new_id}/apply").status_code == 403
    r = sup.post(f"/api/v1/signals/controllers/tsc-1/plans/{new_id}/apply")
    assert r.status_code == 200 and r.json()["previous_plan_id"] == base_id
    plans = {p["id"]: p for p in disp.get("/api/v1/signals/controllers/tsc-1/plans").json()}
    assert plans[new_id]["applied"] and not plans[base_id]["applied"]
    assert sup.post(f"/api/v1/signals/controllers/tsc-1/plans/{new_id}/apply").status_code == 409
    assert sup.delete(f"/api/v1/signals/controllers/tsc-1/plans/{new_id}").status_code == 409
    assert disp.post("/api/v1/signals/controllers/tsc-1/plans/rollback").status_code == 403
    r = sup.post("/api/v1/signals/controllers/tsc-1/plans/rollback")
    assert r.status_code == 200 and r.json()["rolled_back_by"] == "supervisor"
    plans = {p["id"]: p for p in disp.get("/api/v1/signals/controllers/tsc-1/plans").json()}
    assert plans[base_id]["applied"] and not plans[new_id]["applied"]
    # The base plan's own application is still in force; rolling it back leaves no plan.
    assert sup.post("/api/v1/signals/controllers/tsc-1/plans/rollback").status_code == 200
    assert sup.post("/api/v1/signals/controllers/tsc-1/plans/rollback").status_code == 409
    from backend.audit.models import AuditEntry

    with backend.sessionmaker() as s:
        actions = [(a.username, a.action) for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert ("supervisor", "signals.plan.apply") in actions and ("supervisor", "signals.plan.rollback") in actions
    assert actions.count(("supervisor", "signals.plan.apply")) == 2
    apps = disp.get("/api/v1/signals/controllers/tsc-1/applications").json()
    assert len(apps) == 2 and all(a["rolled_back_at"] for a in apps)


def test_apply_publishes_the_schedule_to_the_controller(backend, mqtt_url, api):
    """The controller hears its new schedule on city/signals/{id}/commands (retained)."""
    import json
    import threading

    import paho.mqtt.client as mqtt

    from backend.signals.ingest import writer_for
    from backend.signals.mqtt import SignalsMqtt

    _setup(api)
    link = backend.app.state.signals_mqtt = SignalsMqtt(mqtt_url, writer_for(backend.app))
    link.start()
    got: list[dict] = []
    seen = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)

    def on_message(c, u, msg):
        got.append(json.loads(msg.payload))
        seen.set()

    sub.on_message = on_message
    sub.connect("127.0.0.1", int(mqtt_url.rsplit(":", 1)[1]))
    sub.subscribe("city/signals/tsc-1/commands", qos=1)
    sub.loop_start()
    try:
        assert link.connected.wait(10)
        sup = api("supervisor")
        pid = sup.post("/api/v1/signals/controllers/tsc-1/plans",
                       json={"name": "p", "cycle": 70, "splits": {"0": 30, "1": 24}}).json()["id"]
        assert sup.post(f"/api/v1/signals/controllers/tsc-1/plans/{pid}/apply").status_code == 200
        assert seen.wait(10)
        msg = got[-1]
        assert msg["command"] == "schedule" and msg["plans"][0]["cycle"] == 70
        assert msg["plans"][0]["splits"] == [30, 24]
    finally:
        sub.loop_stop()
        sub.disconnect()
        link.stop()
        # Clear the retained message so other tests' controllers start clean.
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        c.connect("127.0.0.1", int(mqtt_url.rsplit(":", 1)[1]))
        c.publish("city/signals/tsc-1/commands", b"", retain=True).wait_for_publish(5)
        c.disconnect()


def test_flash_and_resume_commands_need_a_supervisor_and_are_audited(api, backend):
    _setup(api)
    body = {"command": "flash", "reason": "crash at the junction"}
    assert api("dispatcher").post("/api/v1/signals/controllers/tsc-1/command", json=body).status_code == 403
    r = api("supervisor").post("/api/v1/signals/controllers/tsc-1/command", json=body)
    assert r.status_code == 202 and r.json() == {"sent": False}  # no broker configured in this app
    assert api("supervisor").post("/api/v1/signals/controllers/tsc-1/command",
                                  json={"command": "dance"}).status_code == 422
    assert api("supervisor").post("/api/v1/signals/controllers/nope/command", json=body).status_code == 404
    from backend.audit.models import AuditEntry

    with backend.sessionmaker() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "signals.command.flash")).one()
    assert entry.username == "supervisor" and entry.details["reason"] == "crash at the junction"
