"""GET /api/v1/health: up or not for anyone; with ?details=1, for admins, what runs where and how full."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import text

from backend.app import VERSION
from backend.auth.deps import current_user, oauth2
from backend.db import Base
from backend.duties import holders, lease_key
from backend.errors import Forbidden
from backend_client.schemas.deployment import AreaSize, DutyState, HealthDetails, HealthOut

details_router = APIRouter(tags=["health"])


async def _admin_if_details(request: Request, token: Annotated[str | None, Depends(oauth2)],
                            details: Annotated[bool, Query(description="admins: sizes, duties, ingest")] = False):
    if not details:
        return None
    with request.app.state.sessionmaker() as session:
        user = await current_user(request, session, token)
    if user.role != "admin":
        raise Forbidden("Only an administrator may see the deployment's details")
    return user


@details_router.get("/api/v1/health", response_model=HealthOut, operation_id="health")
def health(request: Request, admin=Depends(_admin_if_details)) -> HealthOut:
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        db = "ok"
    except Exception as exc:  # health must answer even when the database does not
        db = f"error: {type(exc).__name__}"
    out = HealthOut(status="ok" if db == "ok" else "degraded", version=VERSION, database=db,
                    time=datetime.now(timezone.utc).isoformat())
    if admin is not None:
        out.details = details(request.app, db_ok=db == "ok")
    return out


def _areas(app) -> dict[str, str]:
    """{table: domain} from the domains' model modules."""
    modules = {m: d.name for d in app.state.domains for m in d.models}
    owner: dict[str, str] = {}
    for mapper in Base.registry.mappers:
        area = modules.get(mapper.class_.__module__)
        for table in mapper.tables:
            owner.setdefault(table.name, area or "other")
    return owner


def _sizes(engine, tables: list[str]) -> tuple[int | None, dict[str, int | None]]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            total = conn.scalar(text("SELECT pg_database_size(current_database())"))
            rows = conn.execute(text("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')")).all()
            found = {name: int(size) for name, size in rows}
            return int(total), {t: found.get(t) for t in tables}
        total = conn.scalar(text("PRAGMA page_count")) * conn.scalar(text("PRAGMA page_size"))
        try:  # dbstat is compiled into most SQLite builds, not all
            found = dict(conn.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")).all())
        except Exception:
            found = {}
        return int(total), {t: (int(found[t]) if t in found else None) for t in tables}


def details(app, *, db_ok: bool) -> HealthDetails:
    from backend.events.router import stream_counts

    settings = app.state.settings
    owner = _areas(app)
    total, sizes = _sizes(app.state.engine, sorted(owner)) if db_ok else (None, {t: None for t in owner})
    areas: dict[str, dict[str, int | None]] = {}
    for table, area in owner.items():
        areas.setdefault(area, {})[table] = sizes.get(table)
    media = settings.resolved_media_dir
    disk = shutil.disk_usage(media)
    writer = getattr(app.state, "telemetry_writer", None)
    ingest: dict[str, float | int | None] = {}
    if writer is not None:
        ingest = {k: v for k, v in writer.process_stats().items() if isinstance(v, (int, float)) or v is None}
    try:
        held = holders(app.state.engine) if db_ok else {}
    except Exception:
        held = {}
    duties = []
    for duty in app.state.duties:
        if app.state.engine.dialect.name == "postgresql":
            holder = held.get(lease_key(duty.name))
        else:
            holder = settings.instance_name if duty.held else None
        since = datetime.fromtimestamp(duty.acquired_at, timezone.utc).isoformat() if duty.held else None
        duties.append(DutyState(name=duty.name, holder=holder, held_here=duty.held, since=since))
    open_now, opened = stream_counts()
    return HealthDetails(
        instance=settings.instance_name, database_dialect=app.state.engine.dialect.name, database_bytes=total,
        areas=[AreaSize(area=a, bytes=(sum(v for v in t.values() if v) if any(v is not None for v in t.values())
                                       else None), tables=t) for a, t in sorted(areas.items())],
        media_dir=str(media), media_free_bytes=disk.free, media_total_bytes=disk.total, ingest=ingest,
        duties=duties, desktops_connected=open_now, event_streams_total=opened)
