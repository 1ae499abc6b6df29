from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class Camera(Base):
    __tablename__ = "cameras"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    lat: Mapped[float]
    lon: Mapped[float]
    address: Mapped[str] = mapped_column(String(300), default="")
    area: Mapped[str] = mapped_column(String(80), default="", index=True)
    main_url: Mapped[str] = mapped_column(String(1000))
    sub_url: Mapped[str] = mapped_column(String(1000))
    enabled: Mapped[bool] = mapped_column(default=True)
    recording: Mapped[bool] = mapped_column(default=False)
    retention_days: Mapped[int] = mapped_column(default=14)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Deleting a camera keeps its row (see service.delete_camera): ids are never reused and the
    # archive, audit entries and export manifests that name it keep pointing at it.
    deleted_at: Mapped[datetime | None]


class WallLayout(Base):
    """A named arrangement of cameras on the video wall; its owner may share it with everyone."""

    __tablename__ = "wall_layouts"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_wall_layouts_owner_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    grid: Mapped[str] = mapped_column(String(8))
    tiles: Mapped[list] = mapped_column(JSON, default=list)
    shared: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    owner: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
