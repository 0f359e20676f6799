"""Bot state: sync token, processed events, outbox, rooms, bindings, audit, lock.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kv",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("effect", sa.String(64), nullable=False),
        sa.Column("origin_ts", sa.DateTime(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_processed_events_room_id", "processed_events", ["room_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("txn_id", sa.String(128), nullable=False, unique=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("source_event_id", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("failed_at", sa.DateTime(), nullable=True),
        sa.Column("result_event_id", sa.String(255), nullable=True),
    )
    op.create_index("ix_outbox_room_id", "outbox", ["room_id"])
    op.create_index("ix_outbox_sent_at", "outbox", ["sent_at"])
    op.create_table(
        "rooms",
        sa.Column("room_id", sa.String(255), primary_key=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_direct", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=True),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.Column("left_reason", sa.String(64), nullable=True),
        sa.Column("greeted", sa.Boolean(), nullable=False),
        sa.Column("replaced_by", sa.String(255), nullable=True),
        sa.Column("last_event_id", sa.String(255), nullable=True),
        sa.Column("last_event_ts", sa.BigInteger(), nullable=True),
    )
    op.create_table(
        "room_bindings",
        sa.Column(
            "room_id",
            sa.String(255),
            sa.ForeignKey("rooms.room_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("incident", sa.String(100), nullable=True),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("tlp_default", sa.String(16), nullable=False),
        sa.Column("clearance", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("bound_by", sa.String(255), nullable=False),
        sa.Column("bound_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "pending_encrypted",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_pending_encrypted_room_id", "pending_encrypted", ["room_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])
    op.create_table(
        "instance_lock",
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("owner", sa.String(255), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "instance_lock",
        "audit_log",
        "pending_encrypted",
        "room_bindings",
        "rooms",
        "outbox",
        "processed_events",
        "kv",
    ):
        op.drop_table(table)
