"""incidents: indexes for "resolved in this period" and "resolved by its deadline" (the stats and the report)

Without the first every count of resolutions in a day or a week reads the whole history table; the
second answers "was this incident resolved by its due time" from the index alone (SLA kept).

Revision ID: incidents_0003
Revises: incidents_0002
"""
from alembic import op

revision = "incidents_0003"
down_revision = "incidents_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incident_history_field_new_at", "incident_history", ["field", "new", "at", "incident_id"])
    op.create_index("ix_incident_history_incident_field", "incident_history", ["incident_id", "field", "new", "at"])


def downgrade() -> None:
    op.drop_index("ix_incident_history_incident_field", table_name="incident_history")
    op.drop_index("ix_incident_history_field_new_at", table_name="incident_history")
