"""A field controller for one SUMO junction: runs time-of-day plans, emits Indiana/Purdue events.

It drives the junction's signal heads itself (setRedYellowGreenState) and reports what a
high-resolution logging controller would: phase greens, force-offs, yellows and red
clearances, pedestrian walk and calls, detector on/off from the induction loops (entry and
exit times to 0.1 s), pattern/cycle/offset changes and flash. Commands: a schedule of plans,
flash, resume. Faults can be injected: a detector stuck on or dead, flash, silence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

YELLOW_S, RED_CLEAR_S = 3.0, 2.0
PED_WALK_S = 7.0
DEFAULT_PLAN = {"id": None, "pattern": 1, "period_start": "00:00", "period_end": "24:00", "days": "all",
                "cycle": 90.0, "offset": 0.0, "splits": [50.0, 32.0], "sequence": [0, 1]}


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


@dataclass
class Interval:
    stage: int
    kind: str          # green | yellow | red
    start: float       # seconds into the cycle
    end: float


def timeline(plan: dict, n_stages: int) -> list[Interval]:
    """Green, yellow and red clearance of each stage around the cycle; greens scaled to fill it."""
    cycle = float(plan["cycle"])
    splits = [float(s) for s in plan["splits"]]
    room = cycle - n_stages * (YELLOW_S + RED_CLEAR_S)
    scale = room / sum(splits) if sum(splits) > 0 else 0.0
    out, t = [], 0.0
    for i in plan.get("sequence") or range(n_stages):
        g = max(4.0, splits[i] * scale)
        out += [Interval(i, "green", t, t + g), Interval(i, "yellow", t + g, t + g + YELLOW_S),
                Interval(i, "red", t + g + YELLOW_S, t + g + YELLOW_S + RED_CLEAR_S)]
        t += g + YELLOW_S + RED_CLEAR_S
    out[-1].end = cycle
    return out


@dataclass
class Faults:
    stuck_on: set[int] = field(default_factory=set)
    dead: set[int] = field(default_factory=set)
    silent: bool = False


class FieldController:
    """One intersection's controller; step(t) is called every simulation step."""

    def __init__(self, uid: str, desc: dict, *, traci, day_start_ms: int, weekday: int, seed: int = 0) -> None:
        self.uid = uid
        self.traci = traci
        self.day_start_ms = day_start_ms
        self.weekday = weekday
        approaches = desc["approaches"]
        self.stages: list[list[str]] = desc["stages"]
        self.stage_phases = [[approaches[a]["phase"] for a in st] for st in self.stages]
        self.loops = {f"{uid}:{ap[k]}": ap[k] for ap in approaches.values() for k in ("advance", "stopbar")}
        self.ped_phases = [approaches[a]["phase"] for a in self.stages[0]]
        self.schedule: list[dict] = [dict(DEFAULT_PLAN)]
        self.plan: dict | None = None
        self.cycle_zero = 0.0
        self.interval_idx: int | None = None
        self.flash = False
        self.faults = Faults()
        self.out: list[list[int]] = []
        self.on_loop: dict[str, set[str]] = {lid: set() for lid in self.loops}
        self.rng = random.Random(seed)
        self.ped_waiting: set[int] = set()
        links = traci.trafficlight.getControlledLinks(uid)
        # Which stage each of SUMO's link indices belongs to (by the approach of its incoming lane).
        self.link_stage: list[int | None] = []
        for conns in links:
            stage = None
            if conns:
                approach = conns[0][0].split(".")[1]
                stage = next((i for i, st in enumerate(self.stages) if approach in st), None)
            self.link_stage.append(stage)

    # ------------------------------------------------------------------ commands
    def set_schedule(self, plans: list[dict]) -> None:
        self.schedule = plans or [dict(DEFAULT_PLAN)]

    def go_flash(self, t: float) -> None:
        if not self.flash:
            self.flash = True
            self._emit(t, 173, 3)
            self._emit(t, 131, 255)
            self.traci.trafficlight.setRedYellowGreenState(self.uid, "o" * len(self.link_stage))

    def resume(self, t: float) -> None:
        if self.flash:
            self.flash = False
            self._emit(t, 173, 2)
            self.plan = None  # the next step starts the plan of the hour afresh
            self.interval_idx = None

    # ------------------------------------------------------------------ stepping
    def _ms(self, t: float) -> int:
        return self.day_start_ms + int(round(t * 10)) * 100

    def _emit(self, t: float, code: int, param: int) -> None:
        self.out.append([self._ms(t), code, param])

    def _plan_for(self, t: float) -> dict:
        minute = int(t // 60) % 1440
        weekend = self.weekday >= 5
        found = [p for p in self.schedule if _minutes(p["period_start"]) <= minute < _minutes(p["period_end"])
                 and (p["days"] == "all" or (p["days"] == "weekend") == weekend)]
        found.sort(key=lambda p: p["days"] == "all")
        return found[0] if found else dict(DEFAULT_PLAN)

    def _start_plan(self, plan: dict, t: float) -> None:
        self.plan = plan
        self.intervals = timeline(plan, len(self.stages))
        cycle, offset = float(plan["cycle"]), float(plan["offset"])
        # Cycles count from local midnight plus the offset, so neighbours stay coordinated.
        self.cycle_zero = t - ((t - offset) % cycle)
        self._emit(t, 131, int(plan["pattern"]))
        self._emit(t, 132, int(round(cycle)))
        self._emit(t, 133, int(round(offset)))

    def step(self, t: float) -> None:
        self._detectors(t)
        if self.flash:
            return
        if self.plan is None:
            self._start_plan(self._plan_for(t), t)
        cycle = float(self.plan["cycle"])
        if t - self.cycle_zero >= cycle:  # a cycle boundary: the time-of-day plan may change here
            self.cycle_zero += cycle * int((t - self.cycle_zero) // cycle)
            nxt = self._plan_for(t)
            if nxt != self.plan:
                self._start_plan(nxt, self.cycle_zero)
        pos = t - self.cycle_zero
        idx = next(i for i, iv in enumerate(self.intervals) if iv.start <= pos < iv.end or iv is self.intervals[-1])
        if idx != self.interval_idx:
            self._enter(idx, self.cycle_zero + self.intervals[idx].start)
            self.interval_idx = idx
        if self.rng.random() < 0.5 / 60 * self._step_s(t):  # a pedestrian presses the button (~30/h)
            ph = self.rng.choice(self.ped_phases)
            self._emit(t, 45, ph)
            self.ped_waiting.add(ph)

    def _step_s(self, t: float) -> float:
        last = getattr(self, "_last_t", None)
        self._last_t = t
        return 1.0 if last is None else max(0.0, t - last)

    def _enter(self, idx: int, t: float) -> None:
        iv = self.intervals[idx]
        phases = self.stage_phases[iv.stage]
        if iv.kind == "green":
            for p in phases:
                self._emit(t, 1, p)
                if p in self.ped_phases:
                    self._emit(t, 21, p)
                    self._emit(t + PED_WALK_S, 22, p)
                    self.ped_waiting.discard(p)
        elif iv.kind == "yellow":
            for p in phases:
                self._emit(t, 6, p)
                self._emit(t, 7, p)
                self._emit(t, 8, p)
                if p in self.ped_phases:
                    self._emit(t, 23, p)
        else:
            for p in phases:
                self._emit(t, 9, p)
                self._emit(t, 10, p)
            end = self.cycle_zero + iv.end
            for p in phases:
                self._emit(end, 11, p)
        state = "".join("G" if s == iv.stage and iv.kind == "green" else "y" if s == iv.stage and iv.kind == "yellow"
                        else "r" for s in self.link_stage)
        self.traci.trafficlight.setRedYellowGreenState(self.uid, state)

    def _detectors(self, t: float) -> None:
        il = self.traci.inductionloop
        for lid, ch in self.loops.items():
            on = self.on_loop[lid]
            for veh, _len, entry, leave, _type in il.getVehicleData(lid):
                if veh not in on and entry >= 0:
                    on.add(veh)
                    if len(on) == 1:
                        self._detector(entry, 82, ch)
                if leave >= 0 and veh in on:
                    on.discard(veh)
                    if not on:
                        self._detector(leave, 81, ch)

    def _detector(self, t: float, code: int, ch: int) -> None:
        if ch in self.faults.dead or ch in self.faults.stuck_on:
            return
        self._emit(t, code, ch)

    def inject(self, fault: str, t: float, channel: int | None = None) -> None:
        if fault == "detector_stuck_on":
            self.faults.stuck_on.add(channel)
            self._emit(t, 82, channel)
        elif fault == "detector_dead":
            self.faults.dead.add(channel)
        elif fault == "flash":
            self.go_flash(t)
        elif fault == "silent":
            self.faults.silent = True

    def clear(self, fault: str, t: float, channel: int | None = None) -> None:
        if fault == "detector_stuck_on" and channel in self.faults.stuck_on:
            self.faults.stuck_on.discard(channel)
            self._emit(t, 81, channel)
        elif fault == "detector_dead":
            self.faults.dead.discard(channel)
        elif fault == "flash":
            self.resume(t)
        elif fault == "silent":
            self.faults.silent = False

    def take_events(self) -> list[list[int]]:
        """The events logged so far (oldest first), or none while the controller is silent."""
        if self.faults.silent:
            return []
        out, self.out = sorted(self.out), []
        return out
