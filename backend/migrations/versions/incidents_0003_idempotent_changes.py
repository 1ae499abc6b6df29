"""incidents: every change of an incident may carry an Idempotency-Key, remembered with its answer

A retry of an edit, a status change, a comment or a photo after a lost answer gets the first
answer again instead of a version mismatch (412) or a second comment.

Revision ID: incidents_0003
Revises: incidents_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "incidents_0003"
down_revision = "incidents_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_idempotency_keys") as batch:
        batch.add_column(sa.Column("operation", sa.String(40), nullable=False, server_default="incidents_create"))
        batch.add_column(sa.Column("response", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("incident_idempotency_keys") as batch:
        batch.drop_column("response")
        batch.drop_column("operation")
