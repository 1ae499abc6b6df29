"""The archive's rules: what was recorded, who may play it and why, bookmarks, locks, exports."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from backend.audit.models import AuditEntry
from backend.audit.service import record
from backend.auth.models import User
from backend.cameras.service import get_camera
from backend.db import utcnow
from backend.errors import AppError, BadRequest, Forbidden, NotFound
from backend.events.service import publish
from backend.recordings.models import Bookmark, CameraEvent, EvidenceLock, RecordingExport, RecordingQuota, Segment
from backend_client.schemas.recordings import (MAX_WINDOW, BookmarkCreate, ExportCreate, LockCreate, PlaybackOut,
                                               PlaybackStart, Timeline, TimeRange)

PLAYBACK_ACTION = "recording.playback"
PLAYBACK_TTL = timedelta(hours=12)   # a playback's permission to fetch segments
CONTIGUOUS = timedelta(seconds=1.5)  # segments closer than this make one recorded range


def _window(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise BadRequest("times must carry a time zone (e.g. 2026-11-27T10:00:00Z)")
    if end <= start:
        raise BadRequest("end must be after start")
    if end - start > MAX_WINDOW:
        raise BadRequest("the window is at most 8 days wide")


def segments_in(session: Session, camera_id: int, start: datetime, end: datetime) -> list[Segment]:
    stmt = (select(Segment).where(Segment.camera_id == camera_id, Segment.end > start, Segment.start < end)
            .order_by(Segment.start))
    return list(session.scalars(stmt))


def merge_ranges(segments: list[Segment]) -> list[TimeRange]:
    ranges: list[list[datetime]] = []
    for seg in segments:
        if ranges and seg.start - ranges[-1][1] <= CONTIGUOUS:
            ranges[-1][1] = max(ranges[-1][1], seg.end)
        else:
            ranges.append([seg.start, seg.end])
    return [TimeRange(start=a, end=b) for a, b in ranges]


def timeline(session: Session, *, camera_id: int, start: datetime, end: datetime) -> Timeline:
    get_camera(session, camera_id, include_deleted=True)
    _window(start, end)
    segs = segments_in(session, camera_id, start, end)
    events = session.scalars(
        select(CameraEvent).where(CameraEvent.camera_id == camera_id, CameraEvent.start < end,
                                  (CameraEvent.end.is_(None)) | (CameraEvent.end > start))
        .order_by(CameraEvent.start)).all()
    marks = session.scalars(select(Bookmark).where(Bookmark.camera_id == camera_id, Bookmark.at >= start,
                                                   Bookmark.at < end).order_by(Bookmark.at)).all()
    return Timeline(camera_id=camera_id, start=start, end=end, ranges=merge_ranges(segs), segments=segs,
                    events=list(events), bookmarks=list(marks), locks=locks_of(session, camera_id, start, end))


def camera_evidence(session: Session, camera_id: int) -> dict[str, int]:
    """How much of the archive belongs to a camera (what deleting the camera must not lose)."""
    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model).where(model.camera_id == camera_id)) or 0

    return {"locks": count(EvidenceLock), "segments": count(Segment), "bookmarks": count(Bookmark),
            "exports": count(RecordingExport)}


# ------------------------------------------------------------------ playback

def start_playback(session: Session, *, user: User, data: PlaybackStart) -> PlaybackOut:
    """Audit that `user` is about to watch these cameras in this window; the entry id is the permit."""
    _window(data.start, data.end)
    names = [get_camera(session, cid, include_deleted=True).name for cid in data.camera_ids]
    entry = record(session, user=user, action=PLAYBACK_ACTION,
                   target=",".join(f"camera:{c}" for c in data.camera_ids),
                   details={"camera_ids": data.camera_ids, "cameras": names, "start": data.start.isoformat(),
                            "end": data.end.isoformat(), "at": data.at.isoformat(), "reason": data.reason})
    session.flush()
    return PlaybackOut(id=entry.id, camera_ids=data.camera_ids, start=data.start, end=data.end, at=data.at)


def segment_for_playback(session: Session, *, user: User, segment_id: int, playback_id: int | None) -> Segment:
    """The segment, if this user started a playback that covers it (no viewing without an audit entry)."""
    seg = session.get(Segment, segment_id)
    if seg is None:
        raise NotFound("Segment", segment_id)
    if playback_id is None:
        raise Forbidden("Start a playback (with a reason) before fetching archive video")
    entry = session.get(AuditEntry, playback_id)
    ok = (entry is not None and entry.action == PLAYBACK_ACTION and entry.user_id == user.id
          and utcnow() - entry.at < PLAYBACK_TTL and seg.camera_id in entry.details.get("camera_ids", []))
    if ok:
        start = datetime.fromisoformat(entry.details["start"])
        end = datetime.fromisoformat(entry.details["end"])
        ok = seg.end > start and seg.start < end
    if not ok:
        raise Forbidden("This playback does not cover that segment; start a new playback for it")
    return seg


def segment_path(media_dir: Path, seg: Segment) -> Path:
    path = media_dir / seg.path
    if not path.is_file():
        raise AppError(410, "gone", "The segment file is no longer on disk", id=seg.id)
    return path


# ------------------------------------------------------------------ bookmarks

def add_bookmark(session: Session, *, user: User, data: BookmarkCreate) -> Bookmark:
    get_camera(session, data.camera_id)
    if data.at.tzinfo is None:
        raise BadRequest("at must carry a time zone")
    mark = Bookmark(camera_id=data.camera_id, at=data.at, note=data.note, user_id=user.id,
                    username=user.username, created_at=utcnow())
    session.add(mark)
    session.flush()
    record(session, user=user, action="recording.bookmark", target=f"camera:{data.camera_id}",
           details={"id": mark.id, "at": data.at.isoformat(), "note": data.note})
    publish(session, "recording.bookmark_added", {"id": mark.id, "camera_id": mark.camera_id,
                                                  "at": mark.at.isoformat(), "note": mark.note},
            min_role="supervisor")  # the archive and its notes are supervisors' business
    return mark


def delete_bookmark(session: Session, *, user: User, bookmark_id: int) -> None:
    mark = session.get(Bookmark, bookmark_id)
    if mark is None:
        raise NotFound("Bookmark", bookmark_id)
    record(session, user=user, action="recording.bookmark_delete", target=f"camera:{mark.camera_id}",
           details={"id": mark.id, "at": mark.at.isoformat(), "note": mark.note})
    session.delete(mark)


# ------------------------------------------------------------------ evidence locks

def locks_of(session: Session, camera_id: int, start: datetime | None = None,
             end: datetime | None = None) -> list[EvidenceLock]:
    stmt = select(EvidenceLock).where(EvidenceLock.camera_id == camera_id)
    if start is not None and end is not None:
        stmt = stmt.where(and_(EvidenceLock.end > start, EvidenceLock.start < end))
    return list(session.scalars(stmt.order_by(EvidenceLock.start)))


def add_lock(session: Session, *, user: User, data: LockCreate) -> EvidenceLock:
    get_camera(session, data.camera_id, include_deleted=True)
    lock = EvidenceLock(camera_id=data.camera_id, start=data.start, end=data.end, reason=data.reason,
                        user_id=user.id, username=user.username, created_at=utcnow())
    session.add(lock)
    session.flush()
    record(session, user=user, action="recording.lock", target=f"camera:{data.camera_id}",
           details={"id": lock.id, "start": data.start.isoformat(), "end": data.end.isoformat(),
                    "reason": data.reason})
    return lock


def delete_lock(session: Session, *, user: User, lock_id: int, reason: str) -> None:
    lock = session.get(EvidenceLock, lock_id)
    if lock is None:
        raise NotFound("Evidence lock", lock_id)
    record(session, user=user, action="recording.unlock", target=f"camera:{lock.camera_id}",
           details={"id": lock.id, "start": lock.start.isoformat(), "end": lock.end.isoformat(),
                    "reason": reason})
    session.delete(lock)


# ------------------------------------------------------------------ exports

def create_export(session: Session, *, user: User, data: ExportCreate) -> RecordingExport:
    cam = get_camera(session, data.camera_id, include_deleted=True)
    if not segments_in(session, data.camera_id, data.start, data.end):
        raise AppError(422, "nothing_recorded", "Nothing was recorded on this camera in that range",
                       camera_id=data.camera_id)
    exp = RecordingExport(camera_id=cam.id, start=data.start, end=data.end, reason=data.reason, status="queued",
                          progress=0.0, error="", path="", size=0, sha256="", manifest={}, user_id=user.id,
                          username=user.username, created_at=utcnow())
    session.add(exp)
    session.flush()
    record(session, user=user, action="recording.export", target=f"camera:{cam.id}",
           details={"export_id": exp.id, "camera": cam.name, "start": data.start.isoformat(),
                    "end": data.end.isoformat(), "reason": data.reason})
    return exp


def get_export(session: Session, export_id: int) -> RecordingExport:
    exp = session.get(RecordingExport, export_id)
    if exp is None:
        raise NotFound("Export", export_id)
    return exp


def list_exports(session: Session, *, camera_id: int | None = None, limit: int = 100) -> list[RecordingExport]:
    stmt = select(RecordingExport).order_by(RecordingExport.id.desc()).limit(limit)
    if camera_id is not None:
        stmt = stmt.where(RecordingExport.camera_id == camera_id)
    return list(session.scalars(stmt))


# ------------------------------------------------------------------ quotas

def set_quota(session: Session, *, user: User, camera_id: int, quota_mb: int) -> None:
    get_camera(session, camera_id)
    row = session.get(RecordingQuota, camera_id)
    if quota_mb == 0:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(RecordingQuota(camera_id=camera_id, quota_mb=quota_mb))
    else:
        row.quota_mb = quota_mb
    record(session, user=user, action="recording.quota", target=f"camera:{camera_id}",
           details={"quota_mb": quota_mb})
