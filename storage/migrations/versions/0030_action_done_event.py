"""Actions remember the message that closed them (`record_items.done_event_id`).

Deleting an `!actie klaar A-1` message, or editing it into another code, left the
action closed without a word (no command opens an action again): a task nobody did
was gone from `!acties` and the picture. With the closing message's id the bot opens
the action again when that message is deleted or no longer closes it. Actions closed
before the upgrade have none (their closing cannot be taken back this way).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("record_items") as batch:
        batch.add_column(sa.Column("done_event_id", sa.String(255), nullable=True))
    op.create_index("ix_record_items_done_event_id", "record_items", ["done_event_id"])


def downgrade() -> None:
    op.drop_index("ix_record_items_done_event_id", table_name="record_items")
    # Not in batch mode: on SQLite that copies the table and drops the old one, and
    # dropping it (foreign keys on) cascaded to the rows that point at it (record_revisions).
    # SQLite drops a column in place since 3.35 (PostgreSQL always has).
    op.execute(sa.text("ALTER TABLE record_items DROP COLUMN done_event_id"))
