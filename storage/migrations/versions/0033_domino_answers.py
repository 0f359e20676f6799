"""Every answer to a domino item is kept: `domino_answers`, one row per (item, report).

An item kept one answer (`domino_items.closed_by_entry_id`, the one most rooms may see).
When two partners answered it, or one answered twice, the others were lost: retracting
the kept one reopened the item for every room (a false alarm in the coordinators'
picture while another answer stood), and a partner whose own higher-labelled answer
was not kept saw its item open again. Each answer now has its row; a room sees the item
answered while a live answer it may see stands (storage/network.py). The answers kept
before are copied over; `closed_by_entry_id` stays as the widest answer (for a
downgrade, which drops the table and leaves the one answer it always kept).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "domino_answers",
        sa.Column("item_id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.Integer(), primary_key=True),
    )
    op.create_index("ix_domino_answers_entry", "domino_answers", ["entry_id"])
    op.execute(
        "INSERT INTO domino_answers (item_id, entry_id) SELECT id, closed_by_entry_id "
        "FROM domino_items WHERE closed_by_entry_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_domino_answers_entry", table_name="domino_answers")
    op.drop_table("domino_answers")
