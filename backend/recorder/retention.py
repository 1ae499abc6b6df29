"""Retention: drop segments older than the camera's days, then the oldest past its disk quota.

Segments that overlap an evidence lock are kept whatever their age.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.cameras.models import Camera
from backend.recordings.models import CameraEvent, EvidenceLock, RecordingQuota, Segment

log = logging.getLogger(__name__)
MB = 1024 * 1024


def _locked(seg: Segment, locks: list[EvidenceLock]) -> bool:
    return any(lock.start < seg.end and lock.end > seg.start for lock in locks)


def _drop(session: Session, media_dir: Path, seg: Segment) -> int:
    (media_dir / seg.path).unlink(missing_ok=True)
    session.delete(seg)
    return seg.size


def apply_retention(session: Session, media_dir: Path, *, now: datetime, default_quota_mb: int = 0,
                    camera_ids: list[int] | None = None) -> dict[int, int]:
    """Delete what retention and quotas allow; returns bytes freed per camera. The caller commits."""
    freed: dict[int, int] = {}
    cams = session.scalars(select(Camera) if camera_ids is None else select(Camera).where(Camera.id.in_(camera_ids)))
    for cam in cams:
        locks = list(session.scalars(select(EvidenceLock).where(EvidenceLock.camera_id == cam.id)))
        cutoff = now - timedelta(days=cam.retention_days)
        n = 0
        for seg in session.scalars(select(Segment).where(Segment.camera_id == cam.id, Segment.end < cutoff)
                                   .order_by(Segment.start)):
            if not _locked(seg, locks):
                n += _drop(session, media_dir, seg)
        session.query(CameraEvent).filter(CameraEvent.camera_id == cam.id, CameraEvent.end < cutoff).delete()
        quota = session.get(RecordingQuota, cam.id)
        quota_mb = quota.quota_mb if quota else default_quota_mb
        if quota_mb > 0:
            session.flush()
            limit = quota_mb * MB
            used = session.scalar(select(func.coalesce(func.sum(Segment.size), 0))
                                  .where(Segment.camera_id == cam.id)) or 0
            if used > limit:
                for seg in session.scalars(select(Segment).where(Segment.camera_id == cam.id)
                                           .order_by(Segment.start)):
                    if used <= limit:
                        break
                    if _locked(seg, locks):
                        continue
                    size = _drop(session, media_dir, seg)
                    used -= size
                    n += size
        if n:
            freed[cam.id] = n
            log.info("retention freed %.1f MB of camera %s", n / 1e6, cam.id)
    return freed
