"""A controller's live state, folded from its Indiana/Purdue events (pure functions, no I/O).

The state is a JSON dict kept in the controller's row: signal groups (state, since), detectors
(on, since), the running pattern, cycle length and offset, the cycle reference (the last begin
of green of the coordinated phase), flash, manual control and preemption.
"""

from __future__ import annotations

from typing import Any

from backend_client.schemas import signals as s

GREEN_CODES = {s.PHASE_BEGIN_GREEN: "green", s.PHASE_BEGIN_YELLOW: "yellow",
               s.PHASE_BEGIN_RED_CLEARANCE: "red", s.PHASE_END_RED_CLEARANCE: "red"}


def empty() -> dict[str, Any]:
    return {"groups": {}, "det": {}, "pattern": None, "cycle": None, "offset": None, "cycle_ref": None,
            "flash": False, "manual": False, "preempt": False, "ts": None}


def apply(state: dict[str, Any], events: list[tuple[int, int, int]], coord_phase: int) -> bool:
    """Fold (ts, code, param) events, oldest first, into `state`; True when anything changed.

    Events older than what the state has already seen are stored but do not move the state back.
    """
    changed = False
    last = state.get("ts")
    groups, det = state.setdefault("groups", {}), state.setdefault("det", {})
    for ts, code, param in events:
        if last is not None and ts < last:
            continue
        last = ts
        if code in GREEN_CODES:
            key = str(param)
            new = GREEN_CODES[code]
            g = groups.get(key)
            if g is None or g["state"] != new:
                groups[key] = {"state": new, "since": ts}
                changed = True
            if code == s.PHASE_BEGIN_GREEN and param == coord_phase:
                state["cycle_ref"] = ts
            if state.get("flash") and code == s.PHASE_BEGIN_GREEN:
                state["flash"] = False  # a controller out of flash starts its greens again
        elif code in (s.DETECTOR_ON, s.DETECTOR_OFF):
            key, on = str(param), code == s.DETECTOR_ON
            d = det.get(key)
            if d is None or d["on"] != on:
                det[key] = {"on": on, "since": ts}
                changed = True
        elif code == s.COORD_PATTERN_CHANGE:
            if state.get("pattern") != param:
                state["pattern"] = param
                state["flash"] = param == s.PATTERN_FLASH
                changed = True
        elif code == s.COORD_CYCLE_LENGTH:
            changed |= state.get("cycle") != param
            state["cycle"] = param
        elif code == s.COORD_OFFSET:
            changed |= state.get("offset") != param
            state["offset"] = param
        elif code == s.FLASH_STATUS:
            flash = param != s.FLASH_NOT_FLASHING
            if flash != state.get("flash"):
                state["flash"] = flash
                changed = True
                if flash:
                    for key in groups:
                        groups[key] = {"state": "flashing", "since": ts}
        elif code == s.MANUAL_CONTROL:
            changed |= state.get("manual") != bool(param)
            state["manual"] = bool(param)
        elif code in (s.PREEMPT_ENTRY, s.PREEMPT_CALL_ON):
            changed |= not state.get("preempt")
            state["preempt"] = True
        elif code == s.PREEMPT_EXIT:
            changed |= bool(state.get("preempt"))
            state["preempt"] = False
        elif code == s.POWER_FAILURE:
            changed = True
            for key in groups:
                groups[key] = {"state": "dark", "since": ts}
    state["ts"] = last
    return changed


def mode(state: dict[str, Any], *, offline: bool) -> str:
    if offline:
        return "offline"
    if state.get("flash"):
        return "flash"
    if state.get("manual"):
        return "manual"
    pattern = state.get("pattern")
    if pattern is None and not state.get("groups"):
        return "unknown"
    if pattern in (None, s.PATTERN_FREE):
        return "free"
    return "coordinated"


def cycle_second(state: dict[str, Any], as_of: int) -> float | None:
    cycle, ref = state.get("cycle"), state.get("cycle_ref")
    if not cycle or ref is None or as_of < ref:
        return None
    return round(((as_of - ref) / 1000.0) % cycle, 1)


def next_phases(state: dict[str, Any], stages: list[list[int]]) -> list[int]:
    """The stage after the one showing green (or yellow/red clearance) now."""
    groups = state.get("groups", {})
    active = [i for i, st in enumerate(stages)
              if any(groups.get(str(p), {}).get("state") in ("green", "yellow") for p in st)]
    if not active:
        # All red: the next stage is the one after the stage that had green last.
        def last_green(st: list[int]) -> int:
            return max((groups.get(str(p), {}).get("since") or 0) for p in st)
        if not groups:
            return []
        i = max(range(len(stages)), key=lambda k: last_green(stages[k]))
        return list(stages[(i + 1) % len(stages)])
    return list(stages[(active[0] + 1) % len(stages)])
