"""Wire types of cameras and saved video-wall layouts; plus URL masking shared by both sides."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, Field, field_validator, ValidationInfo

from backend_client.schemas.common import WireModel

STREAM_SCHEMES = ("rtsp", "rtsps", "http", "https")
GRID_KINDS = ("1", "2x2", "3x3", "4x4", "1+5", "1+7")
GridKind = Literal["1", "2x2", "3x3", "4x4", "1+5", "1+7"]
TILE_COUNT = {"1": 1, "2x2": 4, "3x3": 9, "4x4": 16, "1+5": 6, "1+7": 8}


def mask_url(url: str | None) -> str:
    """The URL with its password (and a user name) replaced, fit for logs and the audit trail."""
    if not url:
        return url or ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if "@" not in parts.netloc:
        return url
    creds, _, host = parts.netloc.rpartition("@")
    user = creds.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user or '***'}:***@{host}"))


def check_stream_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        raise ValueError(f"{mask_url(url)} is not a valid URL") from None
    if parts.scheme.lower() not in STREAM_SCHEMES:
        raise ValueError(f"stream URLs must start with one of {', '.join(s + '://' for s in STREAM_SCHEMES)}")
    if not parts.hostname:
        raise ValueError("the stream URL has no host")
    return url


class _CameraFields(BaseModel):
    @field_validator("main_url", "sub_url", check_fields=False)
    @classmethod
    def _url(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None or v == "":
            if info.field_name == "main_url":  # a camera without its main stream cannot be shown
                raise ValueError("the main stream URL is required")
            return None  # no sub stream
        return check_stream_url(v)


class CameraCreate(_CameraFields):
    name: str = Field(min_length=1, max_length=120)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    address: str = Field(default="", max_length=300)
    area: str = Field(default="", max_length=80)
    main_url: str = Field(max_length=1000)
    sub_url: str | None = Field(default=None, max_length=1000)
    enabled: bool = True
    recording: bool = False
    retention_days: int = Field(default=14, ge=1, le=365)


class CameraUpdate(_CameraFields):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    address: str | None = Field(default=None, max_length=300)
    area: str | None = Field(default=None, max_length=80)
    main_url: str | None = Field(default=None, max_length=1000)
    sub_url: str | None = Field(default=None, max_length=1000)
    enabled: bool | None = None
    recording: bool | None = None
    retention_days: int | None = Field(default=None, ge=1, le=365)


class CameraOut(WireModel):
    id: int
    name: str
    lat: float
    lon: float
    address: str
    area: str
    # Full URLs: the client opens the camera itself (nothing is relayed through the backend).
    main_url: str
    sub_url: str
    enabled: bool
    recording: bool
    retention_days: int
    created_at: datetime
    updated_at: datetime


class WallLayoutCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    grid: GridKind = "2x2"
    tiles: list[int | None] = Field(default_factory=list, max_length=16)
    shared: bool = False


class WallLayoutUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    grid: GridKind | None = None
    tiles: list[int | None] | None = Field(default=None, max_length=16)
    shared: bool | None = None


class WallLayoutOut(WireModel):
    id: int
    name: str
    grid: GridKind
    tiles: list[int | None]
    shared: bool
    owner_id: int
    owner: str
    updated_at: datetime
