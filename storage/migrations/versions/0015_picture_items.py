"""One name for the situation picture, and situation items.

summary_log -> picture_log (the `!beeld` concept is called "picture" throughout),
with `full` (False for a one-line "nothing changed" scheduled post) and `digest` (what
the picture showed, to tell whether anything did change).

entries.item_id: the situation item an entry belongs to, the id of the entry that
opened it. A report opens an item (item_id = its own id); a follow-up (a reply to the
report or to its confirmation, or `betreft: M-7`) joins the item it follows. Existing
entries become their own items.

Revision ID: 0015
Revises: 0017
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_summary_log_room_incident", table_name="summary_log")
    op.rename_table("summary_log", "picture_log")
    with op.batch_alter_table("picture_log") as batch:
        batch.add_column(sa.Column("full", sa.Boolean(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("digest", sa.String(64), nullable=True))
    op.create_index(
        "ix_picture_log_room_incident", "picture_log", ["room_id", "incident", "generated_at"]
    )
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("item_id", sa.Integer(), nullable=True))
    op.execute("UPDATE entries SET item_id = id")
    op.create_index("ix_entries_item", "entries", ["incident", "item_id", "observed_at"])


def downgrade() -> None:
    op.drop_index("ix_entries_item", table_name="entries")
    # Not in batch mode: on SQLite that copies the table and drops the old one, and
    # dropping it (foreign keys on) cascaded to the rows that point at it (entry_figures, entry_revisions).
    # SQLite drops a column in place since 3.35 (PostgreSQL always has).
    op.execute(sa.text("ALTER TABLE entries DROP COLUMN item_id"))
    op.drop_index("ix_picture_log_room_incident", table_name="picture_log")
    with op.batch_alter_table("picture_log") as batch:
        batch.drop_column("digest")
        batch.drop_column("full")
    op.rename_table("picture_log", "summary_log")
    op.create_index(
        "ix_summary_log_room_incident", "summary_log", ["room_id", "incident", "generated_at"]
    )
