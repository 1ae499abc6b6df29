"""cameras: the camera registry and saved video-wall layouts

Revision ID: cameras_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "cameras_0001"
down_revision = "0001_core"
branch_labels = ("cameras",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cameras",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("area", sa.String(80), nullable=False, index=True),
        sa.Column("main_url", sa.String(1000), nullable=False),
        sa.Column("sub_url", sa.String(1000), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("recording", sa.Boolean, nullable=False),
        sa.Column("retention_days", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "wall_layouts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("grid", sa.String(8), nullable=False),
        sa.Column("tiles", sa.JSON, nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False),
        sa.Column("owner_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("owner_id", "name", name="uq_wall_layouts_owner_name"),
    )


def downgrade() -> None:
    op.drop_table("wall_layouts")
    op.drop_table("cameras")
