"""An index on processed_events by sender, for the owner look-up of an action.

`records.owner_room_of_user` asks in which bound rooms a user last wrote; without
this index it read every handled event of those rooms (the table grows by one row
per message). With (sender, room_id, origin_ts) it reads only that user's rows.

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-03
"""

from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_processed_events_sender", "processed_events", ["sender", "room_id", "origin_ts"]
    )


def downgrade() -> None:
    op.drop_index("ix_processed_events_sender", table_name="processed_events")
