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
