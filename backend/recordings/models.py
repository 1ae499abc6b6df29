"""Recorded video: segment files, camera events, bookmarks, evidence locks, exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow

EVENT_KINDS = ("motion", "lost_signal", "tamper")
EXPORT_STATES = ("queued", "running", "done", "failed")


class Segment(Base):
    """One fixed-length MP4 file of a camera's main stream, remuxed as the camera sent it."""

    __tablename__ = "recording_segments"
    __table_args__ = (Index("ix_recording_segments_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    start: Mapped[datetime]
    end: Mapped[datetime] = mapped_column(index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(String(500))  # relative to the media directory
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CameraEvent(Base):
    """Something the recorder noticed; `end` is None while it lasts."""

    __tablename__ = "camera_events"
    __table_args__ = (Index("ix_camera_events_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    start: Mapped[datetime]
    end: Mapped[datetime | None]
    score: Mapped[float] = mapped_column(default=0.0)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class Bookmark(Base):
    __tablename__ = "recording_bookmarks"
    __table_args__ = (Index("ix_recording_bookmarks_camera_at", "camera_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvidenceLock(Base):
    """A time range of a camera kept past retention and quota (evidence for a case)."""

    __tablename__ = "evidence_locks"
    __table_args__ = (Index("ix_evidence_locks_camera_start", "camera_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"))
    start: Mapped[datetime]
    end: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecordingExport(Base):
    """A clip T1..T2 remuxed into one MP4 in the background, with a SHA-256 manifest."""

    __tablename__ = "recording_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), index=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(default=0.0)
    error: Mapped[str] = mapped_column(Text, default="")
    path: Mapped[str] = mapped_column(String(500), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    manifest: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class RecordingQuota(Base):
    """A camera's disk quota for recordings; cameras without a row use the server default."""

    __tablename__ = "recording_quotas"

    camera_id: Mapped[int] = mapped_column(ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True)
    quota_mb: Mapped[int]
