"""item_latest: the current state of each situation item, per visibility class.

Like series_latest: one row per (incident, item, organisation, tlp label, room) with
the latest live entry of that class, so the picture reads each open item's current
state without ranking every entry of the incident. `attention` marks rows whose
entry is severe or extreme and not resolved (the attention section's candidates).
The table is a cache: `storage.series.refresh` fills it from entries on the next
picture (the incident's watermark is reset so the first picture rebuilds).

Revision ID: 0022
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "item_latest",
        sa.Column("key", sa.String(900), primary_key=True),
        sa.Column("incident", sa.String(100), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=True),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.DateTime(), nullable=False),
        sa.Column("attention", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_item_latest_attention", "item_latest", ["incident", "attention"])
    op.create_index("ix_item_latest_item", "item_latest", ["incident", "item_id"])
    op.create_index("ix_item_latest_entry_id", "item_latest", ["entry_id"])
    # Existing incidents: their series tables are current, the new one is empty. Without
    # a watermark the next picture rebuilds all three from entries.
    op.execute("DELETE FROM picture_watermark")


def downgrade() -> None:
    op.drop_index("ix_item_latest_entry_id", table_name="item_latest")
    op.drop_index("ix_item_latest_item", table_name="item_latest")
    op.drop_index("ix_item_latest_attention", table_name="item_latest")
    op.drop_table("item_latest")
