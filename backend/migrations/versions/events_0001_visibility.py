"""events: who may see each live event (min_role, owner_id)

Revision ID: events_0001
Revises: 0001_core
"""
import sqlalchemy as sa
from alembic import op

revision = "events_0001"
down_revision = "0001_core"
branch_labels = ("events",)
depends_on = None

_SUPERVISOR_ONLY = ("recording.%",)


def upgrade() -> None:
    op.add_column("events", sa.Column("min_role", sa.String(16), nullable=False, server_default="dispatcher"))
    op.add_column("events", sa.Column("owner_id", sa.Integer))
    # History written before this revision is replayed by Last-Event-ID: hide what the stream hides now.
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("type", sa.String),
                      sa.column("data", sa.JSON), sa.column("min_role", sa.String), sa.column("owner_id", sa.Integer))
    conn = op.get_bind()
    for pattern in _SUPERVISOR_ONLY:
        conn.execute(events.update().where(events.c.type.like(pattern)).values(min_role="supervisor"))
    rows = conn.execute(sa.select(events.c.id, events.c.data).where(events.c.type.like("camera.layout_%"))).all()
    for eid, data in rows:
        if isinstance(data, dict) and not data.get("shared") and isinstance(data.get("owner_id"), int):
            conn.execute(events.update().where(events.c.id == eid).values(owner_id=data["owner_id"]))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("owner_id")
        batch.drop_column("min_role")
