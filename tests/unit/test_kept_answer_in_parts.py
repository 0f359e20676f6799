"""A kept answer too long for one event goes in parts, each naming the kept question.

When one part was voided after another had gone (a third member joined the chat between
them), the answer was kept again, and its next delivery sent every part anew: the asker
read the part that had reached them twice. A delivery now leaves out the parts an
earlier delivery of the same kept answer sent (resumable, no doubles); the first part it
does send notifies the asker, as the first part of a whole delivery does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.handling import log_and_queue
from bot.sender import OutboxSender
from commands.message import Message, Reply
from storage import open_questions, outbox
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
DM = RoomId("!dm:x")
ANNA = UserId("@anna:x")
LINES = [f"Stap {n}: ga naar de kazerne via de dijk, {'x' * 90}" for n in range(600)]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "parts.db")
    yield database
    await database.close()


def _kept_reply(question_id: int, event: str) -> Reply:
    text = f"{ANNA}: V{question_id} — antwoord\n" + "\n".join(LINES)
    return Reply(
        text=text,
        html=text,
        room_id=DM,
        reply_to=EventId(event),
        notify=True,
        mentions=(ANNA,),
        tlp="GREEN",
        kept_question=question_id,
    )


async def _deliver(db: Database, question_id: int, event: str) -> list[OutboxMessage]:
    message = Message(EventId(event), DM, ANNA, "Hallo", AT)
    async with db.transaction() as session:
        question = await open_questions.get(session, question_id)
        assert question is not None
        question.status = "answered"
        return await log_and_queue(session, message, [_kept_reply(question_id, event)], "kept")


async def test_a_part_sent_before_another_was_voided_is_not_sent_again(db: Database) -> None:
    async with db.transaction() as session:
        question = await open_questions.add(
            session, asker=ANNA, room_id=str(DM), event_id="$q", question="Waarheen?",
            label="GREEN", organisation=None, incident=None, nearest=[], asked_at=AT,
            unbound=True,
        )  # fmt: skip
        open_questions.answer(question, "lang", "@cur:x", AT, None)
        question.status = open_questions.HELD
        question_id = question.id
    first = await _deliver(db, question_id, "$hallo1")
    assert len(first) >= 2
    async with db.transaction() as session:
        await outbox.mark_sent(session, first[0].id, "$part1")
    sender = OutboxSender(object(), db, encryption=False)  # type: ignore[arg-type]
    for row in first[1:]:
        await sender._void(row)
    async with db.session() as session:
        kept = await open_questions.get(session, question_id)
        assert kept is not None and kept.status == open_questions.HELD
    again = await _deliver(db, question_id, "$hallo2")
    bodies = [str(row.content["body"]) for row in again]
    assert str(first[0].content["body"]) not in bodies, "part 1 delivered twice"
    assert [str(row.content["body"]) for row in first[1:]] == bodies
    # The asker is notified by the first part that goes now.
    assert again[0].content["msgtype"] == "m.text"
    assert again[0].content["m.mentions"] == {"user_ids": [ANNA]}
