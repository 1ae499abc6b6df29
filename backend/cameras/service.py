"""Camera registry and wall layouts: the rules; routers only translate HTTP."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.audit.service import record
from backend.auth.models import User
from backend.cameras.models import Camera, WallLayout
from backend.db import utcnow, contains
from backend.errors import Conflict, Forbidden, NotFound, Unprocessable
from backend.events.service import publish
from backend_client.schemas.cameras import TILE_COUNT, CameraCreate, CameraUpdate, WallLayoutCreate, WallLayoutUpdate, mask_url

log = logging.getLogger(__name__)
_URL_FIELDS = ("main_url", "sub_url")


def _event_payload(cam: Camera) -> dict[str, Any]:
    # No URLs: events are stored and fanned out; clients re-read the camera to get them.
    return {"id": cam.id, "name": cam.name, "area": cam.area, "enabled": cam.enabled,
            "recording": cam.recording, "lat": cam.lat, "lon": cam.lon}


def _for_audit(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (mask_url(v) if k in _URL_FIELDS else v) for k, v in changes.items()}


def list_cameras(session: Session, *, area: str | None = None, q: str | None = None,
                 enabled: bool | None = None) -> list[Camera]:
    stmt = select(Camera).where(Camera.deleted_at.is_(None)).order_by(Camera.area, Camera.name)
    if area:
        stmt = stmt.where(Camera.area == area)
    if q:
        stmt = stmt.where(contains(Camera.name, q))
    if enabled is not None:
        stmt = stmt.where(Camera.enabled == enabled)
    return list(session.scalars(stmt))


def get_camera(session: Session, camera_id: int, *, include_deleted: bool = False) -> Camera:
    """The camera; a deleted one only with include_deleted (its archive stays reviewable)."""
    cam = session.get(Camera, camera_id)
    if cam is None or (cam.deleted_at is not None and not include_deleted):
        raise NotFound("Camera", camera_id)
    return cam


def _check_name_free(session: Session, name: str, exclude_id: int | None = None) -> None:
    other = session.scalar(select(Camera).where(Camera.name == name, Camera.deleted_at.is_(None)))
    if other is not None and other.id != exclude_id:
        raise Conflict(f"A camera named “{name}” already exists", field="name", id=other.id)


def create_camera(session: Session, *, user: User | None, data: CameraCreate) -> Camera:
    _check_name_free(session, data.name)
    values = data.model_dump()
    values["sub_url"] = values["sub_url"] or values["main_url"]
    cam = Camera(**values, created_at=utcnow(), updated_at=utcnow())
    session.add(cam)
    session.flush()
    record(session, user=user, action="camera.create", target=f"camera:{cam.id}", details=_for_audit(values))
    publish(session, "camera.created", _event_payload(cam))
    log.info("camera %s created: %s", cam.id, mask_url(cam.main_url))
    return cam


def update_camera(session: Session, *, user: User | None, camera_id: int, data: CameraUpdate) -> Camera:
    cam = get_camera(session, camera_id)
    changes = data.model_dump(exclude_unset=True)
    for required in ("name", "lat", "lon", "main_url", "enabled", "recording", "retention_days"):
        if required in changes and changes[required] is None:
            raise Unprocessable(f"{required} cannot be empty", field=required)
    if changes.get("sub_url", "") is None:
        changes["sub_url"] = changes.get("main_url") or cam.main_url
    if "name" in changes:
        _check_name_free(session, changes["name"], exclude_id=cam.id)
    changed = {k: v for k, v in changes.items() if getattr(cam, k) != v}
    if not changed:
        return cam
    for k, v in changed.items():
        setattr(cam, k, v)
    cam.updated_at = utcnow()
    record(session, user=user, action="camera.update", target=f"camera:{cam.id}", details=_for_audit(changed))
    publish(session, "camera.updated", _event_payload(cam) | {"changed": sorted(changed)})
    return cam


def delete_camera(session: Session, *, user: User | None, camera_id: int) -> None:
    """Take a camera out of service for good, keeping its evidence.

    A soft delete rather than a DELETE: the foreign keys of segments, bookmarks, locks and exports
    cascade, so a DELETE silently dropped the archive's index and its evidence locks, and SQLite
    (no AUTOINCREMENT on this table) then gave the next camera the same id, so old audit entries and
    manifests named a different camera. Rebuilding the table with AUTOINCREMENT on SQLite would
    itself fire those cascades; keeping the row needs no rebuild and works on both databases.
    Recordings stay until retention removes them; evidence under lock refuses the deletion."""
    from backend.recordings.service import camera_evidence  # recordings builds on cameras, not back

    cam = get_camera(session, camera_id)
    evidence = camera_evidence(session, camera_id)
    if evidence["locks"]:
        raise Conflict(f"Camera “{cam.name}” has {evidence['locks']} evidence lock(s) on its recordings; "
                       "release them (with a reason) before deleting the camera", id=cam.id, **evidence)
    record(session, user=user, action="camera.delete", target=f"camera:{cam.id}",
           details={"name": cam.name, "kept": evidence, "main_url": mask_url(cam.main_url)})
    publish(session, "camera.deleted", {"id": cam.id, "name": cam.name})
    for lay in session.scalars(select(WallLayout)):  # layouts keep their shape, the tile goes empty
        if camera_id in lay.tiles:
            lay.tiles = [None if t == camera_id else t for t in lay.tiles]
    suffix = f" (deleted #{cam.id})"
    cam.name = cam.name[:120 - len(suffix)] + suffix  # the name is free for a new camera
    cam.enabled = cam.recording = False  # the recorder lets go of it
    cam.deleted_at = cam.updated_at = utcnow()


# ------------------------------------------------------------------ wall layouts

def list_layouts(session: Session, *, user: User) -> list[WallLayout]:
    stmt = (select(WallLayout).where(or_(WallLayout.owner_id == user.id, WallLayout.shared.is_(True)))
            .order_by(WallLayout.name, WallLayout.id))
    return list(session.scalars(stmt))


def _check_tiles(session: Session, grid: str, tiles: list[int | None]) -> list[int | None]:
    if len(tiles) > TILE_COUNT[grid]:
        raise Unprocessable(f"The {grid} layout has {TILE_COUNT[grid]} tiles, not {len(tiles)}", field="tiles")
    wanted = {t for t in tiles if t is not None}
    if wanted:
        known = set(session.scalars(select(Camera.id).where(Camera.id.in_(wanted), Camera.deleted_at.is_(None))))
        missing = sorted(wanted - known)
        if missing:
            raise Unprocessable(f"No such camera: {', '.join(map(str, missing))}", field="tiles", missing=missing)
    return list(tiles)


def _check_layout_name(session: Session, owner_id: int, name: str, exclude_id: int | None = None) -> None:
    other = session.scalar(select(WallLayout).where(WallLayout.owner_id == owner_id, WallLayout.name == name))
    if other is not None and other.id != exclude_id:
        raise Conflict(f"You already have a layout named “{name}”", field="name", id=other.id)


def _layout_event(session: Session, lay: WallLayout, what: str) -> None:
    # A private layout's name is its owner's; a shared one is everyone's.
    publish(session, f"camera.layout_{what}", {"id": lay.id, "name": lay.name, "owner_id": lay.owner_id,
                                                "shared": lay.shared}, owner_id=None if lay.shared else lay.owner_id)


def create_layout(session: Session, *, user: User, data: WallLayoutCreate) -> WallLayout:
    _check_layout_name(session, user.id, data.name)
    lay = WallLayout(name=data.name, grid=data.grid, tiles=_check_tiles(session, data.grid, data.tiles),
                     shared=data.shared, owner_id=user.id, owner=user.username, updated_at=utcnow())
    session.add(lay)
    session.flush()
    _layout_event(session, lay, "saved")
    return lay


def _own_layout(session: Session, user: User, layout_id: int) -> WallLayout:
    lay = session.get(WallLayout, layout_id)
    if lay is None or (lay.owner_id != user.id and not lay.shared):
        raise NotFound("Layout", layout_id)
    if lay.owner_id != user.id and user.role != "admin":
        raise Forbidden(f"The layout “{lay.name}” belongs to {lay.owner}; save a copy under your own name")
    return lay


def update_layout(session: Session, *, user: User, layout_id: int, data: WallLayoutUpdate) -> WallLayout:
    lay = _own_layout(session, user, layout_id)
    changes = data.model_dump(exclude_unset=True)
    for k in ("name", "grid", "tiles", "shared"):
        if k in changes and changes[k] is None:
            raise Unprocessable(f"{k} cannot be empty", field=k)
    if "name" in changes:
        _check_layout_name(session, lay.owner_id, changes["name"], exclude_id=lay.id)
    grid = changes.get("grid", lay.grid)
    tiles = changes.get("tiles", lay.tiles)
    if "grid" in changes and "tiles" not in changes:
        tiles = tiles[:TILE_COUNT[grid]]
    changes["tiles"] = _check_tiles(session, grid, tiles)
    for k, v in changes.items():
        setattr(lay, k, v)
    lay.updated_at = utcnow()
    _layout_event(session, lay, "saved")
    return lay


def delete_layout(session: Session, *, user: User, layout_id: int) -> None:
    lay = _own_layout(session, user, layout_id)
    _layout_event(session, lay, "deleted")
    session.delete(lay)
