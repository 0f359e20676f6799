"""Open questions: a question close to an open one is linked to it, with its audience.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("open_questions") as batch:
        batch.add_column(sa.Column("linked_to", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("audience", sa.String(64), nullable=True))
        batch.create_index("ix_open_questions_linked_to", ["linked_to"])


def downgrade() -> None:
    with op.batch_alter_table("open_questions") as batch:
        batch.drop_index("ix_open_questions_linked_to")
        batch.drop_column("audience")
        batch.drop_column("linked_to")
