"""Test data for the signals domain: controllers, synthetic Indiana event streams, the atspm sample."""

from __future__ import annotations

import random

from backend_client.schemas.signals import ControllerIn, PhaseConfig


def controller(uid: str = "tsc-1", **over) -> dict:
    data = ControllerIn(
        id=uid, name=f"Test intersection {uid}", lat=51.66, lon=35.65, address="Test st × Other st",
        camera="x-test", stages=[[2, 6], [4, 8]],
        phases=[PhaseConfig(phase=2, detectors=[1], stopbar=[11], saturation_flow=1600, lost_time=8),
                PhaseConfig(phase=6, detectors=[2], stopbar=[12], saturation_flow=1600, lost_time=8),
                PhaseConfig(phase=4, detectors=[3], stopbar=[13], saturation_flow=1600, lost_time=8),
                PhaseConfig(phase=8, detectors=[4], stopbar=[14], saturation_flow=1600, lost_time=8)])
    return {**data.model_dump(), **over}


def cycles(start_ms: int, n: int, *, cycle_s: float = 60.0, green_main: float = 30.0, yellow: float = 3.0,
           red_clear: float = 2.0, arrivals_per_cycle: dict[int, int] | None = None, seed: int = 1,
           terminate: int = 6, pattern: int = 1) -> list[tuple[int, int, int]]:
    """(ts_ms, code, param) of n fixed-time cycles of stages [2, 6] then [4, 8], with detector pulses."""
    rng = random.Random(seed)
    arrivals = arrivals_per_cycle or {1: 8, 2: 7, 3: 4, 4: 4}
    # The stop-bar detectors (advance channel + 10) see the same vehicles.
    arrivals = {**{ch + 10: k for ch, k in arrivals.items() if ch < 10}, **arrivals}
    ev: list[tuple[int, int, int]] = [(start_ms, 131, pattern), (start_ms, 132, int(cycle_s)), (start_ms, 133, 0)]
    t = start_ms
    side_green = cycle_s - green_main - 2 * (yellow + red_clear)
    for _ in range(n):
        for phases, green in (((2, 6), green_main), ((4, 8), side_green)):
            for p in phases:
                ev.append((t, 1, p))
            end_g = t + int(green * 1000)
            for p in phases:
                ev += [(end_g, terminate, p), (end_g, 7, p), (end_g, 8, p)]
            end_y = end_g + int(yellow * 1000)
            for p in phases:
                ev += [(end_y, 9, p), (end_y, 10, p)]
            t = end_y + int(red_clear * 1000)
            for p in phases:
                ev.append((t, 11, p))
        c0 = t - int(cycle_s * 1000)
        for ch, k in arrivals.items():
            for _ in range(k):
                on = c0 + rng.randrange(0, int(cycle_s * 1000) - 1500)
                ev += [(on, 82, ch), (on + rng.randrange(200, 1200), 81, ch)]
    return sorted(ev)


def csv_of(events: list[tuple[int, int, int]], device: str) -> bytes:
    lines = ["TimeStamp,DeviceId,EventId,Parameter"] + [f"{t},{device},{c},{p}" for t, c, p in events]
    return ("\n".join(lines) + "\n").encode()


def sample_controller() -> tuple[dict, "object", "object"]:
    """The atspm package's own sample controller (1136): our controller config, its raw events and config."""
    from atspm import sample_data

    raw = sample_data.data.df()
    cfg = sample_data.config.df()
    phases: dict[int, dict] = {}
    for r in cfg.itertuples(index=False):
        p = phases.setdefault(int(r.Phase), {"phase": int(r.Phase), "detectors": [], "stopbar": []})
        if r.Function == "Advance":
            p["detectors"].append(int(r.Parameter))
        elif r.Function == "Presence":
            p["stopbar"].append(int(r.Parameter))
    data = ControllerIn(id="1136", name="atspm sample 1136", lat=45.5, lon=-122.6,
                        phases=[PhaseConfig(**p) for p in phases.values()],
                        stages=[[p] for p in sorted(phases)])
    return data.model_dump(), raw, cfg
