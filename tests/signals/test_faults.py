"""Faults → incidents (traffic_lights, source traffic): opened once, updated not duplicated, closed on recovery."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy import select

from backend.incidents.models import Incident
from backend.signals import faults
from backend.signals.ingest import writer_for
from backend.signals.models import SignalController, SignalFault
from tests.signals.factories import controller, cycles


def _incidents(backend) -> list[Incident]:
    with backend.sessionmaker() as s:
        return list(s.scalars(select(Incident).where(Incident.source == "traffic").order_by(Incident.id)))


def _evaluate(backend, now_ms):
    with backend.sessionmaker() as s:
        faults.evaluate(s, now_ms=now_ms)
        s.commit()


def test_flash_and_comm_lost_open_once_and_close_on_recovery(api, backend):
    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    w = writer_for(backend.app)
    now = int(time.time() * 1000)
    w.ingest([("tsc-1", json.dumps([[now - 2000, 1, 2], [now - 1000, 173, 3]]))], now_ms=now)
    _evaluate(backend, now)
    _evaluate(backend, now + 5000)  # still in flash: no second incident
    inc = _incidents(backend)
    assert len(inc) == 1 and inc[0].category == "traffic_lights" and inc[0].status == "new"
    assert "flash" in inc[0].description
    state = api("dispatcher").get("/api/v1/signals/controllers/tsc-1/state").json()
    assert state["faults"] == ["flash"]
    # Back to normal operation: the fault closes and its incident is resolved.
    w.ingest([("tsc-1", json.dumps([[now + 6000, 173, 2], [now + 6100, 1, 2]]))], now_ms=now + 6200)
    _evaluate(backend, now + 7000)
    inc = _incidents(backend)
    assert len(inc) == 1 and inc[0].status == "resolved"
    # The controller stops talking: comm_lost after the timeout, once; closed when it talks again.
    later = now + 7000 + 61_000
    _evaluate(backend, later)
    _evaluate(backend, later + 10_000)
    inc = _incidents(backend)
    assert len(inc) == 2 and "stopped talking" in inc[1].description
    assert api("dispatcher").get("/api/v1/signals/faults").json()[0]["kind"] == "comm_lost"
    w.ingest([("tsc-1", json.dumps([[later + 11_000, 1, 6]]))], now_ms=later + 11_000)
    _evaluate(backend, later + 12_000)
    assert _incidents(backend)[1].status == "resolved"
    assert api("dispatcher").get("/api/v1/signals/faults").json() == []
    assert len(api("dispatcher").get("/api/v1/signals/faults", params={"open_only": False}).json()) == 2


def test_detector_stuck_on_and_off_judged_against_the_others(api, backend):
    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    w = writer_for(backend.app)
    now = int(time.time() * 1000)
    # 20 busy minutes in which detector 3 never counts and detector 4 goes on and stays on.
    events = [e for e in cycles(now - 20 * 60_000, 20, arrivals_per_cycle={1: 8, 2: 8, 3: 6, 4: 6})
              if not (e[2] in (3, 4) and e[1] in (81, 82))]
    events.append((now - 19 * 60_000, 82, 4))
    w.ingest([("tsc-1", json.dumps([list(e) for e in events]))], now_ms=now)
    _evaluate(backend, now)
    _evaluate(backend, now + 1000)
    with backend.sessionmaker() as s:
        open_ = {(f.kind, f.key) for f in s.scalars(select(SignalFault).where(SignalFault.closed_at.is_(None)))}
    assert ("detector_stuck_on", "4") in open_
    assert ("detector_stuck_off", "3") in open_
    assert ("detector_stuck_off", "1") not in open_ and ("detector_stuck_on", "1") not in open_
    assert len(_incidents(backend)) == 2
    dets = {d["channel"]: d["health"] for d in
            api("dispatcher").get("/api/v1/signals/controllers/tsc-1/state").json()["detectors"]}
    assert dets[3] == "stuck_off" and dets[4] == "stuck_on" and dets[1] == "ok"
    # Both recover: 3 counts again, 4 goes off.
    t = now + 2000
    w.ingest([("tsc-1", json.dumps([[t, 82, 3], [t + 300, 81, 3], [t + 400, 81, 4], [t + 600, 82, 4],
                                   [t + 900, 81, 4]]))], now_ms=t + 950)
    _evaluate(backend, t + 1000)
    assert [i.status for i in _incidents(backend)] == ["resolved", "resolved"]


def test_a_quiet_night_is_not_a_dead_detector(api, backend):
    """Few vehicles everywhere (night): silence on one detector is expected, no fault."""
    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    w = writer_for(backend.app)
    now = int(time.time() * 1000)
    # 24 vehicles an hour on each approach: a silent detector would have expected about 6 in 15 min.
    events = cycles(now - 15 * 60_000, 6, cycle_s=150, green_main=80, arrivals_per_cycle={1: 1, 2: 1, 4: 1})
    w.ingest([("tsc-1", json.dumps([list(e) for e in events]))], now_ms=now)
    _evaluate(backend, now)
    assert _incidents(backend) == []
