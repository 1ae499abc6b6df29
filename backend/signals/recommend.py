"""Webster recommendations from given or measured flows, beside the plan that runs now."""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.citytime import DAY_MS
from backend.errors import BadRequest
from backend.signals import webster
from backend.signals.models import SignalController, SignalMeasure, SignalPlan
from backend.signals.service import (_minutes, create_plan, current_plan, get_controller, local_minute, phases_of,
                                     plan_out)
from backend_client.schemas.signals import PlanIn, Recommendation, RecommendIn, StageFlow


def measured_flows(session: Session, ctl: SignalController, *, period_start: str, period_end: str, days: str,
                   lookback_days: int, until: int) -> dict[int, float]:
    """Mean hourly volume per phase over the period's 15-minute bins of the past days (pcu/h)."""
    lo, hi = _minutes(period_start), _minutes(period_end)
    q = select(SignalMeasure.ts, SignalMeasure.phase, SignalMeasure.volume).where(
        SignalMeasure.controller_id == ctl.id, SignalMeasure.ts >= until - lookback_days * DAY_MS,
        SignalMeasure.ts < until)
    sums: dict[int, float] = {}
    bins: set[int] = set()
    for ts, phase, volume in session.execute(q):
        minute, weekday = local_minute(ts)
        if days == "weekday" and weekday >= 5 or days == "weekend" and weekday < 5:
            continue
        if lo <= minute < hi:
            sums[phase] = sums.get(phase, 0.0) + volume
            bins.add(ts)
    if not bins:
        return {}
    return {p: round(v * 4 / len(bins), 1) for p, v in sums.items()}


def stages_for(ctl: SignalController, flows: dict[int, float]) -> list[webster.Stage]:
    cfg = {p.phase: p for p in phases_of(ctl)}
    return [webster.Stage(phases=list(st), flows={p: float(flows.get(p, 0.0)) for p in st},
                          saturation={p: cfg[p].saturation_flow for p in st},
                          lost_time=max(cfg[p].lost_time for p in st)) for st in ctl.stages]


def _stage_out(i: int, st: list[int], r: webster.StageResult) -> StageFlow:
    return StageFlow(stage=i, phases=list(st), critical_phase=r.critical_phase, flow=r.flow,
                     saturation_flow=r.saturation_flow, flow_ratio=round(r.flow_ratio, 4), green=r.green,
                     capacity=round(r.capacity, 1), degree_of_saturation=round(r.degree_of_saturation, 3),
                     delay_s=None if r.delay_s is None else round(r.delay_s, 2))


def recommend(session: Session, *, uid: str, data: RecommendIn, user: User | None) -> Recommendation:
    ctl = get_controller(session, uid)
    until = data.until if data.until is not None else int(time.time() * 1000)
    if data.flows is not None:
        unknown = sorted(set(data.flows) - {p.phase for p in phases_of(ctl)})
        if unknown:
            raise BadRequest(f"flows name phases {unknown} that {uid} does not have")
        flows, source = dict(data.flows), "given"
    else:
        flows = measured_flows(session, ctl, period_start=data.period_start, period_end=data.period_end,
                               days=data.days, lookback_days=data.lookback_days, until=until)
        source = "measured"
        if not flows:
            raise BadRequest(f"No measured counts for {uid} in {data.period_start}–{data.period_end} "
                             f"({data.days}) of the last {data.lookback_days} days; give flows instead")
    stages = stages_for(ctl, flows)
    min_green = min(p.min_green for p in phases_of(ctl))
    r = webster.optimise(stages, min_cycle=ctl.min_cycle, max_cycle=ctl.max_cycle, min_green=min_green)
    # The plan running in the middle of the period, judged under the same flows.
    mid = (_minutes(data.period_start) + _minutes(data.period_end)) // 2
    day0 = until - until % DAY_MS
    probe = next((day0 - k * DAY_MS + (mid - 180) * 60_000 for k in range(8)
                  if _day_ok(data.days, local_minute(day0 - k * DAY_MS + (mid - 180) * 60_000)[1])), until)
    cur: SignalPlan | None = current_plan(session, ctl, probe)
    cur_delay = None
    if cur is not None and len(cur.splits) == len(stages):
        greens = [float(cur.splits[str(i)]) for i in range(len(stages))]
        _, cur_delay = webster.evaluate(stages, cur.cycle, greens)
    splits = {i: g for i, g in enumerate(r.greens)}
    out = Recommendation(
        controller=uid, cycle=r.cycle, optimum_cycle=r.optimum_cycle, total_flow_ratio=r.total_flow_ratio,
        lost_time=r.lost_time, over_capacity=r.over_capacity,
        stages=[_stage_out(i, st, sr) for i, (st, sr) in enumerate(zip(ctl.stages, r.stages))],
        splits=splits, mean_delay_s=r.mean_delay_s, current_plan=plan_out(cur, uid) if cur else None,
        current_delay_s=None if cur_delay is None else round(cur_delay, 2), period_start=data.period_start,
        period_end=data.period_end, days=data.days, flows_from=source)
    if data.save:
        name = data.name or f"Webster {data.period_start}–{data.period_end} {data.days}"
        plan = create_plan(session, uid=uid, user=user, source="webster", data=PlanIn(
            name=name[:100], period_start=data.period_start, period_end=data.period_end, days=data.days,
            pattern=cur.pattern if cur else 1, cycle=r.cycle, offset=cur.offset % r.cycle if cur else 0.0,
            splits=splits))
        out.plan = plan_out(plan, uid)
    return out


def _day_ok(days: str, weekday: int) -> bool:
    return days == "all" or (days == "weekday") == (weekday < 5)
