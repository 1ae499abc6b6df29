"""Incidents: create (idempotent), list, edit with optimistic concurrency, lifecycle, history."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.auth.deps import role_at_least
from backend.auth.models import User
from backend.db import utcnow
from backend.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from backend.events.service import publish
from backend.incidents import sla
from backend.incidents.models import CityService, IdempotencyKey, Incident, IncidentComment, IncidentHistory
from backend_client.schemas.incidents import (CATEGORY_NAMES, OPEN_STATUSES, PRIORITIES, REOPEN, SOURCES, STATUSES,
                                              TRANSITIONS, CategoryOut, IncidentCreate, IncidentOut, IncidentPatch,
                                              incident_number)

MAX_LIMIT = 500


# ---------------------------------------------------------------- reading

def to_out(incident: Incident, now: datetime | None = None) -> IncidentOut:
    now = now or utcnow()
    return IncidentOut(
        id=incident.id, client_uuid=incident.client_uuid, number=incident_number(incident.id),
        category=incident.category, priority=incident.priority, status=incident.status,
        duplicate_of=incident.duplicate_of, lat=incident.lat, lon=incident.lon, address=incident.address,
        description=incident.description, source=incident.source, assignee=incident.assignee,
        created_by=incident.created_by, created_at=incident.created_at, updated_at=incident.updated_at,
        sla_due_at=incident.sla_due_at, overdue=sla.is_overdue(incident.status, incident.sla_due_at, now),
        version=incident.version, comment_count=incident.comment_count,
        attachment_count=incident.attachment_count)


def get_incident(session: Session, incident_id: int, *, for_update: bool = False) -> Incident:
    incident = session.get(Incident, incident_id, with_for_update=for_update or None)
    if incident is None:
        raise NotFound("Incident", incident_id)
    return incident


def list_categories() -> list[CategoryOut]:
    table = sla.sla_table()
    return [CategoryOut(code=code, name=name, sla_hours=table[code]) for code, name in CATEGORY_NAMES.items()]


def list_services(session: Session) -> list[CityService]:
    return list(session.scalars(select(CityService).where(CityService.active).order_by(CityService.name)))


def _codes(values: list[str] | None, allowed: tuple[str, ...] | list[str], what: str) -> list[str]:
    """Multi-valued filters accept both ?status=a&status=b and ?status=a,b."""
    out = [v.strip() for raw in values or [] for v in raw.split(",") if v.strip()]
    bad = [v for v in out if v not in allowed]
    if bad:
        raise Unprocessable(f"Unknown {what} {', '.join(map(repr, bad))}; known: {', '.join(allowed)}",
                            field=what, invalid=bad)
    return out


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    try:
        parts = [float(p) for p in text.split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4:
        raise Unprocessable("bbox must be four numbers: minLon,minLat,maxLon,maxLat", field="bbox")
    min_lon, min_lat, max_lon, max_lat = parts
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise Unprocessable("bbox must be minLon,minLat,maxLon,maxLat with min ≤ max, longitudes in "
                            "−180…180 and latitudes in −90…90", field="bbox")
    return min_lon, min_lat, max_lon, max_lat


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)  # a time without zone is taken as UTC
    return value


_NUMBER = re.compile(r"([ИиIi]\s*-?\s*)?0*(\d{1,9})")
_SORTS = {
    "created_at": (Incident.created_at.asc(), Incident.id.asc()),
    "-created_at": (Incident.created_at.desc(), Incident.id.desc()),
    # "priority" means most urgent first, then newest.
    "priority": (Incident.priority_rank.asc(), Incident.created_at.desc(), Incident.id.desc()),
    "-priority": (Incident.priority_rank.desc(), Incident.created_at.desc(), Incident.id.desc()),
    "sla_due_at": (Incident.sla_due_at.asc(), Incident.id.asc()),
    "-sla_due_at": (Incident.sla_due_at.desc(), Incident.id.desc()),
    "updated_at": (Incident.updated_at.asc(), Incident.id.asc()),
    "-updated_at": (Incident.updated_at.desc(), Incident.id.desc()),
}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_incidents(session: Session, *, status: list[str] | None = None, category: list[str] | None = None,
                   priority: list[str] | None = None, q: str | None = None, since: datetime | None = None,
                   until: datetime | None = None, bbox: str | None = None, overdue: bool | None = None,
                   assignee: str | None = None, sort: str = "-created_at", offset: int = 0,
                   limit: int = 50) -> tuple[list[IncidentOut], int]:
    if sort not in _SORTS:
        raise Unprocessable(f"Unknown sort {sort!r}; use one of {', '.join(_SORTS)}", field="sort")
    conds: list[ColumnElement[bool]] = []
    if statuses := _codes(status, STATUSES, "status"):
        conds.append(Incident.status.in_(statuses))
    if categories := _codes(category, list(CATEGORY_NAMES), "category"):
        conds.append(Incident.category.in_(categories))
    if priorities := _codes(priority, PRIORITIES, "priority"):
        # By rank, so the (…, priority_rank, …) indexes answer it without reading rows.
        conds.append(Incident.priority_rank.in_(sorted({PRIORITIES.index(p) for p in priorities})))
    if q and q.strip():
        text = q.strip()
        like = Incident.search_text.like(f"%{_like_escape(text.casefold())}%", escape="\\")
        if (m := _NUMBER.fullmatch(text)) and m.group(1):  # "И-000123": that incident, by key
            conds.append(Incident.id == int(m.group(2)))
        elif m:  # bare digits: the number, or a house number in the text
            conds.append(or_(Incident.id == int(m.group(2)), like))
        else:
            conds.append(like)
    if since := _utc(since):
        conds.append(Incident.created_at >= since)
    if until := _utc(until):
        conds.append(Incident.created_at < until)
    if box := parse_bbox(bbox):
        min_lon, min_lat, max_lon, max_lat = box
        conds += [Incident.lat.between(min_lat, max_lat), Incident.lon.between(min_lon, max_lon)]
    if overdue is not None:
        late = and_(Incident.status.in_(OPEN_STATUSES), Incident.sla_due_at < utcnow())
        conds.append(late if overdue else not_(late))
    if assignee:
        conds.append(Incident.assignee == assignee)
    where = and_(*conds) if conds else None
    total_q = select(func.count()).select_from(Incident)
    ids_q = select(Incident.id)
    if where is not None:
        total_q, ids_q = total_q.where(where), ids_q.where(where)
    total = session.scalar(total_q) or 0
    # Pick the page's ids first (filter and sort can run on indexes alone), then read just those rows.
    ids = list(session.scalars(ids_q.order_by(*_SORTS[sort]).offset(offset).limit(limit)))
    if not ids:
        return [], total
    rows = {r.id: r for r in session.execute(select(*_OUT_COLUMNS).where(Incident.id.in_(ids)))}
    now = utcnow()
    return [row_to_out(rows[i], now) for i in ids if i in rows], total


_OUT_COLUMNS = [Incident.id, Incident.client_uuid, Incident.category, Incident.priority, Incident.status,
                Incident.duplicate_of, Incident.lat, Incident.lon, Incident.address, Incident.description,
                Incident.source, Incident.assignee, Incident.created_by, Incident.created_at, Incident.updated_at,
                Incident.sla_due_at, Incident.version, Incident.comment_count, Incident.attachment_count]


def row_to_out(row: Any, now: datetime) -> IncidentOut:
    """IncidentOut from a row of _OUT_COLUMNS. Lists read plain rows, not ORM objects, and skip
    re-validating what the database already guarantees: several times faster for a page."""
    data = row._asdict()
    data["number"] = incident_number(row.id)
    data["overdue"] = sla.is_overdue(row.status, row.sla_due_at, now)
    if data["client_uuid"] is not None:
        data["client_uuid"] = uuid.UUID(data["client_uuid"])
    return IncidentOut.model_construct(**data)


def list_history(session: Session, *, incident_id: int) -> list[IncidentHistory]:
    get_incident(session, incident_id)
    return list(session.scalars(select(IncidentHistory).where(IncidentHistory.incident_id == incident_id)
                                .order_by(IncidentHistory.id)))


def list_comments(session: Session, *, incident_id: int) -> list[IncidentComment]:
    get_incident(session, incident_id)
    return list(session.scalars(select(IncidentComment).where(IncidentComment.incident_id == incident_id)
                                .order_by(IncidentComment.id)))


# ---------------------------------------------------------------- changing

def _search_text(description: str, address: str) -> str:
    return f"{description}\n{address}".casefold()


def _service_code(session: Session, code: str | None) -> str | None:
    if code is None:
        return None
    service = session.get(CityService, code)
    if service is None or not service.active:
        known = ", ".join(s.code for s in list_services(session))
        raise Unprocessable(f"Unknown city service {code!r}; known services: {known or 'none yet'}",
                            field="assignee")
    return code


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _history(session: Session, incident: Incident, user: User | None, field: str, old: Any, new: Any,
             at: datetime) -> None:
    session.add(IncidentHistory(incident_id=incident.id, user_id=user.id if user else None,
                                who=user.username if user else "system", at=at, field=field,
                                old=_text(old), new=_text(new)))


def _changed(session: Session, incident: Incident, user: User | None,
             changes: list[tuple[str, Any, Any]], now: datetime) -> None:
    """Record the changes, bump the version and tell the live clients, in the caller's transaction."""
    for field, old, new in changes:
        _history(session, incident, user, field, old, new, now)
    incident.version += 1
    incident.updated_at = now
    session.flush()
    publish(session, "incident.updated", to_out(incident, now).model_dump(mode="json"))


def _check_version(incident: Incident, expected: int | None) -> None:
    if expected is not None and expected != incident.version:
        raise PreconditionFailed(
            f"Incident {incident_number(incident.id)} was changed by someone else meanwhile (you edited "
            f"version {expected}, it is now version {incident.version}); reload it and try again",
            current_version=incident.version, incident=to_out(incident).model_dump(mode="json"))


def request_hash(data: IncidentCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(session: Session, *, user: User, data: IncidentCreate,
            idempotency_key: str | None) -> tuple[Incident, int] | None:
    """The earlier result for a repeated request, or None when this one is new."""
    if idempotency_key:
        row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                                          IdempotencyKey.key == idempotency_key))
        if row is not None:
            if row.request_hash != request_hash(data):
                raise Unprocessable(
                    f"Idempotency-Key {idempotency_key!r} was already used for a different request "
                    f"(it created incident {incident_number(row.incident_id)}); use a new key for a new incident",
                    incident_id=row.incident_id)
            return get_incident(session, row.incident_id), row.status_code
    if data.client_uuid is not None:
        existing = session.scalar(select(Incident).where(Incident.client_uuid == str(data.client_uuid)))
        if existing is not None:
            return existing, 200
    return None


def create_incident(session: Session, *, user: User, data: IncidentCreate, idempotency_key: str | None = None,
                    created_at: datetime | None = None) -> tuple[Incident, int]:
    """The new incident and 201, or the earlier one (and its status) for a repeated request."""
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= 200:
        raise Unprocessable("Idempotency-Key must be 1 to 200 characters long", field="Idempotency-Key")
    if (earlier := _replay(session, user=user, data=data, idempotency_key=idempotency_key)) is not None:
        return earlier
    now = utcnow()
    created_at = created_at or now
    incident = Incident(
        client_uuid=str(data.client_uuid) if data.client_uuid else None, category=data.category,
        priority=data.priority, priority_rank=PRIORITIES.index(data.priority), status="new",
        lat=data.lat, lon=data.lon, address=data.address.strip(), description=data.description.strip(),
        search_text=_search_text(data.description.strip(), data.address.strip()), source=data.source,
        assignee=_service_code(session, data.assignee), created_by=user.username, created_at=created_at,
        updated_at=created_at, sla_due_at=sla.due_at(created_at, data.category, data.priority), version=1)
    session.add(incident)
    try:
        session.flush()
        if idempotency_key:
            session.add(IdempotencyKey(key=idempotency_key, user_id=user.id, request_hash=request_hash(data),
                                       incident_id=incident.id, status_code=201))
            session.flush()
    except IntegrityError:
        # The same key or client_uuid arrived twice at once; the other request won.
        session.rollback()
        if (earlier := _replay(session, user=user, data=data, idempotency_key=idempotency_key)) is not None:
            return earlier
        raise
    _history(session, incident, user, "created", None, incident.status, created_at)
    publish(session, "incident.created", to_out(incident, now).model_dump(mode="json"))
    return incident, 201


_NOT_NULL = {"category", "priority", "lat", "lon", "address", "description", "source"}


def update_incident(session: Session, *, user: User, incident_id: int, patch: IncidentPatch,
                    expected_version: int) -> Incident:
    incident = get_incident(session, incident_id, for_update=True)
    _check_version(incident, expected_version)
    values = patch.model_dump(exclude_unset=True)
    if nulls := sorted(k for k, v in values.items() if v is None and k in _NOT_NULL):
        raise Unprocessable(f"{', '.join(nulls)} cannot be emptied (null); leave a field out to keep it", fields=nulls)
    if "description" in values:
        values["description"] = values["description"].strip()
        if not values["description"]:
            raise Unprocessable("description must not be blank", field="description")
    if "address" in values:
        values["address"] = values["address"].strip()
    changes = [(k, getattr(incident, k), v) for k, v in values.items() if getattr(incident, k) != v]
    if not changes:
        return incident
    for field, _, new in changes:
        setattr(incident, field, new)
    fields = {c[0] for c in changes}
    if fields & {"category", "priority"}:
        incident.priority_rank = PRIORITIES.index(incident.priority)
        due = sla.due_at(incident.created_at, incident.category, incident.priority)
        if due != incident.sla_due_at:
            changes.append(("sla_due_at", incident.sla_due_at, due))
            incident.sla_due_at = due
    if fields & {"description", "address"}:
        incident.search_text = _search_text(incident.description, incident.address)
    _changed(session, incident, user, changes, utcnow())
    return incident


def _note(session: Session, incident: Incident, user: User, text: str | None,
          changes: list[tuple[str, Any, Any]], now: datetime) -> None:
    """A reason given with an action becomes a comment, so people see why."""
    if text and text.strip():
        session.add(IncidentComment(incident_id=incident.id, user_id=user.id, author=user.username,
                                    text=text.strip(), created_at=now))
        incident.comment_count += 1
        changes.append(("comment", None, text.strip()[:200]))


def change_status(session: Session, *, user: User, incident_id: int, status: str, comment: str | None = None,
                  expected_version: int | None = None) -> Incident:
    incident = get_incident(session, incident_id, for_update=True)
    _check_version(incident, expected_version)
    old, number = incident.status, incident_number(incident.id)
    if status == old:
        raise Conflict(f"Incident {number} is already {old}", **{"from": old, "to": status})
    if status == "duplicate":
        raise Conflict(f"To mark incident {number} as a duplicate, say of which incident: "
                       f"use the mark-duplicate action", **{"from": old, "to": status})
    allowed = TRANSITIONS[old]
    if status not in allowed:
        raise Conflict(f"Incident {number} cannot go from {old} to {status}; from {old} it can go to "
                       f"{' or '.join(allowed)}", **{"from": old, "to": status, "allowed": list(allowed)})
    if (old, status) in REOPEN and not role_at_least(user, "supervisor"):
        raise Forbidden(f"Reopening a {old} incident needs the supervisor role; you are logged in as {user.role}")
    now = utcnow()
    changes: list[tuple[str, Any, Any]] = [("status", old, status)]
    incident.status = status
    if old == "duplicate":
        changes.append(("duplicate_of", incident.duplicate_of, None))
        incident.duplicate_of = None
    _note(session, incident, user, comment, changes, now)
    _changed(session, incident, user, changes, now)
    return incident


def assign(session: Session, *, user: User, incident_id: int, assignee: str | None, comment: str | None = None,
           expected_version: int | None = None) -> Incident:
    incident = get_incident(session, incident_id, for_update=True)
    _check_version(incident, expected_version)
    code = _service_code(session, assignee)
    changes: list[tuple[str, Any, Any]] = []
    now = utcnow()
    if code != incident.assignee:
        changes.append(("assignee", incident.assignee, code))
        incident.assignee = code
    _note(session, incident, user, comment, changes, now)
    if changes:
        _changed(session, incident, user, changes, now)
    return incident


def mark_duplicate(session: Session, *, user: User, incident_id: int, duplicate_of: int,
                   comment: str | None = None, expected_version: int | None = None) -> Incident:
    incident = get_incident(session, incident_id, for_update=True)
    _check_version(incident, expected_version)
    number = incident_number(incident.id)
    if duplicate_of == incident.id:
        raise Conflict(f"Incident {number} cannot be a duplicate of itself")
    original = session.get(Incident, duplicate_of)
    if original is None:
        raise NotFound("Incident", duplicate_of)
    if incident.status not in OPEN_STATUSES:
        raise Conflict(f"Incident {number} is {incident.status}; only a new, acknowledged or in-progress "
                       f"incident can be marked as a duplicate", current_status=incident.status)
    # Follow the original's own duplicate chain: it must not lead back here.
    cursor: Incident | None = original
    chain: list[int] = []
    while cursor is not None and cursor.id not in chain:
        if cursor.id == incident.id:
            raise Conflict(f"Incident {incident_number(duplicate_of)} is itself (through duplicates) a duplicate "
                           f"of {number}; marking would make a cycle", chain=chain)
        chain.append(cursor.id)
        cursor = session.get(Incident, cursor.duplicate_of) if cursor.duplicate_of else None
    now = utcnow()
    changes: list[tuple[str, Any, Any]] = [("status", incident.status, "duplicate"),
                                           ("duplicate_of", None, duplicate_of)]
    incident.status, incident.duplicate_of = "duplicate", duplicate_of
    _note(session, incident, user, comment, changes, now)
    _changed(session, incident, user, changes, now)
    return incident


def add_comment(session: Session, *, user: User, incident_id: int, text: str) -> IncidentComment:
    incident = get_incident(session, incident_id, for_update=True)
    if not text.strip():
        raise Unprocessable("A comment must not be blank", field="text")
    now = utcnow()
    comment = IncidentComment(incident_id=incident.id, user_id=user.id, author=user.username,
                              text=text.strip(), created_at=now)
    session.add(comment)
    incident.comment_count += 1
    _changed(session, incident, user, [("comment", None, text.strip()[:200])], now)
    return comment


def touch(session: Session, *, user: User, incident: Incident, changes: list[tuple[str, Any, Any]]) -> None:
    """For sibling modules (attachments): record changes, bump version, publish."""
    _changed(session, incident, user, changes, utcnow())


assert set(SOURCES) and set(TRANSITIONS) == set(STATUSES)
