"""Webster's optimum cycle and green splits, and his mean delay formula (Webster, 1958).

C0 = (1.5 L + 5) / (1 − Y), greens shared in proportion to the stages' critical flow ratios.
Y ≥ 0.95 is over capacity: no fixed cycle serves it, so the longest allowed cycle is proposed
and the result says so instead of a silly cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

OVER_CAPACITY_Y = 0.95


@dataclass(frozen=True)
class Stage:
    phases: list[int]
    flows: dict[int, float]            # pcu/h per phase
    saturation: dict[int, float]       # pcu/h of green per phase
    lost_time: float                   # s lost in this stage's change


@dataclass
class StageResult:
    critical_phase: int
    flow: float
    saturation_flow: float
    flow_ratio: float
    green: float = 0.0
    capacity: float = 0.0
    degree_of_saturation: float = 0.0
    delay_s: float | None = None


def critical(stage: Stage) -> tuple[int, float, float, float]:
    """(phase, q, s, y) of the stage's phase with the highest flow ratio."""
    best = max(stage.phases, key=lambda p: stage.flows.get(p, 0.0) / stage.saturation[p])
    q, s = stage.flows.get(best, 0.0), stage.saturation[best]
    return best, q, s, q / s


def delay(cycle: float, green: float, flow_h: float, sat_h: float) -> float | None:
    """Webster's mean delay per vehicle (s) of an approach; None when it is at or over capacity."""
    if flow_h <= 0:
        return 0.0
    lam = green / cycle
    q = flow_h / 3600.0
    x = flow_h / (sat_h * lam)
    if x >= 1.0:
        return None
    d = (cycle * (1 - lam) ** 2 / (2 * (1 - lam * x)) + x * x / (2 * q * (1 - x))
         - 0.65 * (cycle / q ** 2) ** (1 / 3) * x ** (2 + 5 * lam))
    return max(0.0, d)


def evaluate(stages: list[Stage], cycle: float, greens: list[float]) -> tuple[list[StageResult], float | None]:
    """Capacity, degree of saturation and delay of every stage under a cycle and greens; flow-weighted delay."""
    out, total_q, total_d = [], 0.0, 0.0
    worst = False
    for stage, g in zip(stages, greens):
        ph, q, s, y = critical(stage)
        r = StageResult(ph, q, s, y, green=g, capacity=s * g / cycle)
        r.degree_of_saturation = q / r.capacity if r.capacity > 0 else float("inf")
        for p in stage.phases:
            dq = stage.flows.get(p, 0.0)
            d = delay(cycle, g, dq, stage.saturation[p])
            if d is None:
                worst = True
            elif dq > 0:
                total_q += dq
                total_d += dq * d
        r.delay_s = delay(cycle, g, q, s)
        out.append(r)
    mean = None if worst else (total_d / total_q if total_q > 0 else 0.0)
    return out, mean


@dataclass
class Result:
    cycle: float
    optimum_cycle: float | None
    total_flow_ratio: float
    lost_time: float
    over_capacity: bool
    greens: list[float]
    stages: list[StageResult]
    mean_delay_s: float | None


def optimise(stages: list[Stage], *, min_cycle: float = 30.0, max_cycle: float = 120.0,
             min_green: float = 5.0) -> Result:
    lost = sum(s.lost_time for s in stages)
    ys = [critical(s)[3] for s in stages]
    big_y = sum(ys)
    over = big_y >= OVER_CAPACITY_Y
    c0 = None if over else (1.5 * lost + 5) / (1 - big_y)
    cycle = max_cycle if over else min(max(c0, min_cycle), max_cycle)
    cycle = max(cycle, lost + min_green * len(stages))
    effective = cycle - lost
    if big_y > 0:
        greens = [effective * y / big_y for y in ys]
    else:
        greens = [effective / len(stages)] * len(stages)
    # No stage below its minimum green: take the shortfall from the others in proportion.
    short = [max(0.0, min_green - g) for g in greens]
    if any(short):
        spare = sum(g - min_green for g, sh in zip(greens, short) if not sh)
        take = sum(short)
        greens = [min_green if sh else g - (g - min_green) * take / spare for g, sh in zip(greens, short)]
    greens = [round(g, 1) for g in greens]
    results, mean = evaluate(stages, cycle, greens)
    return Result(cycle=round(cycle, 1), optimum_cycle=None if c0 is None else round(c0, 2),
                  total_flow_ratio=round(big_y, 4), lost_time=lost, over_capacity=over, greens=greens,
                  stages=results, mean_delay_s=None if mean is None else round(mean, 2))
