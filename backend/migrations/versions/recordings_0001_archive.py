"""recordings: segments, camera events, bookmarks, evidence locks, exports, quotas

Revision ID: recordings_0001
Revises: cameras_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "recordings_0001"
down_revision = "cameras_0001"
branch_labels = ("recordings",)
depends_on = None


def _camera():
    return sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), nullable=False)


def _user():
    return [sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
            sa.Column("username", sa.String(64), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "recording_segments",
        sa.Column("id", sa.Integer, primary_key=True),
        _camera(),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False, index=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_recording_segments_camera_start", "recording_segments", ["camera_id", "start"])
    op.create_table(
        "camera_events",
        sa.Column("id", sa.Integer, primary_key=True),
        _camera(),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime()),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_camera_events_camera_start", "camera_events", ["camera_id", "start"])
    op.create_table(
        "recording_bookmarks",
        sa.Column("id", sa.Integer, primary_key=True),
        _camera(),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        *_user(),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_recording_bookmarks_camera_at", "recording_bookmarks", ["camera_id", "at"])
    op.create_table(
        "evidence_locks",
        sa.Column("id", sa.Integer, primary_key=True),
        _camera(),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        *_user(),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_evidence_locks_camera_start", "evidence_locks", ["camera_id", "start"])
    op.create_table(
        "recording_exports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("path", sa.String(500), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("manifest", sa.JSON, nullable=False),
        *_user(),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime()),
    )
    op.create_table(
        "recording_quotas",
        sa.Column("camera_id", sa.Integer, sa.ForeignKey("cameras.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("quota_mb", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for t in ("recording_quotas", "recording_exports", "evidence_locks", "recording_bookmarks",
              "camera_events", "recording_segments"):
        op.drop_table(t)
