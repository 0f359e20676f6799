"""Exercise incidents: `incidents.exercise`.

An exercise (oefening) is an incident like any other, marked so that everything it
produces says OEFENING and nothing of it mixes with real incidents (storage/exercise.py).

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(
            sa.Column("exercise", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("exercise")
