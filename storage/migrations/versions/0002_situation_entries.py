"""Incidents, organisations, situation entries with revisions and figures.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("slug", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("phase", sa.String(16), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by", sa.String(255), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "organisations",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(64), nullable=True),
        sa.Column("sector", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident", sa.String(100), nullable=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("reporter", sa.String(255), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("source_event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("observed_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("municipality", sa.String(200), nullable=True),
        sa.Column("region", sa.String(200), nullable=True),
        sa.Column("location", sa.String(300), nullable=True),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("sector", sa.String(100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.Column("retracted_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_entries_room_id", "entries", ["room_id"])
    op.create_index("ix_entries_incident_recorded", "entries", ["incident", "recorded_at"])
    op.create_index("ix_entries_incident_category", "entries", ["incident", "category"])
    op.create_table(
        "entry_revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source_event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("entry_id", "revision", name="uq_entry_revision"),
    )
    op.create_index("ix_entry_revisions_entry_id", "entry_revisions", ["entry_id"])
    op.create_table(
        "entry_figures",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "entry_id",
            sa.Integer(),
            sa.ForeignKey("entries.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("metric", sa.String(100), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=True),
        sa.Column("label", sa.String(100), nullable=False),
    )
    op.create_index("ix_entry_figures_entry_id", "entry_figures", ["entry_id"])
    op.create_index("ix_entry_figures_metric", "entry_figures", ["metric"])


def downgrade() -> None:
    for table in ("entry_figures", "entry_revisions", "entries", "organisations", "incidents"):
        op.drop_table(table)
