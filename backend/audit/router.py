from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.auth.deps import Supervisor
from backend.db import SessionDep
from backend_client.schemas.audit import AuditEntryOut
from backend_client.schemas.common import Page
from backend_client.schemas.common import UtcDateTime

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("", response_model=Page[AuditEntryOut], operation_id="audit_list")
def list_audit(session: SessionDep, _: Supervisor,
               action: str | None = None, username: str | None = None, target: str | None = None,
               since: UtcDateTime | None = None, until: UtcDateTime | None = None,
               offset: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100):
    q = select(AuditEntry)
    if action:
        q = q.where(AuditEntry.action == action)
    if username:
        q = q.where(AuditEntry.username == username)
    if target:
        q = q.where(AuditEntry.target == target)
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    total = session.scalar(select(func.count()).select_from(q.subquery())) or 0
    items = session.scalars(q.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).all()
    return Page[AuditEntryOut](items=[AuditEntryOut.model_validate(i) for i in items],
                               total=total, offset=offset, limit=limit)
