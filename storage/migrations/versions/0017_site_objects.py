"""Object information partners hold about sites, and reports linked to those objects.

site_objects: one row per object, replaced per owner on every import of that owner's
file; `data` holds the validated object, the other columns are what queries filter on.
entry_objects: a report linked to an object it names; a removed link is kept (marked).

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_objects",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("municipality", sa.String(100), nullable=False),
        sa.Column("municipality_key", sa.String(100), nullable=False),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(255), nullable=False),
    )
    op.create_index("ix_site_objects_place", "site_objects", ["municipality_key", "kind"])
    op.create_index("ix_site_objects_owner", "site_objects", ["owner"])
    op.create_table(
        "entry_objects",
        sa.Column("entry_id", sa.Integer(), primary_key=True),
        sa.Column("object_id", sa.String(100), primary_key=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_by", sa.String(255), nullable=True),
    )
    op.create_index("ix_entry_objects_object_id", "entry_objects", ["object_id"])


def downgrade() -> None:
    op.drop_index("ix_entry_objects_object_id", table_name="entry_objects")
    op.drop_table("entry_objects")
    op.drop_index("ix_site_objects_owner", table_name="site_objects")
    op.drop_index("ix_site_objects_place", table_name="site_objects")
    op.drop_table("site_objects")
