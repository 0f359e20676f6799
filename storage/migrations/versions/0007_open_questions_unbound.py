"""Open questions remember whether they were asked outside any bound room.

A question from a direct chat (or another room without a binding) belongs to no
incident and no audience: situation pictures show it only in curator rooms.
Existing rows: asked in a room marked direct, or in a room that has no binding.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("open_questions") as batch:
        batch.add_column(sa.Column("unbound", sa.Boolean(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE open_questions SET unbound = TRUE"
        " WHERE room_id IN (SELECT room_id FROM rooms WHERE is_direct = TRUE)"
        " OR room_id NOT IN (SELECT room_id FROM room_bindings)"
    )


def downgrade() -> None:
    with op.batch_alter_table("open_questions") as batch:
        batch.drop_column("unbound")
