"""cleaning: street sections with schedules, machines, GPS fixes, missed sections

Revision ID: cleaning_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "cleaning_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "cleaning_sections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(32), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("service", sa.String(64), nullable=False),
        sa.Column("geometry", sa.JSON, nullable=False),
        sa.Column("length_m", sa.Float, nullable=False),
        sa.Column("schedule", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "cleaning_vehicles",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("speed", sa.Float),
        sa.Column("work", sa.String(16), nullable=False),
        sa.Column("last_ts", BIG),
    )
    op.create_table(
        "cleaning_fixes",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("vehicle_id", sa.String(32), nullable=False),
        sa.Column("ts", BIG, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("speed", sa.Float, nullable=False),
        sa.Column("work", sa.String(16), nullable=False),
    )
    op.create_index("ix_cleaning_fixes_vehicle_ts", "cleaning_fixes", ["vehicle_id", "ts"])
    op.create_index("ix_cleaning_fixes_ts", "cleaning_fixes", ["ts"])
    op.create_table(
        "cleaning_missed",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("section_id", sa.Integer, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("share", sa.Float, nullable=False),
        sa.Column("incident_id", sa.Integer),
        sa.UniqueConstraint("section_id", "window_start", name="uq_cleaning_missed_window"),
    )


def downgrade() -> None:
    op.drop_table("cleaning_missed")
    op.drop_index("ix_cleaning_fixes_ts", "cleaning_fixes")
    op.drop_index("ix_cleaning_fixes_vehicle_ts", "cleaning_fixes")
    op.drop_table("cleaning_fixes")
    op.drop_table("cleaning_vehicles")
    op.drop_table("cleaning_sections")
