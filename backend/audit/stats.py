"""Archive access from the audit trail: views and exports of video, who and why. GET /api/v1/stats/archive."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.auth.deps import Supervisor
from backend.db import SessionDep
from backend.errors import BadRequest
from backend.stats.periods import MAX_PERIOD, as_utc
from backend_client.schemas.stats import ArchiveAccess, ArchiveStats, GroupCount

VIEW, EXPORT, DOWNLOAD = "recording.playback", "recording.export", "recording.export_download"
ACTIONS = (VIEW, EXPORT, DOWNLOAD)


def period(session: Session, *, start: datetime, end: datetime) -> ArchiveStats:
    where = (AuditEntry.action.in_(ACTIONS), AuditEntry.at >= start, AuditEntry.at < end)
    by_action = dict(session.execute(select(AuditEntry.action, func.count()).where(*where)
                                     .group_by(AuditEntry.action)).all())
    by_user = [GroupCount(key=u, count=n) for u, n in session.execute(
        select(AuditEntry.username, func.count()).where(*where).group_by(AuditEntry.username)
        .order_by(func.count().desc(), AuditEntry.username))]
    entries = [ArchiveAccess(at=e.at, username=e.username, action=e.action, target=e.target,
                             reason=str((e.details or {}).get("reason") or ""))
               for e in session.scalars(select(AuditEntry).where(*where).order_by(AuditEntry.at, AuditEntry.id)
                                        .limit(500))]
    return ArchiveStats(start=start, end=end, views=by_action.get(VIEW, 0), exports=by_action.get(EXPORT, 0),
                        downloads=by_action.get(DOWNLOAD, 0), by_user=by_user, entries=entries)


router = APIRouter(prefix="/api/v1/stats/archive", tags=["stats"])


@router.get("", response_model=ArchiveStats, operation_id="stats_archive")
def get_archive(session: SessionDep, _: Supervisor, from_: Annotated[datetime, Query(alias="from")],
                to: datetime) -> ArchiveStats:
    start, end = as_utc(from_), as_utc(to)
    if end <= start or end - start > MAX_PERIOD:
        raise BadRequest(f"The period's end must be after its start and at most {MAX_PERIOD.days} days later")
    return period(session, start=start, end=end)
