"""entries.origin_event_id: the message an entry's report edited (a refused report fixed by an edit).

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("origin_event_id", sa.String(255), nullable=True))
    # Unique: one message leads to at most one entry, however often it is edited.
    op.create_index("ux_entries_origin_event", "entries", ["origin_event_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_entries_origin_event", table_name="entries")
    # Not in batch mode: on SQLite that copies the table and drops the old one, and
    # dropping it (foreign keys on) cascaded to the rows that point at it (entry_figures, entry_revisions).
    # SQLite drops a column in place since 3.35 (PostgreSQL always has).
    op.execute(sa.text("ALTER TABLE entries DROP COLUMN origin_event_id"))
