"""signals: a fault's detail as a code with parameters, so clients translate it

Revision ID: signals_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "signals_0002"
down_revision = "signals_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Faults opened before this revision keep an empty code: clients show their English detail.
    with op.batch_alter_table("signal_faults") as batch:
        batch.add_column(sa.Column("detail_code", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("detail_params", sa.JSON, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("signal_faults") as batch:
        batch.drop_column("detail_params")
        batch.drop_column("detail_code")
