"""energy: alarms on meters (one not-cleared alarm per device and type)

Revision ID: energy_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "energy_0001"
down_revision = "telemetry_0001"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "alarms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("device_id", sa.Integer, sa.ForeignKey("devices.id"), nullable=False, index=True),
        sa.Column("site_id", sa.Integer, sa.ForeignKey("sites.id"), index=True),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("threshold", sa.Float),
        sa.Column("period_start", BIG, nullable=False),
        sa.Column("period_end", BIG),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("acked_at", UTCDateTime()),
        sa.Column("acked_by", sa.String(64)),
        sa.Column("cleared_at", UTCDateTime()),
        sa.Column("incident_id", sa.Integer),
    )
    op.create_index("uq_alarms_active", "alarms", ["device_id", "type"], unique=True,
                    postgresql_where=sa.text("state <> 'cleared'"), sqlite_where=sa.text("state <> 'cleared'"))


def downgrade() -> None:
    op.drop_index("uq_alarms_active", "alarms")
    op.drop_table("alarms")
