"""A follow-up that may not lower a hidden severe state is part of its item:
`entries.keeps_item_state`.

A follow-up from a room that cannot see an item's newer severe state, and that would
lower it, was recorded as an item of its own, so the coordinators kept the severe state
under "Aandacht". A follow-up naming THAT report was then answered "vervolg op" the
room's own report instead of the item: the room learned that a hidden severe state
exists. Such a follow-up is now recorded in the item, marked `keeps_item_state`: the
item's state skips it for a room that sees the severe state it would lower
(storage/items.py). Existing entries are unmarked (the ones kept apart stay items of
their own); the derived item table is rebuilt from the entries by the next refresh.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

_DERIVED = ("item_latest", "picture_watermark")


def _clear_derived() -> None:
    for table in _DERIVED:
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade() -> None:
    _clear_derived()
    # ADD COLUMN in place on both backends (a batch copy of `entries` on SQLite, foreign
    # keys on, would cascade to every entry's figures and revisions).
    op.add_column(
        "entries",
        sa.Column("keeps_item_state", sa.Boolean(), nullable=False, server_default="0"),
    )
    op.create_index("ix_entries_keeps_item_state", "entries", ["incident", "keeps_item_state"])


def downgrade() -> None:
    _clear_derived()
    # Without the marker such a follow-up would lower the hidden state: it becomes an
    # item of its own again, as before this revision.
    op.execute(sa.text("UPDATE entries SET item_id = id WHERE keeps_item_state"))
    op.drop_index("ix_entries_keeps_item_state", table_name="entries")
    # Not in batch mode (see 0034's downgrade): SQLite drops a column in place since 3.35.
    op.execute(sa.text("ALTER TABLE entries DROP COLUMN keeps_item_state"))
