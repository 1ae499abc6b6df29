"""Exactly once for every change of an incident: an Idempotency-Key remembered with its result.

A client (the desktop's offline outbox) sends each operation with its own key. The first
request with a key runs and its answer (status and body) is stored in the same transaction
as the change; a repeat with the same key and the same request gets that first answer
again, even when the incident has changed since (so a retry after a crash is recognised as
the client's own earlier write, not read as someone else's). The same key with another
request is refused (422). Keys are per user. Only successful answers are remembered: a
refused request changed nothing, and may be sent again with the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.auth.models import User
from backend.errors import AppError, Unprocessable
from backend.incidents.models import IdempotencyKey
from backend_client.schemas.incidents import incident_number


def request_hash(payload: Any, incident_id: int | None = None) -> str:
    """The request's fingerprint: its body (and, for changes of one incident, which incident)."""
    doc = payload if incident_id is None else {"incident": incident_id, "body": payload}
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str | None) -> None:
    if key is not None and not 1 <= len(key) <= 200:
        raise Unprocessable("Idempotency-Key must be 1 to 200 characters long", field="Idempotency-Key")


def earlier(session: Session, *, user: User, key: str | None, operation: str,
            fingerprint: str) -> tuple[Any, int] | None:
    """The stored (body, status) of an earlier request with this key, or None when it is new."""
    if not key:
        return None
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key))
    if row is None:
        return None
    if row.request_hash != fingerprint or row.operation != operation:
        raise Unprocessable(
            f"Idempotency-Key {key!r} was already used for a different request (on incident "
            f"{incident_number(row.incident_id)}); use a new key for a new request", incident_id=row.incident_id)
    if row.response is None:  # remembered before results were stored: the incident as it is now
        from backend.incidents.service import get_incident, to_out

        return to_out(get_incident(session, row.incident_id)).model_dump(mode="json"), row.status_code
    return json.loads(row.response), row.status_code


def once(session: Session, *, user: User, key: str | None, operation: str, fingerprint: str,
         response: Response, run: Callable[[], tuple[BaseModel, int, int]]) -> Any:
    """Run ``run`` (→ result, status, incident id) once per key and commit; a repeat gets the first answer."""
    check_key(key)
    if (found := earlier(session, user=user, key=key, operation=operation, fingerprint=fingerprint)) is not None:
        return _answer(response, *found)
    try:
        result, status, incident_id = run()
        body = result.model_dump(mode="json")
        if key:
            session.add(IdempotencyKey(key=key, user_id=user.id, operation=operation, request_hash=fingerprint,
                                       incident_id=incident_id, status_code=status, response=json.dumps(body)))
        session.commit()
    except (AppError, IntegrityError):
        # The same key at the same moment (a client retrying a slow request): the other one won.
        session.rollback()
        if (found := earlier(session, user=user, key=key, operation=operation, fingerprint=fingerprint)) is not None:
            return _answer(response, *found)
        raise
    return _answer(response, body, status)


def _answer(response: Response, body: Any, status: int) -> Any:
    response.status_code = status
    if isinstance(body, dict) and "version" in body and "number" in body:
        response.headers["ETag"] = f'"{body["version"]}"'
    return body
