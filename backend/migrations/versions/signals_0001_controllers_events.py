"""signals: controllers, raw events (partitioned by day on PostgreSQL), measures, plans, faults

Revision ID: signals_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "signals_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "signal_controllers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("uid", sa.String(40), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(300), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("camera", sa.String(64), nullable=False),
        sa.Column("phases", sa.JSON, nullable=False),
        sa.Column("stages", sa.JSON, nullable=False),
        sa.Column("min_cycle", sa.Float, nullable=False),
        sa.Column("max_cycle", sa.Float, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("last_event_ts", BIG),
        sa.Column("last_heard_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        # Partitions of one city day each are made as events arrive and dropped by retention.
        op.execute("CREATE TABLE signal_events (controller_id integer NOT NULL, ts bigint NOT NULL, "
                   "code smallint NOT NULL, param smallint NOT NULL, "
                   "PRIMARY KEY (controller_id, ts, code, param)) PARTITION BY RANGE (ts)")
    else:
        op.create_table(
            "signal_events",
            sa.Column("controller_id", sa.Integer, primary_key=True),
            sa.Column("ts", BIG, primary_key=True),
            sa.Column("code", sa.SmallInteger, primary_key=True),
            sa.Column("param", sa.SmallInteger, primary_key=True),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "signal_measures",
        sa.Column("controller_id", sa.Integer, sa.ForeignKey("signal_controllers.id"), primary_key=True),
        sa.Column("ts", BIG, primary_key=True),
        sa.Column("phase", sa.SmallInteger, primary_key=True),
        sa.Column("volume", sa.Float, nullable=False),
        sa.Column("aog_percent", sa.Float),
        sa.Column("split_failures", sa.Integer, nullable=False),
        sa.Column("cycles", sa.Integer, nullable=False),
        sa.Column("gap_outs", sa.Integer, nullable=False),
        sa.Column("max_outs", sa.Integer, nullable=False),
        sa.Column("force_offs", sa.Integer, nullable=False),
        sa.Column("green_s", sa.Float),
        sa.Column("ped_delay_s", sa.Float),
    )
    op.create_table(
        "signal_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("controller_id", sa.Integer, sa.ForeignKey("signal_controllers.id"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("period_start", sa.String(5), nullable=False),
        sa.Column("period_end", sa.String(5), nullable=False),
        sa.Column("days", sa.String(8), nullable=False),
        sa.Column("pattern", sa.Integer, nullable=False),
        sa.Column("cycle", sa.Float, nullable=False),
        sa.Column("offset", sa.Float, nullable=False),
        sa.Column("splits", sa.JSON, nullable=False),
        sa.Column("sequence", sa.JSON, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("applied", sa.Boolean, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
    )
    op.create_table(
        "signal_plan_applications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("controller_id", sa.Integer, sa.ForeignKey("signal_controllers.id"), nullable=False, index=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("signal_plans.id"), nullable=False),
        sa.Column("previous_plan_id", sa.Integer, sa.ForeignKey("signal_plans.id")),
        sa.Column("applied_by", sa.String(64), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.Column("rolled_back_at", UTCDateTime()),
        sa.Column("rolled_back_by", sa.String(64)),
    )
    op.create_table(
        "signal_faults",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("controller_id", sa.Integer, sa.ForeignKey("signal_controllers.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime()),
        sa.Column("incident_id", sa.Integer),
    )
    op.create_index("uq_signal_faults_open", "signal_faults", ["controller_id", "kind", "key"], unique=True,
                    postgresql_where=sa.text("closed_at IS NULL"), sqlite_where=sa.text("closed_at IS NULL"))
    op.create_table(
        "signal_counters",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("count", BIG, nullable=False),
        sa.Column("last_at", UTCDateTime()),
        sa.Column("last_detail", sa.String(300), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("signal_counters")
    op.drop_index("uq_signal_faults_open", "signal_faults")
    op.drop_table("signal_faults")
    op.drop_table("signal_plan_applications")
    op.drop_table("signal_plans")
    op.drop_table("signal_measures")
    op.drop_table("signal_events")
    op.drop_table("signal_controllers")
