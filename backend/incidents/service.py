"""Incidents: create (idempotent), list, edit with optimistic concurrency, lifecycle, history."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.audit.service import record as audit
from backend.auth.models import User
from backend.auth.roles import role_at_least
from backend.db import utcnow
from backend.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from backend.events.service import publish
from backend.incidents import sla
from backend.incidents.models import CityService, Incident, IncidentComment, IncidentHistory
from backend_client.schemas.incidents import (CATEGORY_NAMES, OPEN_STATUSES, PRIORITIES, REOPEN, SOURCES, STATUSES,
                                              TRANSITIONS, UNDO_WINDOW_S, CategoryOut, IncidentCreate, IncidentOut, IncidentPatch,
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


def add_city_service(session: Session, *, code: str, name: str, phone: str, categories: list[str]) -> CityService:
    """The city service with this code, made active if it is new (an existing one is left as it is)."""
    service = session.get(CityService, code)
    if service is None:
        service = CityService(code=code, name=name, phone=phone, categories=categories, active=True)
        session.add(service)
        session.flush()
    return service


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
_C = Incident.__table__.c
_SORTS = {
    "created_at": (_C.created_at.asc(), _C.id.asc()),
    "-created_at": (_C.created_at.desc(), _C.id.desc()),
    # "priority" means most urgent first, then newest.
    "priority": (_C.priority_rank.asc(), _C.created_at.desc(), _C.id.desc()),
    "-priority": (_C.priority_rank.desc(), _C.created_at.desc(), _C.id.desc()),
    "sla_due_at": (_C.sla_due_at.asc(), _C.id.asc()),
    "-sla_due_at": (_C.sla_due_at.desc(), _C.id.desc()),
    "updated_at": (_C.updated_at.asc(), _C.id.asc()),
    "-updated_at": (_C.updated_at.desc(), _C.id.desc()),
}


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_incidents(session: Session, *, status: list[str] | None = None, category: list[str] | None = None,
                   priority: list[str] | None = None, q: str | None = None, since: datetime | None = None,
                   until: datetime | None = None, bbox: str | None = None, overdue: bool | None = None,
                   assignee: str | None = None, sort: str = "-created_at", offset: int = 0,
                   limit: int = 50) -> tuple[list[dict[str, Any]], int]:
    """A page of incidents as wire dicts (see row_to_wire) and the number of all that match."""
    if sort not in _SORTS:
        raise Unprocessable(f"Unknown sort {sort!r}; use one of {', '.join(_SORTS)}", field="sort")
    params: dict[str, Any] = {"offset": offset, "limit": limit}
    if statuses := _codes(status, STATUSES, "status"):
        params["status"] = statuses
    if categories := _codes(category, list(CATEGORY_NAMES), "category"):
        params["category"] = categories
    if priorities := _codes(priority, PRIORITIES, "priority"):
        params["rank"] = sorted({PRIORITIES.index(p) for p in priorities})
    text_kind = None
    if q and q.strip():
        text = q.strip()
        m = _NUMBER.fullmatch(text)
        if m:
            params["qid"] = int(m.group(2))
        if m and m.group(1):  # "И-000123": that incident, by key
            text_kind = "id"
        else:  # text, or bare digits: the number or a house number in the text
            text_kind = "id_or_like" if m else "like"
            params["like"] = f"%{_like_escape(text.casefold())}%"
    if since := _utc(since):
        params["since"] = since
    if until := _utc(until):
        params["until"] = until
    if box := parse_bbox(bbox):
        params["min_lon"], params["min_lat"], params["max_lon"], params["max_lat"] = box
    if overdue is not None:
        params["now"] = utcnow()
    if assignee:
        params["assignee"] = assignee
    total_q, page_q = _list_statements(frozenset(params), text_kind, overdue, sort)
    # Core statements, built once per shape of filter and run with parameters: building and
    # adapting a fresh ORM statement per request cost more than the queries themselves.
    conn = session.connection()
    rows = conn.execute(page_q, params).all()
    if rows:
        total = rows[0][-1]  # the count rides along as the page query's last column
    else:  # nothing on this page: there may still be matches before it
        total = (conn.execute(total_q, params).scalar() or 0) if offset else 0
    now = utcnow()
    return [row_to_wire(row, now) for row in rows], total


_OUT_COLUMNS = [_C.id, _C.client_uuid, _C.category, _C.priority, _C.status, _C.duplicate_of, _C.lat, _C.lon,
                _C.address, _C.description, _C.source, _C.assignee, _C.created_by, _C.created_at, _C.updated_at,
                _C.sla_due_at, _C.version, _C.comment_count, _C.attachment_count]


@functools.lru_cache(maxsize=512)
def _list_statements(names: frozenset[str], text_kind: str | None, overdue: bool | None, sort: str):
    """(count, page) statements for one shape of filter; the values come as bound parameters."""
    conds: list[ColumnElement[bool]] = []
    if "status" in names:
        conds.append(_C.status.in_(bindparam("status", expanding=True)))
    if "category" in names:
        conds.append(_C.category.in_(bindparam("category", expanding=True)))
    if "rank" in names:
        # By rank, so the (…, priority_rank, …) indexes answer it without reading rows.
        conds.append(_C.priority_rank.in_(bindparam("rank", expanding=True)))
    if text_kind == "id":
        conds.append(_C.id == bindparam("qid"))
    elif text_kind is not None:
        like = _C.search_text.like(bindparam("like"), escape="\\")
        conds.append(or_(_C.id == bindparam("qid"), like) if text_kind == "id_or_like" else like)
    if "since" in names:
        conds.append(_C.created_at >= bindparam("since"))
    if "until" in names:
        conds.append(_C.created_at < bindparam("until"))
    if "min_lon" in names:
        conds += [_C.lat.between(bindparam("min_lat"), bindparam("max_lat")),
                  _C.lon.between(bindparam("min_lon"), bindparam("max_lon"))]
    if overdue is not None:
        late = and_(_C.status.in_(OPEN_STATUSES), _C.sla_due_at < bindparam("now"))
        conds.append(late if overdue else not_(late))
    if "assignee" in names:
        conds.append(_C.assignee == bindparam("assignee"))
    total_q = select(func.count()).select_from(Incident.__table__)
    ids_q = select(_C.id)
    if conds:
        total_q, ids_q = total_q.where(*conds), ids_q.where(*conds)
    order = _SORTS[sort]
    # The page's ids are picked in a subquery that filter and sort answer from indexes alone;
    # only those rows are then read, in the same statement.
    page = ids_q.order_by(*order).offset(bindparam("offset")).limit(bindparam("limit")).subquery()
    # One statement for the page and the number of all matches (an uncorrelated subquery, run
    # once): one round trip to a database server instead of two.
    page_q = select(*_OUT_COLUMNS, total_q.scalar_subquery().correlate(None).label("total"))
    return total_q, page_q.join(page, _C.id == page.c.id).order_by(*order)


def row_to_wire(row: Any, now: datetime) -> dict[str, Any]:
    """The JSON-ready dict of IncidentOut (same keys, same order) from a row of _OUT_COLUMNS.

    Lists skip pydantic models per row: the database already guarantees what validation would
    check, and pydantic_core.to_json writes datetimes and UUIDs exactly as IncidentOut does
    (tests/backend/test_incidents.py compares a list item with GET of the same incident)."""
    (id_, client_uuid, category, priority, status, duplicate_of, lat, lon, address, description, source,
     assignee, created_by, created_at, updated_at, sla_due_at, version, comment_count, attachment_count,
     *_total) = row
    return {"id": id_, "client_uuid": client_uuid, "number": incident_number(id_), "category": category,
            "priority": priority, "status": status, "duplicate_of": duplicate_of, "lat": lat, "lon": lon,
            "address": address, "description": description, "source": source, "assignee": assignee,
            "created_by": created_by, "created_at": created_at, "updated_at": updated_at, "sla_due_at": sla_due_at,
            "overdue": sla.is_overdue(status, sla_due_at, now), "version": version,
            "comment_count": comment_count, "attachment_count": attachment_count}


def find_incidents(session: Session, *, source: str | None = None, ids: list[int] | None = None,
                   categories: list[str] | None = None, statuses: tuple[str, ...] | list[str] | None = None,
                   since: datetime | None = None, until: datetime | None = None,
                   limit: int = 1000) -> list[IncidentOut]:
    """Incidents by plain criteria, newest first: for other domains (Open311), which never query the table."""
    q = select(Incident)
    if source is not None:
        q = q.where(Incident.source == source)
    if ids:
        q = q.where(Incident.id.in_(ids))
    if categories:
        q = q.where(Incident.category.in_(categories))
    if statuses:
        q = q.where(Incident.status.in_(statuses))
    if since is not None:
        q = q.where(Incident.created_at >= since)
    if until is not None:
        q = q.where(Incident.created_at < until)
    now = utcnow()
    return [to_out(i, now) for i in session.scalars(q.order_by(Incident.created_at.desc()).limit(limit))]


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


def _replay(session: Session, *, data: IncidentCreate) -> tuple[Incident, int] | None:
    """The incident already made with this client_uuid (and 200), or None when it is new."""
    if data.client_uuid is not None:
        existing = session.scalar(select(Incident).where(Incident.client_uuid == str(data.client_uuid)))
        if existing is not None:
            return existing, 200
    return None


def create_incident(session: Session, *, user: User, data: IncidentCreate,
                    created_at: datetime | None = None) -> tuple[Incident, int]:
    """The new incident and 201, or the one already made with this client_uuid and 200.

    A repeated request with the same Idempotency-Key is answered before this (idempotency.py)."""
    if (earlier := _replay(session, data=data)) is not None:
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
    except IntegrityError:
        # The same client_uuid arrived twice at once; the other request won.
        session.rollback()
        if (earlier := _replay(session, data=data)) is not None:
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
                  expected_version: int | None = None, at: datetime | None = None) -> Incident:
    """`at` (default now) is when it happened: imports and the demo's past give earlier times."""
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
    now = at or utcnow()
    changes: list[tuple[str, Any, Any]] = [("status", old, status)]
    incident.status = status
    if old == "duplicate":
        changes.append(("duplicate_of", incident.duplicate_of, None))
        incident.duplicate_of = None
    _note(session, incident, user, comment, changes, now)
    _changed(session, incident, user, changes, now)
    return incident


def undo_status(session: Session, *, user: User, incident_id: int, status: str, expected_version: int,
                now: datetime | None = None) -> Incident:
    """Take back the user's own status change if it is the incident's last change and still fresh.

    The transition rules do not apply (acknowledged → new is no move anyone makes on purpose), so
    the guards are: the version the user saw (If-Match), the same user, nothing changed since,
    ``status`` equal to the status before, and UNDO_WINDOW_S. Audited besides the history.
    """
    incident = get_incident(session, incident_id, for_update=True)
    _check_version(incident, expected_version)
    number, now = incident_number(incident.id), now or utcnow()
    rows = session.scalars(select(IncidentHistory).where(IncidentHistory.incident_id == incident.id)
                           .order_by(IncidentHistory.id.desc()).limit(8)).all()
    last = [r for r in rows if rows and (r.at, r.user_id) == (rows[0].at, rows[0].user_id)]
    change = next((r for r in last if r.field == "status"), None)
    if change is None or change.new != incident.status:
        raise Conflict(f"The last change of incident {number} was not a change of its status; nothing to undo",
                       current_status=incident.status)
    if change.user_id != user.id:
        raise Forbidden(f"Only {change.who}, who changed the status of incident {number}, can undo it")
    age = (now - _aware(change.at)).total_seconds()
    if age > UNDO_WINDOW_S:
        raise Conflict(f"Too late to undo: the status of incident {number} changed {int(age)} s ago; "
                       f"a change can be undone within {UNDO_WINDOW_S} s", age_s=int(age))
    if status != change.old:
        raise Conflict(f"Your last change took incident {number} from {change.old}, not from {status}",
                       **{"from": change.old, "to": status})
    changes: list[tuple[str, Any, Any]] = [("status", incident.status, change.old)]
    incident.status = change.old
    for r in last:
        if r.field == "duplicate_of":  # marking as a duplicate set it (or reopening cleared it): put it back
            old_dup = int(r.old) if r.old else None
            changes.append(("duplicate_of", incident.duplicate_of, old_dup))
            incident.duplicate_of = old_dup
    audit(session, user=user, action="incident.status_undo", target=number,
          details={"from": change.new, "to": change.old, "changed_at": _aware(change.at).isoformat()})
    _changed(session, incident, user, changes, now)
    return incident


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def assign(session: Session, *, user: User, incident_id: int, assignee: str | None, comment: str | None = None,
           expected_version: int | None = None, at: datetime | None = None) -> Incident:
    incident = get_incident(session, incident_id, for_update=True)
    _check_version(incident, expected_version)
    code = _service_code(session, assignee)
    changes: list[tuple[str, Any, Any]] = []
    now = at or utcnow()
    if code != incident.assignee:
        changes.append(("assignee", incident.assignee, code))
        incident.assignee = code
    _note(session, incident, user, comment, changes, now)
    if changes:
        _changed(session, incident, user, changes, now)
    return incident


def mark_duplicate(session: Session, *, user: User, incident_id: int, duplicate_of: int,
                   comment: str | None = None, expected_version: int | None = None,
                   at: datetime | None = None) -> Incident:
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
    now = at or utcnow()
    changes: list[tuple[str, Any, Any]] = [("status", incident.status, "duplicate"),
                                           ("duplicate_of", None, duplicate_of)]
    incident.status, incident.duplicate_of = "duplicate", duplicate_of
    _note(session, incident, user, comment, changes, now)
    _changed(session, incident, user, changes, now)
    return incident


def add_comment(session: Session, *, user: User, incident_id: int, text: str,
                at: datetime | None = None) -> IncidentComment:
    incident = get_incident(session, incident_id, for_update=True)
    if not text.strip():
        raise Unprocessable("A comment must not be blank", field="text")
    now = at or utcnow()
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
