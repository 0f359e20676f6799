"""Reports as liaisons type them: figure estimates and the free-text option of a room.

entry_figures.estimate: the liaison gave the figure as an estimate ("ca. 120").
room_bindings.free_text: what the bot does with free text that reads as an update in
a liaison room: "offer" (ask, record on `ja` or a thumbs-up), "direct" (record at once
and confirm) or "off".
pending_offers: an offer made for a free-text message, so a `ja` or a reaction records
it once, also after a restart.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entry_figures") as batch:
        batch.add_column(sa.Column("estimate", sa.Boolean(), nullable=False, server_default="0"))
    with op.batch_alter_table("room_bindings") as batch:
        batch.add_column(
            sa.Column("free_text", sa.String(16), nullable=False, server_default="offer")
        )
    op.create_table(
        "pending_offers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("message_event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("offer_event_id", sa.String(255), nullable=True),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("entry_code", sa.String(32), nullable=True),
    )
    op.create_index("ix_pending_offers_room", "pending_offers", ["room_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_pending_offers_room", table_name="pending_offers")
    op.drop_table("pending_offers")
    with op.batch_alter_table("room_bindings") as batch:
        batch.drop_column("free_text")
    with op.batch_alter_table("entry_figures") as batch:
        batch.drop_column("estimate")
