"""Domino alerts remember what the follow-up of a withdrawn cause needs.

`source_event_id`: the event whose handling queued the alert (its outbox row gives the
alert's event id, which the notice replies to); `label`: the label the alert was sent
under (the notice keeps it); `withdrawn_at`: the room was told the cause no longer
holds (once; a cause that holds again alerts anew and clears it).

Open questions: a question whose text carries a TLP marking ("… TLP:RED", a line
`tlp: rood`) was kept under its room's default label before questions read markings.
Its label is raised to the marking (never lowered), so linking, the curators' posts,
pictures and learned phrasings follow it from now on, also for questions asked before.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from storage import tlp

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("domino_alerts") as batch:
        batch.add_column(sa.Column("source_event_id", sa.String(255), nullable=True))
        batch.add_column(sa.Column("label", sa.String(16), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
    _raise_marked_questions()


def _raise_marked_questions() -> None:
    questions = sa.table(
        "open_questions",
        sa.column("id", sa.Integer()),
        sa.column("question", sa.Text()),
        sa.column("tlp", sa.String()),
        sa.column("tlp_rank", sa.Integer()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(questions.c.id, questions.c.question, questions.c.tlp))
    for question_id, text, label in rows.all():
        marked = tlp.text_marking(text or "")
        if marked is None or label not in tlp.RANK or tlp.RANK[marked] <= tlp.RANK[label]:
            continue
        connection.execute(
            questions.update()
            .where(questions.c.id == question_id)
            .values(tlp=marked, tlp_rank=tlp.RANK[marked])
        )


def downgrade() -> None:
    with op.batch_alter_table("domino_alerts") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("label")
        batch.drop_column("source_event_id")
