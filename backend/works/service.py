"""The permit registry: list, create, edit, import (all or nothing), summary; every change audited."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.db import utcnow, contains
from backend.errors import AppError, NotFound, PreconditionFailed, Unprocessable
from backend.events.service import publish
from backend.works.check import CITY_TZ
from backend.works.models import Permit
from backend_client.schemas.works import (PERMIT_STATUSES, ImportResult, ImportRowError, PermitCreate, PermitOut,
                                          PermitPatch, WorksSummary)

MAX_IMPORT_BYTES = 20 * 1024 * 1024
OPEN_STATUSES = ("applied", "granted", "suspended", "expired")  # works not closed yet


def city_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(CITY_TZ).date()


def to_out(permit: Permit, today: date | None = None) -> PermitOut:
    out = PermitOut.model_validate(permit)
    today = today or city_today()
    out.restoration_overdue = bool(permit.restore_by and permit.restore_by < today and permit.status != "closed")
    return out


def _event(session: Session, what: str, permit: Permit) -> None:
    publish(session, f"works.permit_{what}", to_out(permit).model_dump(mode="json"))


def get_permit(session: Session, permit_id: int) -> Permit:
    permit = session.get(Permit, permit_id)
    if permit is None:
        raise NotFound("Permit", permit_id)
    return permit


def list_permits(session: Session, *, status: list[str] | None = None, q: str | None = None,
                 limit: int = 5000) -> list[PermitOut]:
    query = select(Permit).order_by(Permit.valid_to.desc(), Permit.id.desc()).limit(limit)
    codes = [c.strip() for raw in status or [] for c in raw.split(",") if c.strip()]
    if bad := [c for c in codes if c not in PERMIT_STATUSES]:
        raise Unprocessable(f"Unknown permit status {', '.join(bad)}; known: {', '.join(PERMIT_STATUSES)}",
                            field="status")
    if codes:
        query = query.where(Permit.status.in_(codes))
    if q and q.strip():
        text = q.strip()
        query = query.where(or_(contains(Permit.number, text), contains(Permit.contractor, text),
                                contains(Permit.address, text)))
    today = city_today()
    return [to_out(p, today) for p in session.scalars(query)]


def _fields(data: PermitCreate) -> dict[str, Any]:
    values = data.model_dump(mode="python")
    values["documents"] = [d.model_dump() for d in data.documents]
    return values


def create_permit(session: Session, *, user, data: PermitCreate) -> Permit:
    if session.scalar(select(Permit.id).where(Permit.number == data.number)) is not None:
        raise AppError(409, "conflict", f"Permit {data.number} is already in the registry; edit it instead",
                       number=data.number)
    now = utcnow()
    permit = Permit(**_fields(data), version=1, created_at=now, updated_at=now,
                    closed_at=now if data.status == "closed" else None)
    session.add(permit)
    session.flush()
    record(session, user=user, action="works.permit.create", target=f"permit:{permit.id}",
           details={"number": permit.number, "status": permit.status})
    _event(session, "created", permit)
    return permit


def update_permit(session: Session, *, user, permit_id: int, patch: PermitPatch) -> Permit:
    permit = session.get(Permit, permit_id, with_for_update=True)
    if permit is None:
        raise NotFound("Permit", permit_id)
    if patch.version is not None and patch.version != permit.version:
        raise PreconditionFailed(f"Permit {permit.number} was changed by someone else meanwhile (you edited "
                                 f"version {patch.version}, it is now {permit.version}); reload it",
                                 current_version=permit.version)
    values = patch.model_dump(exclude_unset=True, exclude={"version"})
    if "documents" in values and values["documents"] is not None:
        values["documents"] = [dict(d) for d in values["documents"]]
    if nulls := [k for k, v in values.items() if v is None and k not in ("restore_by", "licence_until")]:
        raise Unprocessable(f"{', '.join(nulls)} cannot be emptied; leave a field out to keep it", fields=nulls)
    # Re-validate the whole permit as it would be after the change (hours order, dates).
    merged = {**to_out(permit).model_dump(), **values}
    try:
        PermitCreate.model_validate({k: merged[k] for k in PermitCreate.model_fields})
    except ValidationError as exc:
        raise Unprocessable(_first_error(exc), field=",".join(values)) from None
    changes = {k: [_plain(getattr(permit, k)), _plain(v)] for k, v in values.items() if getattr(permit, k) != v}
    if not changes:
        return permit
    for k, v in values.items():
        setattr(permit, k, v)
    now = utcnow()
    if "status" in changes and permit.status == "closed":
        permit.closed_at = now
    permit.version += 1
    permit.updated_at = now
    session.flush()
    record(session, user=user, action="works.permit.update", target=f"permit:{permit.id}",
           details={"number": permit.number, "changes": changes})
    _event(session, "updated", permit)
    return permit


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (date, datetime)) else v


def _first_error(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors():
        field = ".".join(str(p) for p in e.get("loc", ()))
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{field}: {msg}" if field else msg)
    return "; ".join(parts)


# ---------------------------------------------------------------- import

CSV_COLUMNS = ("number", "purpose", "contractor", "contractor_inn", "licence_until", "responsible",
               "responsible_phone", "geometry", "width_m", "radius_m", "valid_from", "valid_to", "hours_from",
               "hours_to", "status", "restore_by", "address", "description", "kind", "documents")
REQUIRED_CSV = ("number", "contractor", "contractor_inn", "geometry", "valid_from", "valid_to")


def _row_to_fields(row: dict[str, Any]) -> dict[str, Any]:
    """A registry row's text cells as PermitCreate input (empty cells mean 'not given')."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or key not in CSV_COLUMNS:
            continue
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                continue
        if key == "geometry" and isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                value = _wkt(value)
        elif key == "documents" and isinstance(value, str):
            value = [{"name": d.strip(), "url": ""} for d in value.split(";") if d.strip()]
        out[key] = value
    return out


def _wkt(text: str) -> Any:
    import shapely
    from shapely.geometry import mapping

    try:
        return mapping(shapely.from_wkt(text))
    except Exception:  # shapely raises its own GEOSException for bad text
        raise ValueError("geometry is neither GeoJSON nor WKT") from None


def _validate_rows(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[PermitCreate], list[ImportRowError]]:
    good, errors, seen = [], [], {}
    for line, raw in rows:
        number = str(raw.get("number") or "").strip()
        try:
            data = PermitCreate.model_validate(_row_to_fields(raw))
        except ValidationError as exc:
            errors.append(ImportRowError(line=line, number=number, message=_first_error(exc)))
            continue
        except ValueError as exc:
            errors.append(ImportRowError(line=line, number=number, message=str(exc)))
            continue
        if data.number in seen:
            errors.append(ImportRowError(line=line, number=number,
                                         message=f"permit {data.number} appears again (first on line {seen[data.number]})"))
            continue
        seen[data.number] = line
        good.append(data)
    return good, errors


def parse_csv(body: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable("The CSV file is not UTF-8 text") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip() for h in reader.fieldnames or []]
    if missing := [c for c in REQUIRED_CSV if c not in header]:
        raise Unprocessable(f"The CSV header lacks the columns {', '.join(missing)}; it needs at least "
                            f"{', '.join(REQUIRED_CSV)}", missing=missing)
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))
    return rows


def parse_geojson(body: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        doc = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unprocessable(f"The file is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise Unprocessable("A GeoJSON import must be a FeatureCollection")
    rows = []
    for i, feature in enumerate(doc["features"], start=1):
        if not isinstance(feature, dict):
            rows.append((i, {}))
            continue
        props = dict(feature.get("properties") or {})
        props["geometry"] = feature.get("geometry")
        rows.append((i, props))
    return rows


def import_permits(session: Session, *, user, body: bytes, fmt: str) -> ImportResult:
    """Create or update (by number) every permit of the file, or none when any row is bad."""
    if len(body) > MAX_IMPORT_BYTES:
        raise AppError(413, "too_large", f"An import file may be at most {MAX_IMPORT_BYTES // 1024 // 1024} MB")
    if fmt not in ("csv", "geojson"):
        raise Unprocessable("format must be csv or geojson", field="format")
    rows = parse_csv(body) if fmt == "csv" else parse_geojson(body)
    if not rows:
        raise Unprocessable("The file holds no permits")
    good, errors = _validate_rows(rows)
    if errors:
        result = ImportResult(created=0, updated=0, errors=errors)
        raise Unprocessable(f"{len(errors)} of {len(rows)} rows are bad; nothing was imported",
                            **result.model_dump(mode="json"))
    existing = {p.number: p for p in session.scalars(select(Permit).where(Permit.number.in_([d.number for d in good])))}
    created = updated = 0
    now = utcnow()
    for data in good:
        permit = existing.get(data.number)
        if permit is None:
            permit = Permit(**_fields(data), version=1, created_at=now, updated_at=now,
                            closed_at=now if data.status == "closed" else None)
            session.add(permit)
            created += 1
        else:
            for k, v in _fields(data).items():
                setattr(permit, k, v)
            permit.version += 1
            permit.updated_at = now
            updated += 1
    session.flush()
    record(session, user=user, action="works.permit.import", target="permits",
           details={"format": fmt, "created": created, "updated": updated, "rows": len(rows)})
    publish(session, "works.permits_imported", {"created": created, "updated": updated})
    return ImportResult(created=created, updated=updated)


# ---------------------------------------------------------------- overview and duties

def summary(session: Session, *, now: datetime | None = None) -> WorksSummary:
    now = now or utcnow()
    today = city_today(now)
    by_status = {s: 0 for s in PERMIT_STATUSES}
    expiring, overdue = [], []
    week_end = now + timedelta(days=7)
    for p in session.scalars(select(Permit).order_by(Permit.valid_to)):
        by_status[p.status] = by_status.get(p.status, 0) + 1
        out = to_out(p, today)
        if p.status == "granted" and now <= p.valid_to <= week_end:
            expiring.append(out)
        if out.restoration_overdue:
            overdue.append(out)
    return WorksSummary(by_status=by_status, expiring_this_week=expiring, restoration_overdue=overdue)


def expire_due(session: Session, *, user, now: datetime | None = None) -> list[Permit]:
    """Granted or suspended permits past their end become expired (audited under the duty's account)."""
    now = now or utcnow()
    due = list(session.scalars(select(Permit).where(Permit.status.in_(("granted", "suspended")),
                                                    Permit.valid_to < now)))
    for p in due:
        update_permit(session, user=user, permit_id=p.id, patch=PermitPatch(status="expired"))
    return due


def restoration_overdue(session: Session, *, now: datetime | None = None) -> list[Permit]:
    today = city_today(now)
    return list(session.scalars(select(Permit).where(Permit.restore_by < today, Permit.status != "closed")))


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
