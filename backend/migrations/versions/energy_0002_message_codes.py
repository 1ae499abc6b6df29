"""energy: alarm messages as a code with parameters, so clients translate them

Revision ID: energy_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "energy_0002"
down_revision = "energy_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Alarms raised before this revision keep an empty code: clients show their English message.
    with op.batch_alter_table("alarms") as batch:
        batch.add_column(sa.Column("message_code", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("message_params", sa.JSON, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("alarms") as batch:
        batch.drop_column("message_params")
        batch.drop_column("message_code")
