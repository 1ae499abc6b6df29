"""Shift reports: the period asked for, the row that tracks the making, reading and listing them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.auth.models import User
from backend.db import utcnow
from backend.errors import BadRequest, Conflict, NotFound
from backend.events.service import publish
from backend.reports.models import Report
from backend.stats.periods import CITY_TZ, MAX_PERIOD, day_start, parse_changes, shift_bounds, week_start
from backend_client.schemas.reports import Period, ReportCreate, ReportOut


def resolve_period(data: ReportCreate, *, now: datetime, shift_changes: str) -> Period:
    """A shift, the city's day or week holding `now`, or from/to (a time without zone is the city's)."""
    if data.period == "custom" or data.start is not None or data.end is not None:
        if data.start is None or data.end is None:
            raise BadRequest("A period by dates needs both from and to")
        start, end = (t.replace(tzinfo=CITY_TZ) if t.tzinfo is None else t for t in (data.start, data.end))
        start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
        if end <= start:
            raise BadRequest("The period's end must be after its start")
        if end - start > MAX_PERIOD:
            raise BadRequest(f"A report covers at most {MAX_PERIOD.days} days")
        return Period(kind="custom", start=start, end=end)
    if data.period == "shift":
        start, end = shift_bounds(now, parse_changes(shift_changes))
    elif data.period == "day":
        start = day_start(now)
        end = day_start(start + timedelta(hours=36))
    else:
        start = week_start(now)
        end = start + timedelta(days=7)
    return Period(kind=data.period, start=start, end=end)


def to_out(r: Report) -> ReportOut:
    return ReportOut(id=r.id, status=r.status, progress=r.progress, period=Period(kind=r.kind, start=r.start, end=r.end),
                     created_by=r.created_by, created_at=r.created_at, finished_at=r.finished_at, error=r.error,
                     pdf_size=r.pdf_size, xlsx_size=r.xlsx_size)


def create_report(session: Session, *, user: User, data: ReportCreate, shift_changes: str) -> Report:
    period = resolve_period(data, now=utcnow(), shift_changes=shift_changes)
    report = Report(kind=period.kind, start=period.start, end=period.end, status="queued", progress=0.0,
                    user_id=user.id, created_by=user.username, author=user.full_name or user.username,
                    created_at=utcnow())
    session.add(report)
    session.flush()
    record(session, user=user, action="report.create", target=f"report:{report.id}",
           details={"kind": period.kind, "start": period.start.isoformat(), "end": period.end.isoformat()})
    publish(session, "report.updated", to_out(report).model_dump(mode="json"), min_role="supervisor")
    return report


def get_report(session: Session, report_id: int) -> Report:
    report = session.get(Report, report_id)
    if report is None:
        raise NotFound("Report", report_id)
    return report


def list_reports(session: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[Report], int]:
    total = session.scalar(select(func.count()).select_from(Report)) or 0
    rows = session.scalars(select(Report).order_by(Report.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total


def report_file(session: Session, *, user: User, report_id: int, fmt: str, media_dir: Path) -> tuple[Path, str]:
    """The file's path and download name; the download is audited."""
    report = get_report(session, report_id)
    if fmt not in ("pdf", "xlsx"):
        raise BadRequest("format must be pdf or xlsx", format=fmt)
    if report.status != "done":
        raise Conflict(f"Report {report_id} is {report.status}, not done yet", state=report.status)
    rel = report.pdf_path if fmt == "pdf" else report.xlsx_path
    path = media_dir / (rel or "")
    if not rel or not path.is_file():
        raise NotFound("Report file", f"{report_id}.{fmt}")
    record(session, user=user, action="report.download", target=f"report:{report_id}", details={"format": fmt})
    day = report.start.astimezone(CITY_TZ)
    return path, f"report-{report.kind}-{day:%Y%m%d-%H%M}-{report_id}.{fmt}"
