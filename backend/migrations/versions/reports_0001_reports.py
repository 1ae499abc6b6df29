"""reports: shift reports made in the background (PDF and xlsx files in the media directory)

Revision ID: reports_0001
"""
import sqlalchemy as sa
from alembic import op

from backend.db import UTCDateTime

revision = "reports_0001"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("finished_at", UTCDateTime()),
        sa.Column("pdf_path", sa.String(300)),
        sa.Column("pdf_size", sa.Integer),
        sa.Column("xlsx_path", sa.String(300)),
        sa.Column("xlsx_size", sa.Integer),
    )


def downgrade() -> None:
    op.drop_table("reports")
