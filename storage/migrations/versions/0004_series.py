"""Series tables for the situation picture; entries.place and indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("place", sa.String(300), nullable=False, server_default="-"))
    op.execute("UPDATE entries SET place = COALESCE(municipality, location, '-')")
    op.create_index("ix_entries_incident_updated", "entries", ["incident", "updated_at"])
    op.create_index(
        "ix_entries_series",
        "entries",
        ["incident", "organisation", "place", "tlp_rank", "room_id", "category", "observed_at"],
    )
    op.create_index(
        "ix_entries_visibility",
        "entries",
        ["incident", "retracted_at", "tlp_rank", "room_id", "organisation"],
    )
    op.create_table(
        "series_latest",
        sa.Column("key", sa.String(900), primary_key=True),
        sa.Column("incident", sa.String(100), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_series_latest_incident", "series_latest", ["incident"])
    op.create_index("ix_series_latest_entry_id", "series_latest", ["entry_id"])
    op.create_table(
        "figure_latest",
        sa.Column("key", sa.String(900), primary_key=True),
        sa.Column("incident", sa.String(100), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("metric", sa.String(100), nullable=False),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("region", sa.String(200), nullable=True),
    )
    op.create_index("ix_figure_latest_incident", "figure_latest", ["incident"])
    op.create_index("ix_figure_latest_entry_id", "figure_latest", ["entry_id"])
    op.create_table(
        "picture_watermark",
        sa.Column("incident", sa.String(100), primary_key=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("picture_watermark")
    op.drop_table("figure_latest")
    op.drop_table("series_latest")
    op.drop_index("ix_entries_visibility", "entries")
    op.drop_index("ix_entries_series", "entries")
    op.drop_index("ix_entries_incident_updated", "entries")
    # Not in batch mode: on SQLite that copies the table and drops the old one, and
    # dropping it (foreign keys on) cascaded to the rows that point at it (entry_figures, entry_revisions).
    # SQLite drops a column in place since 3.35 (PostgreSQL always has).
    op.execute(sa.text("ALTER TABLE entries DROP COLUMN place"))
