"""Redactions leave a mark, and an open question can be withdrawn by its asker.

redacted_events: one row per event the bot saw that was later redacted by its sender
(or by a member with the room's `redact` power), in its own room. A later edit
(`m.replace`) of such an event does nothing but say the original was withdrawn: the
bot keeps no words of a redacted event, so without the mark an edit of it would be
read as a new message (a new free-text offer, a new report, a new question).

open_questions.withdrawn_at: when the asker redacted the message that asked it (the
question's words are erased then). open_questions.origin_event_id: the message whose
edit asked the question (an edit of a message is read as the message it now is), so
redacting that message withdraws the question as well.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "redacted_events",
        sa.Column("event_id", sa.String(255), primary_key=True),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("redacted_by", sa.String(255), nullable=False),
        sa.Column("redaction_event_id", sa.String(255), nullable=False),
        sa.Column("redacted_at", sa.DateTime(), nullable=False),
    )
    with op.batch_alter_table("open_questions") as batch:
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("origin_event_id", sa.String(255), nullable=True))
        batch.create_index("ix_open_questions_origin_event_id", ["origin_event_id"])


def downgrade() -> None:
    with op.batch_alter_table("open_questions") as batch:
        batch.drop_index("ix_open_questions_origin_event_id")
        batch.drop_column("origin_event_id")
        batch.drop_column("withdrawn_at")
    op.drop_table("redacted_events")
