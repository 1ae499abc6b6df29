"""incidents: city services, incidents, history, comments, attachments, idempotency keys

Revision ID: incidents_0001
Revises: 0001_core
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "incidents_0001"
down_revision = "0001_core"
branch_labels = ("incidents",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "city_services",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(64), nullable=False),
        sa.Column("categories", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_uuid", sa.String(36), unique=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("priority_rank", sa.SmallInteger, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("incidents.id")),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(32), sa.ForeignKey("city_services.code")),
        sa.Column("created_by", sa.String(64)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("sla_due_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("comment_count", sa.Integer, nullable=False),
        sa.Column("attachment_count", sa.Integer, nullable=False),
    )
    for name, cols in [
        ("ix_incidents_created_at", ["created_at", "id"]),
        ("ix_incidents_updated_at", ["updated_at", "id"]),
        ("ix_incidents_sla_due_at", ["sla_due_at", "id"]),
        ("ix_incidents_status_rank_created", ["status", "priority_rank", "created_at", "id"]),
        ("ix_incidents_status_sla", ["status", "sla_due_at", "id"]),
        ("ix_incidents_status_updated", ["status", "updated_at", "id"]),
        ("ix_incidents_status_lat_lon", ["status", "lat", "lon", "id"]),
        ("ix_incidents_category_rank_created", ["category", "priority_rank", "created_at", "id"]),
        ("ix_incidents_lat_lon", ["lat", "lon"]),
        ("ix_incidents_duplicate_of", ["duplicate_of"]),
    ]:
        op.create_index(name, "incidents", cols)
    op.create_table(
        "incident_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("who", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.Text),
        sa.Column("new", sa.Text),
    )
    op.create_index("ix_incident_history_incident_id", "incident_history", ["incident_id"])
    op.create_table(
        "incident_comments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_incident_comments_incident_id", "incident_comments", ["incident_id"])
    op.create_table(
        "incident_attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_name", sa.String(300), nullable=False),
        sa.Column("uploaded_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_incident_attachments_incident_id", "incident_attachments", ["incident_id"])
    op.create_table(
        "incident_idempotency_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),
    )
    op.create_index("ix_incident_idempotency_keys_created_at", "incident_idempotency_keys", ["created_at"])


def downgrade() -> None:
    for t in ("incident_idempotency_keys", "incident_attachments", "incident_comments",
              "incident_history", "incidents", "city_services"):
        op.drop_table(t)
