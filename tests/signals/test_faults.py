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


def _saturated(events: list[tuple[int, int, int]], phases=(2, 6)) -> list[tuple[int, int, int]]:
    """The main street's stop-bar detectors occupied through every green and the first seconds of
    the next red: the queue never clears (what atspm counts as a split failure)."""
    greens = [t for t, c, p in events if c == 1 and p == phases[0]]
    reds = [t for t, c, p in events if c == 10 and p == phases[0]]
    out = [e for e in events if not (e[1] in (81, 82) and e[2] in {10 + ch for ch in (1, 2)})]
    for g in greens:
        red = next((r for r in reds if r > g), None)
        if red is None:
            continue
        for ch in (11, 12):
            out += [(g, 82, ch), (red + 6000, 81, ch)]
    return sorted(out)


def test_repeated_max_outs_and_split_failures_open_once_and_close_when_they_stop(api, backend):
    """Two bins in a row where most cycles max out and fail to clear their queue: one incident per
    phase and kind, from measures atspm computed from the raw events; healthy cycles close them."""
    from backend.signals import measures

    assert api("admin").post("/api/v1/signals/controllers", json=controller()).status_code == 201
    w = writer_for(backend.app)
    now = int(time.time() * 1000)
    t0 = now - now % (15 * 60_000) - 30 * 60_000  # two whole bins before the one in progress
    bad = _saturated(cycles(t0, 30, terminate=5, arrivals_per_cycle={1: 14, 2: 14, 3: 4, 4: 4}))
    bad = [(t, 4 if c == 5 and p in (4, 8) else c, p) for t, c, p in bad]  # the side street gaps out
    w.ingest([("tsc-1", json.dumps([list(e) for e in bad]))], now_ms=now)
    with backend.sessionmaker() as s:
        assert measures.compute(s, start=t0, end=t0 + 30 * 60_000) > 0
        s.commit()
        rows = s.scalars(select(measures.SignalMeasure).where(measures.SignalMeasure.phase == 2)).all()
        assert rows and all(r.max_outs >= r.cycles * 0.5 for r in rows), [(r.max_outs, r.cycles) for r in rows]
        assert all(r.split_failures >= r.cycles * 0.3 for r in rows), [(r.split_failures, r.cycles) for r in rows]
    _evaluate(backend, t0 + 30 * 60_000 + 1000)
    _evaluate(backend, t0 + 30 * 60_000 + 11_000)  # again: nothing opened twice
    with backend.sessionmaker() as s:
        open_faults = {(f.kind, f.key) for f in s.scalars(select(SignalFault).where(SignalFault.closed_at.is_(None)))}
    assert {("max_outs", "2"), ("max_outs", "6"), ("split_failures", "2"), ("split_failures", "6")} <= open_faults
    assert not any(d in ("4", "8") for k, d in open_faults if k in ("max_outs", "split_failures"))
    inc = [i for i in _incidents(backend) if "maxed out" in i.description or "clear its queue" in i.description]
    assert len(inc) == 4 and all(i.category == "traffic_lights" and i.status == "new" for i in inc)

    # The next two bins are healthy (gap-outs, light traffic): the faults close, their incidents resolve.
    t1 = t0 + 30 * 60_000
    good = cycles(t1, 30, terminate=4, arrivals_per_cycle={1: 5, 2: 5, 3: 3, 4: 3}, seed=2)
    w.ingest([("tsc-1", json.dumps([list(e) for e in good]))], now_ms=t1 + 30 * 60_000)
    with backend.sessionmaker() as s:
        measures.compute(s, start=t1, end=t1 + 30 * 60_000)
        s.commit()
    _evaluate(backend, t1 + 30 * 60_000 + 1000)
    inc = [i for i in _incidents(backend) if "maxed out" in i.description or "clear its queue" in i.description]
    assert len(inc) == 4 and all(i.status == "resolved" for i in inc), [(i.description, i.status) for i in inc]
