"""A curator deletes an `!antwoord` whose answer went in parts (leftovers13).

An answer too large for one event goes as several (bot/sender.reply_parts), each a
reply to the question. The retraction queued one redaction per question, which the
sender resolved to the first part: the other parts stayed with the asker. Now one
redaction per part, each naming its outbox row.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.engine import Database
from storage.models import OutboxMessage
from tests.support.chat import texts
from tests.unit.test_question_redaction import (
    ALICE,
    CURATOR,
    CURATORS,
    QUESTION,
    TOWN,
    Chat,
    db,
    redactions,
    view,
)

__all__ = ["db"]  # the fixture, imported for pytest

LINE = "Neem haar mee naar de Vlinderhal; meld het bij de ingang aan de coördinator. "


async def test_every_part_of_a_deleted_answer_is_taken_back(db: Database) -> None:
    chat = Chat(db, view)
    await chat.ask(TOWN, ALICE, QUESTION)
    long_answer = "\n".join(f"{n}. {LINE * 4}" for n in range(150))
    await chat.say(CURATORS, CURATOR, f"!antwoord V1 {long_answer}")
    command = chat.last
    async with db.session() as session:
        parts = (
            await session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.source_event_id == command,
                    OutboxMessage.room_id == TOWN,
                    OutboxMessage.kind == "message",
                )
            )
        ).all()
    assert len(parts) >= 2, parts  # the answer went in parts
    taken = await chat.redact(CURATORS, CURATOR, command)
    in_town = [r for r in redactions(taken) if r.room_id == TOWN]
    assert len(in_town) == len(parts), texts(taken)
    assert sorted(getattr(r, "reply_row", None) for r in in_town) == sorted(parts)
