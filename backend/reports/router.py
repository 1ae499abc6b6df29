"""/api/v1/reports: shift reports for supervisors, made in the background; every file download is audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse

from backend.auth.deps import Supervisor
from backend.db import SessionDep
from backend.reports import service
from backend.reports.runner import runner_for
from backend_client.schemas.common import Page
from backend_client.schemas.reports import ReportCreate, ReportOut

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
MEDIA = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.post("", response_model=ReportOut, status_code=202, operation_id="reports_create")
def create(data: ReportCreate, request: Request, session: SessionDep, user: Supervisor) -> ReportOut:
    report = service.create_report(session, user=user, data=data,
                                   shift_changes=request.app.state.settings.report_shift_changes)
    session.commit()
    runner_for(request.app).submit(report.id)
    return service.to_out(report)


@router.get("", response_model=Page[ReportOut], operation_id="reports_list")
def list_reports(session: SessionDep, _: Supervisor, offset: Annotated[int, Query(ge=0)] = 0,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Page[ReportOut]:
    rows, total = service.list_reports(session, offset=offset, limit=limit)
    return Page[ReportOut](items=[service.to_out(r) for r in rows], total=total, offset=offset, limit=limit)


@router.get("/{report_id}", response_model=ReportOut, operation_id="reports_get")
def get(report_id: int, session: SessionDep, _: Supervisor) -> ReportOut:
    return service.to_out(service.get_report(session, report_id))


@router.get("/{report_id}/file", operation_id="reports_file",
            responses={200: {"content": {MEDIA["pdf"]: {}, MEDIA["xlsx"]: {}}}})
def get_file(report_id: int, request: Request, session: SessionDep, user: Supervisor,
             format: Annotated[str, Query(pattern="^(pdf|xlsx)$")] = "pdf") -> FileResponse:
    path, name = service.report_file(session, user=user, report_id=report_id, fmt=format,
                                     media_dir=request.app.state.settings.resolved_media_dir)
    session.commit()
    return FileResponse(path, media_type=MEDIA[format], filename=name)
