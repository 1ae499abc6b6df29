"""The audit trail: who looked at or exported what, and why."""

from __future__ import annotations

from typing import Any

from backend.audit.models import AuditEntry
from backend.auth.models import User


def record(session, *, user: User | None, action: str, target: str = "", details: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(user_id=user.id if user else None, username=user.username if user else "system",
                       action=action, target=target, details=details or {})
    session.add(entry)
    return entry
