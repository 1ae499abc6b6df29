"""Wire types of the video archive: timeline, playback, bookmarks, evidence locks, exports."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from backend_client.schemas.common import Id, UtcDateTime, WireModel

EventKind = Literal["motion", "lost_signal", "tamper"]
ExportStatus = Literal["queued", "running", "done", "failed"]
MAX_EXPORT = timedelta(hours=6)
MAX_WINDOW = timedelta(days=8)


class _Range(BaseModel):
    start: UtcDateTime
    end: UtcDateTime

    @model_validator(mode="after")
    def _ordered(self):
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("times must carry a time zone (e.g. 2026-11-27T10:00:00Z)")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class TimeRange(WireModel):
    start: datetime
    end: datetime


class SegmentOut(WireModel):
    id: int
    camera_id: int
    start: datetime
    end: datetime
    size: int


class CameraEventOut(WireModel):
    id: int
    camera_id: int
    kind: EventKind
    start: datetime
    end: datetime | None
    score: float


class BookmarkCreate(BaseModel):
    camera_id: Id
    at: UtcDateTime
    note: str = Field(default="", max_length=2000)


class BookmarkOut(WireModel):
    id: int
    camera_id: int
    at: datetime
    note: str
    username: str
    created_at: datetime


class LockCreate(_Range):
    camera_id: Id
    reason: str = Field(min_length=3, max_length=2000)


class LockOut(WireModel):
    id: int
    camera_id: int
    start: datetime
    end: datetime
    reason: str
    username: str
    created_at: datetime


class Timeline(BaseModel):
    """What the archive has for one camera in a window: the player's timeline in one call."""

    camera_id: int
    start: datetime
    end: datetime
    ranges: list[TimeRange]          # contiguous recorded spans (segments merged)
    segments: list[SegmentOut]
    events: list[CameraEventOut]
    bookmarks: list[BookmarkOut]
    locks: list[LockOut]


class PlaybackStart(_Range):
    """Asked before any archive video is shown: the window the viewer may play, and why."""

    camera_ids: list[int] = Field(min_length=1, max_length=4)
    at: UtcDateTime
    reason: str = Field(min_length=3, max_length=2000)


class PlaybackOut(BaseModel):
    id: int                           # the audit entry: segment downloads name it
    camera_ids: list[int]
    start: datetime
    end: datetime
    at: datetime


class ExportCreate(_Range):
    camera_id: Id
    reason: str = Field(min_length=3, max_length=2000)

    @model_validator(mode="after")
    def _not_too_long(self):
        if self.end - self.start > MAX_EXPORT:
            raise ValueError("an export is at most 6 hours long; split it")
        return self


class ExportOut(WireModel):
    id: int
    camera_id: int
    start: datetime
    end: datetime
    reason: str
    status: ExportStatus
    progress: float
    error: str
    size: int
    sha256: str
    manifest: dict[str, Any]
    username: str
    created_at: datetime
    finished_at: datetime | None


class QuotaSet(BaseModel):
    quota_mb: int = Field(ge=0, le=50_000_000)  # 0: the server default
