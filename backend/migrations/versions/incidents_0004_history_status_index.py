"""incidents: indexes for "resolved in this period" and "resolved by its deadline" (the stats and the report)

Without the first every count of resolutions in a day or a week reads the whole history table; the
second answers "was this incident resolved by its due time" from the index alone (SLA kept). Only
status rows are indexed: other rows carry whole descriptions, too long for a PostgreSQL index entry.

Revision ID: incidents_0004
Revises: incidents_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "incidents_0004"
down_revision = "incidents_0003"
branch_labels = None
depends_on = None

STATUS_ROWS = sa.text("field = 'status'")


def upgrade() -> None:
    op.create_index("ix_incident_history_status_at", "incident_history", ["new", "at", "incident_id"],
                    postgresql_where=STATUS_ROWS, sqlite_where=STATUS_ROWS)
    op.create_index("ix_incident_history_status_incident", "incident_history", ["incident_id", "new", "at"],
                    postgresql_where=STATUS_ROWS, sqlite_where=STATUS_ROWS)


def downgrade() -> None:
    op.drop_index("ix_incident_history_status_incident", table_name="incident_history")
    op.drop_index("ix_incident_history_status_at", table_name="incident_history")
