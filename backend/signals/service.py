"""Controllers, live state and timing plans (create, apply with audit, roll back)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.auth.models import User
from backend.citytime import CITY_UTC_OFFSET_MS
from backend.db import utcnow
from backend.errors import BadRequest, Conflict, NotFound
from backend.events.service import publish
from backend.signals import state as st
from backend.signals.models import PlanApplication, SignalController, SignalCounter, SignalFault, SignalPlan
from backend_client.schemas.signals import (Application, ControllerIn, ControllerOut, ControllerState,
                                            DetectorState, GroupState, PhaseConfig, PlanIn, PlanOut)

# Set by the app from SC_SIGNALS_COMM_TIMEOUT_S; a module default keeps pure calls (tests, bench) simple.
COMM_TIMEOUT_S = 60.0


# ------------------------------------------------------------------ controllers

def get_controller(session: Session, uid: str) -> SignalController:
    ctl = session.scalar(select(SignalController).where(SignalController.uid == uid))
    if ctl is None:
        raise NotFound("Signal controller", uid)
    return ctl


def create_controller(session: Session, *, data: ControllerIn) -> SignalController:
    ctl = SignalController(uid=data.id, name=data.name, address=data.address, lat=data.lat, lon=data.lon,
                           camera=data.camera, phases=[p.model_dump() for p in data.phases],
                           stages=[list(s) for s in data.stages], min_cycle=data.min_cycle,
                           max_cycle=data.max_cycle, state=st.empty())
    try:
        with session.begin_nested():
            session.add(ctl)
    except IntegrityError:
        raise Conflict(f"A signal controller {data.id!r} exists already", id=data.id) from None
    return ctl


def list_controllers(session: Session) -> list[SignalController]:
    return list(session.scalars(select(SignalController).order_by(SignalController.uid)))


def phases_of(ctl: SignalController) -> list[PhaseConfig]:
    return [PhaseConfig.model_validate(p) for p in ctl.phases]


def is_offline(ctl: SignalController, now: datetime) -> bool:
    return ctl.last_heard_at is None or (now - ctl.last_heard_at).total_seconds() > COMM_TIMEOUT_S


def open_faults(session: Session, ctl: SignalController) -> list[SignalFault]:
    return list(session.scalars(select(SignalFault).where(SignalFault.controller_id == ctl.id,
                                                          SignalFault.closed_at.is_(None))))


def state_of(session: Session, ctl: SignalController, *, as_of: int | None = None) -> ControllerState:
    as_of = as_of if as_of is not None else int(time.time() * 1000)
    now = datetime.fromtimestamp(as_of / 1000, timezone.utc)
    s = ctl.state or st.empty()
    faults = open_faults(session, ctl)
    bad = {f.key: f.kind.removeprefix("detector_") for f in faults if f.kind.startswith("detector_")}
    det_phase = {ch: p.phase for p in phases_of(ctl) for ch in (*p.detectors, *p.stopbar)}
    detectors = []
    for ch in sorted(det_phase):
        d = s.get("det", {}).get(str(ch))
        health = bad.get(str(ch)) or ("ok" if d is not None else "unknown")
        detectors.append(DetectorState(channel=ch, phase=det_phase[ch], on=bool(d and d["on"]),
                                       since=d["since"] if d else None, health=health))
    groups = [GroupState(phase=p.phase, state=s.get("groups", {}).get(str(p.phase), {}).get("state", "red"),
                         since=s.get("groups", {}).get(str(p.phase), {}).get("since"))
              for p in phases_of(ctl)]
    plan = current_plan(session, ctl, as_of)
    pattern = s.get("pattern")
    return ControllerState(
        controller=ctl.uid, mode=st.mode(s, offline=is_offline(ctl, now)), plan=pattern,
        plan_id=plan.id if plan is not None else None, cycle_length=s.get("cycle"),
        cycle_second=st.cycle_second(s, as_of), offset=s.get("offset"), groups=groups,
        next_phases=st.next_phases(s, ctl.stages), detectors=detectors, last_event_ts=ctl.last_event_ts,
        last_heard_at=ctl.last_heard_at, as_of=as_of, faults=sorted({f.kind for f in faults}))


def controller_out(session: Session, ctl: SignalController, *, with_state: bool = True) -> ControllerOut:
    return ControllerOut(id=ctl.uid, name=ctl.name, address=ctl.address, lat=ctl.lat, lon=ctl.lon,
                         camera=ctl.camera, phases=phases_of(ctl), stages=ctl.stages, min_cycle=ctl.min_cycle,
                         max_cycle=ctl.max_cycle, state=state_of(session, ctl) if with_state else None)


def counters(session: Session) -> dict[str, int]:
    return {c.name: int(c.count) for c in session.scalars(select(SignalCounter))}


# ------------------------------------------------------------------ plans

def local_minute(ts_ms: int) -> tuple[int, int]:
    """(minute of the city's day, weekday 0=Mon) of an instant."""
    t = datetime.fromtimestamp((ts_ms + CITY_UTC_OFFSET_MS) / 1000, timezone.utc)
    return t.hour * 60 + t.minute, t.weekday()


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def covers(plan: SignalPlan, ts_ms: int) -> bool:
    minute, weekday = local_minute(ts_ms)
    if plan.days == "weekday" and weekday >= 5 or plan.days == "weekend" and weekday < 5:
        return False
    return _minutes(plan.period_start) <= minute < _minutes(plan.period_end)


def _overlaps(a: SignalPlan, b: SignalPlan) -> bool:
    days_meet = a.days == "all" or b.days == "all" or a.days == b.days
    return days_meet and _minutes(a.period_start) < _minutes(b.period_end) and \
        _minutes(b.period_start) < _minutes(a.period_end)


def plan_out(plan: SignalPlan, uid: str) -> PlanOut:
    return PlanOut(id=plan.id, controller=uid, name=plan.name, period_start=plan.period_start,
                   period_end=plan.period_end, days=plan.days, pattern=plan.pattern, cycle=plan.cycle,
                   offset=plan.offset, splits={int(k): v for k, v in plan.splits.items()},
                   sequence=list(plan.sequence or []), source=plan.source, created_by=plan.created_by,
                   created_at=plan.created_at, applied=plan.applied)


def applied_plans(session: Session, ctl: SignalController) -> list[SignalPlan]:
    return list(session.scalars(select(SignalPlan).where(SignalPlan.controller_id == ctl.id,
                                                         SignalPlan.applied.is_(True))
                                .order_by(SignalPlan.period_start)))


def current_plan(session: Session, ctl: SignalController, ts_ms: int) -> SignalPlan | None:
    """The applied plan whose period holds ts_ms (a day-specific one wins over "all")."""
    found = [p for p in applied_plans(session, ctl) if covers(p, ts_ms)]
    found.sort(key=lambda p: p.days == "all")
    return found[0] if found else None


def list_plans(session: Session, *, uid: str) -> list[PlanOut]:
    ctl = get_controller(session, uid)
    plans = session.scalars(select(SignalPlan).where(SignalPlan.controller_id == ctl.id,
                                                     SignalPlan.deleted.is_(False)).order_by(SignalPlan.id))
    return [plan_out(p, uid) for p in plans]


def get_plan(session: Session, ctl: SignalController, plan_id: int) -> SignalPlan:
    plan = session.get(SignalPlan, plan_id)
    if plan is None or plan.controller_id != ctl.id or plan.deleted:
        raise NotFound("Timing plan", plan_id)
    return plan


def _check_stages(ctl: SignalController, data: PlanIn) -> None:
    n = len(ctl.stages)
    if sorted(data.splits) != list(range(n)):
        raise BadRequest(f"splits must give a green for each of the {n} stages (keys 0…{n - 1})",
                         stages=ctl.stages)
    if data.sequence and sorted(data.sequence) != list(range(n)):
        raise BadRequest(f"sequence must order the stages 0…{n - 1}, each once")
    lost = sum(max(p.lost_time for p in phases_of(ctl) if p.phase in stage) for stage in ctl.stages)
    if sum(data.splits.values()) + lost > data.cycle + 0.5:
        raise BadRequest(f"the greens ({sum(data.splits.values()):.0f} s) and the lost time ({lost:.0f} s) "
                         f"do not fit in a {data.cycle:.0f} s cycle")


def create_plan(session: Session, *, uid: str, data: PlanIn, user: User | None, source: str = "manual") -> SignalPlan:
    ctl = get_controller(session, uid)
    _check_stages(ctl, data)
    plan = SignalPlan(controller_id=ctl.id, name=data.name, period_start=data.period_start,
                      period_end=data.period_end, days=data.days, pattern=data.pattern, cycle=data.cycle,
                      offset=data.offset, splits={str(k): float(v) for k, v in data.splits.items()},
                      sequence=list(data.sequence), source=source, created_by=user.username if user else "system",
                      created_at=utcnow(), applied=False, deleted=False)
    session.add(plan)
    session.flush()
    return plan


def update_plan(session: Session, *, uid: str, plan_id: int, data: PlanIn, user: User) -> SignalPlan:
    ctl = get_controller(session, uid)
    plan = get_plan(session, ctl, plan_id)
    if plan.applied:
        raise Conflict("This plan runs on the controller; make a new plan and apply it instead", id=plan_id)
    _check_stages(ctl, data)
    plan.name, plan.period_start, plan.period_end, plan.days = data.name, data.period_start, data.period_end, data.days
    plan.pattern, plan.cycle, plan.offset = data.pattern, data.cycle, data.offset
    plan.splits = {str(k): float(v) for k, v in data.splits.items()}
    plan.sequence = list(data.sequence)
    session.flush()
    return plan


def delete_plan(session: Session, *, uid: str, plan_id: int, user: User) -> None:
    ctl = get_controller(session, uid)
    plan = get_plan(session, ctl, plan_id)
    if plan.applied:
        raise Conflict("This plan runs on the controller; roll it back or apply another first", id=plan_id)
    plan.deleted = True
    record(session, user=user, action="signals.plan.delete", target=f"signal-plan:{plan.id}",
           details={"controller": uid})


def application_out(app_: PlanApplication, uid: str) -> Application:
    return Application(id=app_.id, controller=uid, plan_id=app_.plan_id, previous_plan_id=app_.previous_plan_id,
                       applied_by=app_.applied_by, applied_at=app_.applied_at, rolled_back_at=app_.rolled_back_at,
                       rolled_back_by=app_.rolled_back_by)


def _schedule_changed(session: Session, ctl: SignalController, what: str, app_: PlanApplication) -> None:
    publish(session, "signals.plan", {"controller": ctl.uid, "what": what, "application": application_out(
        app_, ctl.uid).model_dump(mode="json"), "schedule": [plan_out(p, ctl.uid).model_dump(mode="json")
                                                             for p in applied_plans(session, ctl)]})


def apply_plan(session: Session, *, uid: str, plan_id: int, user: User) -> PlanApplication:
    """Put a plan into the controller's schedule in place of the plans its period overlaps."""
    ctl = get_controller(session, uid)
    plan = get_plan(session, ctl, plan_id)
    if plan.applied:
        raise Conflict("This plan is already in the controller's schedule", id=plan_id)
    replaced = [p for p in applied_plans(session, ctl) if _overlaps(p, plan)]
    for p in replaced:
        p.applied = False
    plan.applied = True
    app_ = PlanApplication(controller_id=ctl.id, plan_id=plan.id,
                           previous_plan_id=replaced[0].id if replaced else None,
                           applied_by=user.username, applied_at=utcnow())
    session.add(app_)
    session.flush()
    record(session, user=user, action="signals.plan.apply", target=f"signal-controller:{uid}",
           details={"plan_id": plan.id, "plan": plan.name, "cycle": plan.cycle,
                    "splits": plan.splits, "replaced": [p.id for p in replaced]})
    _schedule_changed(session, ctl, "applied", app_)
    return app_


def rollback(session: Session, *, uid: str, user: User) -> PlanApplication:
    """Undo the latest application still in force: its plan leaves, the plan it replaced returns."""
    ctl = get_controller(session, uid)
    app_ = session.scalar(select(PlanApplication).where(PlanApplication.controller_id == ctl.id,
                                                        PlanApplication.rolled_back_at.is_(None))
                          .order_by(PlanApplication.id.desc()).limit(1))
    if app_ is None:
        raise Conflict(f"Nothing to roll back on {uid}: no plan application is in force")
    plan = session.get(SignalPlan, app_.plan_id)
    plan.applied = False
    previous = session.get(SignalPlan, app_.previous_plan_id) if app_.previous_plan_id else None
    if previous is not None and not previous.deleted:
        previous.applied = True
    app_.rolled_back_at, app_.rolled_back_by = utcnow(), user.username
    session.flush()
    record(session, user=user, action="signals.plan.rollback", target=f"signal-controller:{uid}",
           details={"plan_id": plan.id, "restored_plan_id": previous.id if previous else None,
                    "application": app_.id})
    _schedule_changed(session, ctl, "rolled_back", app_)
    return app_


def applications(session: Session, *, uid: str) -> list[Application]:
    ctl = get_controller(session, uid)
    rows = session.scalars(select(PlanApplication).where(PlanApplication.controller_id == ctl.id)
                           .order_by(PlanApplication.id.desc()).limit(100))
    return [application_out(a, uid) for a in rows]


def schedule_message(session: Session, ctl: SignalController) -> dict:
    """What the controller is told: its whole time-of-day schedule (idempotent, retained)."""
    return {"command": "schedule", "plans": [
        {"id": p.id, "pattern": p.pattern, "period_start": p.period_start, "period_end": p.period_end,
         "days": p.days, "cycle": p.cycle, "offset": p.offset,
         "splits": [p.splits[str(i)] for i in range(len(ctl.stages))],
         "sequence": list(p.sequence or range(len(ctl.stages)))} for p in applied_plans(session, ctl)]}
