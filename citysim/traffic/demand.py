"""Traffic demand by time of day: a weekday with morning and evening peaks, as SUMO flows.

Each approach's peak volume (intersections.json) is shaped by an hourly profile; the morning
peak leans to the westbound/southbound (into the centre) and the evening peak the other way,
so a single all-day plan serves neither peak well. Arrivals are random (exponential headways).
"""

from __future__ import annotations

import math
from pathlib import Path

from citysim.traffic.network import OPPOSITE, RIGHT_OF

RIGHT_SHARE = 0.2


def profile(hour: float, weekday: bool = True) -> float:
    """Share of the peak volume at a local hour (0–24)."""
    night = 0.08
    if not weekday:
        return night + 0.55 * math.exp(-((hour - 13.0) ** 2) / 12)
    return (night + 0.35 * math.exp(-((hour - 13.0) ** 2) / 18) + 0.62 * math.exp(-((hour - 8.0) ** 2) / 1.2)
            + 0.92 * math.exp(-((hour - 17.5) ** 2) / 1.5))


def direction_factor(approach: str, hour: float) -> float:
    """Morning: into the centre (E-bound main, S-bound cross) heavier; evening: the reverse."""
    am = math.exp(-((hour - 8.0) ** 2) / 1.2)
    pm = math.exp(-((hour - 17.5) ** 2) / 1.5)
    tilt = {"W": 0.35 * am - 0.25 * pm, "E": -0.25 * am + 0.3 * pm, "N": 0.4 * am - 0.3 * pm,
            "S": -0.3 * am + 0.55 * pm}[approach]
    return max(0.2, 1.0 + tilt)


def vph(d: dict, intersection: dict, approach: str, hour: float, weekday: bool = True) -> float:
    return intersection["peak_vph"][approach] * profile(hour, weekday) * direction_factor(approach, hour)


def routes_xml(d: dict, begin_s: float, end_s: float, *, weekday: bool = True, scale: float = 1.0,
               slice_s: float = 900.0) -> str:
    """Flows for [begin_s, end_s) seconds after local midnight, in slices of constant rate."""
    out = ['<routes>', '  <vType id="car" accel="2.6" decel="4.5" sigma="0.5" length="5" minGap="2.5" '
                       'maxSpeed="16.7" speedFactor="1.0" speedDev="0.1"/>']
    for x in d["intersections"]:
        for a in x["peak_vph"]:
            out.append(f'  <route id="{x["id"]}.{a}.T" edges="{x["id"]}.{a}.in {x["id"]}.{OPPOSITE[a]}.out"/>')
            out.append(f'  <route id="{x["id"]}.{a}.R" edges="{x["id"]}.{a}.in {x["id"]}.{RIGHT_OF[a]}.out"/>')
    flows = []
    t = begin_s
    while t < end_s:
        t1 = min(end_s, t + slice_s)
        hour = ((t + t1) / 2 / 3600.0) % 24
        for x in d["intersections"]:
            for a in x["peak_vph"]:
                rate = vph(d, x, a, hour, weekday) * scale / 3600.0
                for kind, share in (("T", 1 - RIGHT_SHARE), ("R", RIGHT_SHARE)):
                    r = rate * share
                    if r > 1e-4:
                        flows.append((t, f'  <flow id="{x["id"]}.{a}.{kind}.{int(t)}" type="car" '
                                         f'route="{x["id"]}.{a}.{kind}" begin="{t:.0f}" end="{t1:.0f}" '
                                         f'period="exp({r:.5f})" departLane="best" departSpeed="max"/>'))
        t = t1
    out += [f for _, f in sorted(flows, key=lambda f: f[0])]
    return "\n".join(out + ["</routes>"]) + "\n"


def write_routes(path: Path, d: dict, begin_s: float, end_s: float, **kw) -> Path:
    path.write_text(routes_xml(d, begin_s, end_s, **kw))
    return path
