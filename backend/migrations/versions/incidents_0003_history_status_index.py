"""incidents: an index for "resolved in this period" (the stats and the shift report)

Without it every count of resolutions in a day or a week reads the whole history table.

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


def downgrade() -> None:
    op.drop_index("ix_incident_history_field_new_at", table_name="incident_history")
