"""Portal links: personal, expiring links to a room's read-only web view of the picture.

Only the SHA-256 of a link's token is stored: a copy of the database opens no page.

Revision ID: 0021
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_links",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("created_by", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked", sa.Boolean(), nullable=False, server_default="0"),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ux_portal_links_token_hash", "portal_links", ["token_hash"], unique=True)
    op.create_index("ix_portal_links_room_user", "portal_links", ["room_id", "created_by"])


def downgrade() -> None:
    op.drop_index("ix_portal_links_room_user", table_name="portal_links")
    op.drop_index("ux_portal_links_token_hash", table_name="portal_links")
    op.drop_table("portal_links")
