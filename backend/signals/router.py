"""/api/v1/signals: controllers, live state, events in, measures, coordination diagram, plans, faults."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from backend.audit.service import record
from backend.auth.deps import Admin, CurrentUser, Supervisor
from backend.db import SessionDep
from backend.errors import BadRequest
from backend.signals import faults, measures, recommend as rec, service
from backend.signals.ingest import writer_for
from backend.signals.mqtt import send_command
from backend_client.schemas.signals import (Application, Command, ControllerIn, ControllerOut, ControllerState,
                                            CoordinationDiagram, FaultOut, IngestResult, IngestStats, Measures,
                                            PlanIn, PlanOut, Recommendation, RecommendIn)

router = APIRouter(prefix="/api/v1/signals", tags=["signals"])
MAX_CSV_BYTES = 50 * 1024 * 1024


def _ms(value: datetime | int) -> int:
    return value if isinstance(value, int) else int(value.timestamp() * 1000)


Instant = Annotated[datetime | int, Query(description="epoch ms or an ISO 8601 time with zone")]


@router.get("/controllers", response_model=list[ControllerOut], operation_id="signals_controllers")
def list_controllers(session: SessionDep, _: CurrentUser) -> list[ControllerOut]:
    return [service.controller_out(session, c) for c in service.list_controllers(session)]


@router.post("/controllers", response_model=ControllerOut, status_code=201, operation_id="signals_controller_create")
def create_controller(data: ControllerIn, session: SessionDep, user: Admin, request: Request) -> ControllerOut:
    ctl = service.create_controller(session, data=data)
    record(session, user=user, action="signals.controller.create", target=f"signal-controller:{data.id}")
    session.commit()
    writer_for(request.app).forget_controllers()
    return service.controller_out(session, ctl)


@router.get("/controllers/{uid}", response_model=ControllerOut, operation_id="signals_controller")
def get_controller(uid: str, session: SessionDep, _: CurrentUser) -> ControllerOut:
    return service.controller_out(session, service.get_controller(session, uid))


@router.get("/controllers/{uid}/state", response_model=ControllerState, operation_id="signals_state")
def get_state(uid: str, session: SessionDep, _: CurrentUser) -> ControllerState:
    return service.state_of(session, service.get_controller(session, uid))


@router.post("/events", response_model=IngestResult, operation_id="signals_events_csv")
async def post_events(request: Request, _: CurrentUser) -> IngestResult:
    """The CSV controllers export (TimeStamp,DeviceId,EventId,Parameter); bad rows are counted, not fatal."""
    body = await request.body()
    if len(body) > MAX_CSV_BYTES:
        raise BadRequest(f"send at most {MAX_CSV_BYTES // 2**20} MB of events per request")
    if not body.strip():
        raise BadRequest("the body is empty; send the CSV with a TimeStamp,DeviceId,EventId,Parameter header")
    from starlette.concurrency import run_in_threadpool

    out = await run_in_threadpool(writer_for(request.app).ingest_csv, body)
    return IngestResult(stored=out.stored, duplicates=out.duplicates, rejected=dict(out.rejected))


@router.get("/events/stats", response_model=IngestStats, operation_id="signals_events_stats")
def events_stats(request: Request, session: SessionDep, _: CurrentUser) -> IngestStats:
    writer = getattr(request.app.state, "signal_writer", None)
    return IngestStats(counters=service.counters(session), process=writer.process_stats() if writer else {})


@router.get("/controllers/{uid}/measures", response_model=Measures, operation_id="signals_measures")
def get_measures(uid: str, session: SessionDep, _: CurrentUser,
                 from_: Annotated[datetime | int, Query(alias="from")], to: Instant,
                 bin: int = Query(15, description="minutes: 15, 30, 60 or 1440")) -> Measures:
    return measures.measures(session, uid=uid, start=_ms(from_), end=_ms(to), bin_minutes=bin)


@router.get("/controllers/{uid}/pcd", response_model=CoordinationDiagram, operation_id="signals_pcd")
def get_pcd(uid: str, session: SessionDep, _: CurrentUser, phase: int,
            from_: Annotated[datetime | int, Query(alias="from")], to: Instant) -> CoordinationDiagram:
    return measures.coordination_diagram(session, uid=uid, phase=phase, start=_ms(from_), end=_ms(to))


@router.get("/controllers/{uid}/plans", response_model=list[PlanOut], operation_id="signals_plans")
def list_plans(uid: str, session: SessionDep, _: CurrentUser) -> list[PlanOut]:
    return service.list_plans(session, uid=uid)


@router.post("/controllers/{uid}/plans", response_model=PlanOut, status_code=201, operation_id="signals_plan_create")
def create_plan(uid: str, data: PlanIn, session: SessionDep, user: Supervisor) -> PlanOut:
    plan = service.create_plan(session, uid=uid, data=data, user=user)
    record(session, user=user, action="signals.plan.create", target=f"signal-plan:{plan.id}", details={"controller": uid})
    session.commit()
    return service.plan_out(plan, uid)


@router.put("/controllers/{uid}/plans/{plan_id}", response_model=PlanOut, operation_id="signals_plan_update")
def update_plan(uid: str, plan_id: int, data: PlanIn, session: SessionDep, user: Supervisor) -> PlanOut:
    plan = service.update_plan(session, uid=uid, plan_id=plan_id, data=data, user=user)
    record(session, user=user, action="signals.plan.update", target=f"signal-plan:{plan.id}", details={"controller": uid})
    session.commit()
    return service.plan_out(plan, uid)


@router.delete("/controllers/{uid}/plans/{plan_id}", status_code=204, operation_id="signals_plan_delete")
def delete_plan(uid: str, plan_id: int, session: SessionDep, user: Supervisor) -> None:
    service.delete_plan(session, uid=uid, plan_id=plan_id, user=user)
    session.commit()


@router.post("/controllers/{uid}/plans/recommend", response_model=Recommendation,
             operation_id="signals_plan_recommend")
def recommend_plan(uid: str, data: RecommendIn, session: SessionDep, user: CurrentUser) -> Recommendation:
    """Webster's cycle and splits for given or measured flows, beside the plan running now."""
    if data.save and user.role == "dispatcher":
        raise BadRequest("Saving a recommended plan needs the supervisor role; ask without save")
    out = rec.recommend(session, uid=uid, data=data, user=user)
    if data.save:
        session.commit()
    return out


def _send_schedule(request: Request, session, uid: str) -> None:
    ctl = service.get_controller(session, uid)
    send_command(request.app, uid, service.schedule_message(session, ctl))


@router.post("/controllers/{uid}/plans/{plan_id}/apply", response_model=Application,
             operation_id="signals_plan_apply")
def apply_plan(uid: str, plan_id: int, session: SessionDep, user: Supervisor, request: Request) -> Application:
    app_ = service.apply_plan(session, uid=uid, plan_id=plan_id, user=user)
    session.commit()
    _send_schedule(request, session, uid)
    return service.application_out(app_, uid)


@router.post("/controllers/{uid}/plans/rollback", response_model=Application, operation_id="signals_plan_rollback")
def rollback_plan(uid: str, session: SessionDep, user: Supervisor, request: Request) -> Application:
    app_ = service.rollback(session, uid=uid, user=user)
    session.commit()
    _send_schedule(request, session, uid)
    return service.application_out(app_, uid)


@router.get("/controllers/{uid}/applications", response_model=list[Application],
            operation_id="signals_applications")
def list_applications(uid: str, session: SessionDep, _: CurrentUser) -> list[Application]:
    return service.applications(session, uid=uid)


@router.post("/controllers/{uid}/command", status_code=202, operation_id="signals_command")
def command(uid: str, data: Command, session: SessionDep, user: Supervisor, request: Request) -> dict:
    ctl = service.get_controller(session, uid)
    record(session, user=user, action=f"signals.command.{data.command}", target=f"signal-controller:{uid}",
           details={"reason": data.reason})
    session.commit()
    msg = {"command": "flash"} if data.command == "flash" else service.schedule_message(session, ctl)
    sent = send_command(request.app, uid, msg)
    return {"sent": sent}


@router.get("/faults", response_model=list[FaultOut], operation_id="signals_faults")
def list_faults(session: SessionDep, _: CurrentUser, controller: str | None = None,
                open_only: bool = True) -> list[FaultOut]:
    return [FaultOut.model_validate(f) for f in faults.list_faults(session, uid=controller, open_only=open_only)]
