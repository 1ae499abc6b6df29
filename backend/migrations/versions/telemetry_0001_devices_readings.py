"""telemetry: sites, devices, readings, hourly/daily rollups, ingestion counters

Revision ID: telemetry_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "telemetry_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("open_hour", sa.Integer, nullable=False),
        sa.Column("close_hour", sa.Integer, nullable=False),
        sa.Column("open_days", sa.String(7), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(64), nullable=False, unique=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("resource", sa.String(16)),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("interval_s", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("last_seen_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "readings",
        sa.Column("device_id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("ts", BIG, primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sqlite_with_rowid=False,
    )
    for name in ("readings_hourly", "readings_daily"):
        op.create_table(
            name,
            sa.Column("device_id", sa.Integer, primary_key=True),
            sa.Column("key", sa.String(32), primary_key=True),
            sa.Column("bucket", BIG, primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
            sa.Column("sum", sa.Float, nullable=False),
            sa.Column("min", sa.Float, nullable=False),
            sa.Column("max", sa.Float, nullable=False),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "telemetry_counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("count", BIG, nullable=False),
        sa.Column("last_at", UTCDateTime()),
        sa.Column("last_detail", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    for t in ("telemetry_counters", "readings_daily", "readings_hourly", "readings", "devices", "sites"):
        op.drop_table(t)
