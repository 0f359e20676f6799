"""Outbox rows know whether they are for curators only; their source events are indexed.

- `outbox.curators_only`: the row names who asked a question (a curator notice,
  `!vragen`, the curators' picture); the sender voids it when its room is no curator
  room any more by the time of the send (bot/sender.py). Rows queued before: false.
- `ix_outbox_source_event_id`: a question's withdrawal, an alert's refusal and the
  redaction of a reply look the rows of one event up by it (each read the whole table).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("curators_only", sa.Boolean(), nullable=False, server_default="0")
        )
    op.create_index("ix_outbox_source_event_id", "outbox", ["source_event_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_source_event_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("curators_only")
