"""works: excavation permits, excavation incidents' verdicts, the duty's event cursor

Revision ID: works_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "works_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "works_permits",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("contractor", sa.String(200), nullable=False),
        sa.Column("contractor_inn", sa.String(12), nullable=False),
        sa.Column("licence_until", sa.Date),
        sa.Column("responsible", sa.String(200), nullable=False),
        sa.Column("responsible_phone", sa.String(40), nullable=False),
        sa.Column("geometry", sa.JSON, nullable=False),
        sa.Column("width_m", sa.Float),
        sa.Column("radius_m", sa.Float),
        sa.Column("valid_from", UTCDateTime(), nullable=False),
        sa.Column("valid_to", UTCDateTime(), nullable=False, index=True),
        sa.Column("hours_from", sa.String(5), nullable=False),
        sa.Column("hours_to", sa.String(5), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("restore_by", sa.Date),
        sa.Column("documents", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("restoration_incident_id", sa.Integer),
    )
    op.create_table(
        "works_incident_checks",
        sa.Column("incident_id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("permit_number", sa.String(64)),
        sa.Column("violation_recorded", sa.Boolean, nullable=False),
    )
    op.create_table(
        "works_event_cursors",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("last_id", BIG, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("works_event_cursors")
    op.drop_table("works_incident_checks")
    op.drop_table("works_permits")
