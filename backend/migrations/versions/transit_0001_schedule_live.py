"""transit: the GTFS schedule (feeds, stops, routes, trips, stop times, shapes, services, frequencies),
live vehicles and positions, observed stop events, boards, alerts, faults and drop counts

Revision ID: transit_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "transit_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "transit_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("route_id", sa.String(64)),
        sa.Column("stop_ids", sa.JSON, nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime()),
        sa.Column("header_ru", sa.String(200), nullable=False),
        sa.Column("header_en", sa.String(200), nullable=False),
        sa.Column("text_ru", sa.String(2000), nullable=False),
        sa.Column("text_en", sa.String(2000), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "transit_boards",
        sa.Column("stop_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("last_seen_at", UTCDateTime()),
        sa.Column("silent", sa.Boolean, nullable=False),
        sa.Column("incident_id", sa.Integer),
    )
    op.create_table(
        "transit_drops",
        sa.Column("reason", sa.String(32), primary_key=True),
        sa.Column("count", BIG, nullable=False),
    )
    op.create_table(
        "transit_faults",
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("subject", sa.String(128), primary_key=True),
        sa.Column("incident_id", sa.Integer),
        sa.Column("since", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "transit_feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
    )
    op.create_table(
        "transit_frequencies",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("trip_id", sa.String(128), primary_key=True),
        sa.Column("start_s", sa.Integer, primary_key=True),
        sa.Column("end_s", sa.Integer, nullable=False),
        sa.Column("headway_s", sa.Integer, nullable=False),
    )
    op.create_table(
        "transit_positions",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("vehicle_id", sa.String(64), nullable=False, index=True),
        sa.Column("ts", BIG, nullable=False, index=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("trip_id", sa.String(128)),
        sa.Column("dist_m", sa.Float),
    )
    op.create_index("ix_transit_positions_trip", "transit_positions", ["trip_id", "ts"])
    op.create_table(
        "transit_routes",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("route_id", sa.String(64), primary_key=True),
        sa.Column("short_name", sa.String(64), nullable=False),
        sa.Column("long_name", sa.String(200), nullable=False),
        sa.Column("route_type", sa.Integer, nullable=False),
        sa.Column("color", sa.String(6), nullable=False),
    )
    op.create_table(
        "transit_services",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("service_id", sa.String(64), primary_key=True),
        sa.Column("days", sa.String(7), nullable=False),
        sa.Column("start_date", sa.String(8), nullable=False),
        sa.Column("end_date", sa.String(8), nullable=False),
        sa.Column("added", sa.JSON, nullable=False),
        sa.Column("removed", sa.JSON, nullable=False),
    )
    op.create_table(
        "transit_shapes",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("shape_id", sa.String(128), primary_key=True),
        sa.Column("points", sa.JSON, nullable=False),
    )
    op.create_table(
        "transit_stop_events",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("service_date", sa.String(8), nullable=False),
        sa.Column("trip_id", sa.String(128), nullable=False),
        sa.Column("route_id", sa.String(64), nullable=False),
        sa.Column("vehicle_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("stop_id", sa.String(64), nullable=False, index=True),
        sa.Column("arr_ts", BIG, nullable=False, index=True),
        sa.Column("dep_ts", BIG, nullable=False),
    )
    op.create_index("uq_transit_stop_events", "transit_stop_events", ["service_date", "trip_id", "seq"], unique=True)
    op.create_table(
        "transit_stop_times",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("trip_id", sa.String(128), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("stop_id", sa.String(64), nullable=False),
        sa.Column("arr_s", sa.Integer, nullable=False),
        sa.Column("dep_s", sa.Integer, nullable=False),
        sa.Column("dist_m", sa.Float, nullable=False),
    )
    op.create_table(
        "transit_stops",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("stop_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
    )
    op.create_table(
        "transit_trips",
        sa.Column("feed_id", sa.Integer, primary_key=True),
        sa.Column("trip_id", sa.String(128), primary_key=True),
        sa.Column("route_id", sa.String(64), nullable=False),
        sa.Column("service_id", sa.String(64), nullable=False),
        sa.Column("direction_id", sa.Integer, nullable=False),
        sa.Column("shape_id", sa.String(128), nullable=False),
        sa.Column("block_id", sa.String(128), nullable=False),
        sa.Column("headsign", sa.String(200), nullable=False),
    )
    op.create_table(
        "transit_vehicles",
        sa.Column("vehicle_id", sa.String(64), primary_key=True),
        sa.Column("ts", BIG, nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("speed", sa.Float),
        sa.Column("bearing", sa.Float),
        sa.Column("route_id", sa.String(64)),
        sa.Column("trip_id", sa.String(128)),
        sa.Column("service_date", sa.String(8)),
        sa.Column("dist_m", sa.Float),
        sa.Column("next_seq", sa.Integer),
        sa.Column("delay_s", sa.Integer),
        sa.Column("arr_ts", BIG),
        sa.Column("off_route", sa.Boolean, nullable=False),
        sa.Column("matched", sa.String(16), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for name in ("transit_vehicles", "transit_trips", "transit_stops", "transit_stop_times", "transit_stop_events", "transit_shapes", "transit_services", "transit_routes", "transit_positions", "transit_frequencies", "transit_feeds", "transit_faults", "transit_drops", "transit_boards", "transit_alerts"):
        op.drop_table(name)
