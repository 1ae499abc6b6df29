"""Incident tables: incidents, their history, comments, attachments, city services, idempotency keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, utcnow


class CityService(Base):
    """A city service incidents are assigned to (Водоканал, Горэлектросеть, ...)."""

    __tablename__ = "city_services"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(64), default="")
    categories: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)


class Incident(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    category: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16))
    priority_rank: Mapped[int] = mapped_column(SmallInteger)  # 0 critical … 3 low, for sorting
    status: Mapped[str] = mapped_column(String(16))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")  # casefolded description + address
    source: Mapped[str] = mapped_column(String(16))
    assignee: Mapped[str | None] = mapped_column(ForeignKey("city_services.code"))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sla_due_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)
    attachment_count: Mapped[int] = mapped_column(Integer, default=0)
    # Every UPDATE of the row says WHERE version = <the version read> (compare-and-set), so two
    # writers that read the same version cannot both win, on SQLite (no SELECT FOR UPDATE) as on
    # PostgreSQL; the loser's flush raises StaleDataError, which the API answers with 409.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    # Lists filter and sort on these alone (see service.list_incidents); bench/incidents.py measures them.
    __table_args__ = (
        Index("ix_incidents_created_at", "created_at", "id"),
        Index("ix_incidents_updated_at", "updated_at", "id"),
        Index("ix_incidents_sla_due_at", "sla_due_at", "id", "status"),
        Index("ix_incidents_status_rank_created", "status", "priority_rank", "created_at", "id"),
        Index("ix_incidents_status_sla", "status", "sla_due_at", "id"),
        Index("ix_incidents_status_updated", "status", "updated_at", "id"),
        Index("ix_incidents_status_lat_lon", "status", "lat", "lon", "updated_at", "id"),
        Index("ix_incidents_category_rank_created", "category", "priority_rank", "created_at", "id"),
        Index("ix_incidents_lat_lon", "lat", "lon"),
        Index("ix_incidents_duplicate_of", "duplicate_of"),
    )


class IncidentHistory(Base):
    """One changed field of one incident: who, when, old → new."""

    __tablename__ = "incident_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    who: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    field: Mapped[str] = mapped_column(String(32))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)

    # "Resolved in this period" and "resolved by its deadline" (backend/incidents/stats.py, the shift report).
    # Status rows only: other rows carry whole descriptions, too long for a PostgreSQL index entry.
    __table_args__ = (
        Index("ix_incident_history_status_at", "new", "at", "incident_id",
              postgresql_where=text("field = 'status'"), sqlite_where=text("field = 'status'")),
        Index("ix_incident_history_status_incident", "incident_id", "new", "at",
              postgresql_where=text("field = 'status'"), sqlite_where=text("field = 'status'")),
    )


class IncidentComment(Base):
    __tablename__ = "incident_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentAttachment(Base):
    """A photo; the bytes live in the media directory under `storage_name`."""

    __tablename__ = "incident_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_name: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IdempotencyKey(Base):
    """A change's Idempotency-Key (see idempotency.py): the same key and request give the first result again."""

    __tablename__ = "incident_idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    operation: Mapped[str] = mapped_column(String(40), default="incidents_create")  # the endpoint's operation id
    request_hash: Mapped[str] = mapped_column(String(64))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)  # the first answer's JSON body
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)
