"""Assessments, decisions and actions (issue 16): record_items and their revisions.

record_items: the current revision of each item (O-n, B-n, A-n), with its label,
owner, due time (valid until / takes effect / deadline), reminder state, done and
withdrawn marks. record_revisions: every revision's snapshot, never deleted.

Revision ID: 0018
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "record_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("incident", sa.String(100), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("author", sa.String(255), nullable=False),
        sa.Column("source_event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("origin_event_id", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(255), nullable=True),
        sa.Column("owner_room", sa.String(255), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("remind_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.Column("reminder_late", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by", sa.String(255), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("kind", "number", name="uq_record_kind_number"),
    )
    op.create_index(
        "ix_record_items_incident_kind", "record_items", ["incident", "kind", "withdrawn_at"]
    )
    op.create_index("ix_record_items_reminder", "record_items", ["remind_at", "reminded_at"])
    op.create_table(
        "record_revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "item_id",
            sa.Integer(),
            sa.ForeignKey("record_items.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source_event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("item_id", "revision", name="uq_record_revision"),
    )
    op.create_index("ix_record_revisions_item_id", "record_revisions", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_record_revisions_item_id", table_name="record_revisions")
    op.drop_table("record_revisions")
    op.drop_index("ix_record_items_reminder", table_name="record_items")
    op.drop_index("ix_record_items_incident_kind", table_name="record_items")
    op.drop_table("record_items")
