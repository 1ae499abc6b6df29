"""cameras: deleting a camera keeps its row (deleted_at), so ids are never reused

Revision ID: cameras_0002
Revises: cameras_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "cameras_0002"
down_revision = "cameras_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not AUTOINCREMENT: on SQLite that needs the table rebuilt, and dropping the old table would fire
    # the ON DELETE CASCADE of every segment, lock and export that names a camera.
    op.add_column("cameras", sa.Column("deleted_at", UTCDateTime()))


def downgrade() -> None:
    op.drop_column("cameras", "deleted_at")  # ALTER TABLE DROP COLUMN: no rebuild, no cascade
