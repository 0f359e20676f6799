"""Domino alerts remember what the follow-up of a withdrawn cause needs.

`source_event_id`: the event whose handling queued the alert (its outbox row gives the
alert's event id, which the notice replies to); `label`: the label the alert was sent
under (the notice keeps it); `withdrawn_at`: the room was told the cause no longer
holds (once; a cause that holds again alerts anew and clears it).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("domino_alerts") as batch:
        batch.add_column(sa.Column("source_event_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("label", sa.String(16), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("domino_alerts") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("label")
        batch.drop_column("source_event_id")
