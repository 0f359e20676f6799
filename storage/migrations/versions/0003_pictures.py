"""Situation pictures: summary log, subscriptions, a room's public flag.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(sa.Column("public", sa.Boolean(), nullable=False, server_default="0"))
    op.create_table(
        "summary_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("incident", sa.String(100), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_summary_log_room_incident", "summary_log", ["room_id", "incident", "generated_at"]
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("incident", sa.String(100), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("at_time", sa.String(5), nullable=True),
        sa.Column("next_due_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_subscriptions_room_id", "subscriptions", ["room_id"])
    op.create_index("ix_subscriptions_next_due_at", "subscriptions", ["next_due_at"])


def downgrade() -> None:
    op.drop_table("subscriptions")
    op.drop_table("summary_log")
    # Not in batch mode: on SQLite that copies the table and drops the old one, and
    # dropping it (foreign keys on) cascaded to the rows that point at it (room_bindings).
    # SQLite drops a column in place since 3.35 (PostgreSQL always has).
    op.execute(sa.text("ALTER TABLE rooms DROP COLUMN public"))
