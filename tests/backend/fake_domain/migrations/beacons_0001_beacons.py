"""beacons: its own branch, starting at the core revision like every domain's."""

import sqlalchemy as sa
from alembic import op

revision = "beacons_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("fake_beacons",
                    sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(64), nullable=False))


def downgrade() -> None:
    op.drop_table("fake_beacons")
