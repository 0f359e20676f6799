"""Outbox rows know whether they are for curators only; their source events are indexed.

- `outbox.curators_only`: the row names who asked a question (a curator notice,
  `!vragen`, the curators' picture); the sender voids it when its room is no curator
  room any more by the time of the send (bot/sender.py). Rows queued before: false.
- `ix_outbox_source_event_id`: a question's withdrawal, an alert's refusal and the
  redaction of a reply look the rows of one event up by it (each read the whole table).
- Stored labels raised to the markings their words carry as the reader reads them now
  (as migration 0027 did, storage/migrations/marking_raise.py), never lowered: since
  0027 a report's marking counts in its fields' values too (`bron: Situatierapport
  Waterschap, TLP:RED`, `locatie: gemaal [TLP:RED]`), and the strict label is read
  however it is punctuated (`TLP:AMBER/STRICT`, `AMBER (STRICT)`, `AMBER – STRICT`).
  Reports, their revisions, records, Q&As, guidance and open questions stored before
  kept the room's default or plain AMBER. Outbox rows still waiting that may show a
  raised item are raised with it (`marking_raise.raise_waiting`).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from storage.migrations import marking_raise

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
    # A report's free words: its text and the fields a marking may be written in.
    raised = marking_raise.raise_all(
        "migration 0029", ("location", "source", "sector", "municipality", "region")
    )
    # Rows queued before the upgrade and still waiting (a homeserver down) carry the
    # label they were queued with: raised as the bot raises them, or they would go out
    # to rooms that may no longer see what they show.
    marking_raise.raise_waiting(raised)


def downgrade() -> None:
    """The column and the index go; a raised label is not lowered again."""
    op.drop_index("ix_outbox_source_event_id", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("curators_only")
