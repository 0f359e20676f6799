"""Outbox rows remember the label of what they show, for a check just before the send.

A reply is built for what its room may see when it is queued, and sent later (behind a
backlog, a rate limit, an outage, after a restart). The sender now checks each row
against the room's binding as it is then (storage/tlp.py: `may_still_see`):

- `tlp`: the highest label the row shows (CLEAR when nothing labelled);
- `tlp_shared`: the highest label of it that may be other rooms' posts (the rest is
  the room's own, which it always sees unless it is public);
- `tlp_org`: the room's organisation when the row was queued (AMBER+STRICT stays in it).

Rows queued before this migration keep NULL: the sender takes the highest label their
text names and treats all of it as other rooms' posts (bot/sender.py: `row_label`).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("tlp", sa.String(16), nullable=True))
        batch.add_column(sa.Column("tlp_shared", sa.String(16), nullable=True))
        batch.add_column(sa.Column("tlp_org", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("tlp_org")
        batch.drop_column("tlp_shared")
        batch.drop_column("tlp")
