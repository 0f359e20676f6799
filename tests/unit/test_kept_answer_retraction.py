"""A curator deletes an `!antwoord` whose answer was kept for an asker who left their
direct chat (commands/held_answers.py, commands/answer_retraction.py; leftovers13).

The retraction found the answered questions by the replies the command queued; a kept
answer queued none, so deleting the command left it kept: the asker got the wrong
answer the next time she wrote to the bot, and the question stayed closed. Now a kept
answer of a deleted command is dropped (the question open again), and one delivered
since is taken back in the chat it went to.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from commands.dispatcher import CommandSettings
from storage import open_questions, rooms
from storage.engine import Database
from storage.ids import RoomId
from tests.support.chat import bound_views, texts
from tests.unit.test_question_redaction import (
    ALICE,
    CURATOR,
    CURATORS,
    QUESTION,
    Chat,
    db,
    in_room,
    redactions,
)

__all__ = ["db"]  # the fixture, imported for pytest

DM = RoomId("!dm-alice:x")
DM2 = RoomId("!dm-alice-2:x")


def _chat(db: Database) -> Chat:
    async def members(room_id: str, user_id: str) -> bool | None:
        return room_id != DM  # Alice left her first chat with the bot

    probe: Callable[[str, str], Awaitable[bool | None]] = members
    settings = CommandSettings(bot_user_id="@bot:x", members=probe)
    return Chat(db, bound_views(direct=(DM, DM2)), settings)


async def _kept(db: Database, chat: Chat) -> str:
    """Alice asked in her direct chat and left; the curator answered: kept. Returns the
    curator's command."""
    async with db.transaction() as session:
        for room in (DM, DM2):
            (await rooms.ensure(session, room)).is_direct = True
    await chat.ask(DM, ALICE, QUESTION)
    await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, neem haar mee.")
    async with db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "held", row.status if row else None
    return chat.last


async def test_a_deleted_answer_is_not_delivered_later_from_the_kept_store(db: Database) -> None:
    chat = _chat(db)
    command = await _kept(db, chat)
    taken = await chat.redact(CURATORS, CURATOR, command)
    assert "V1" in in_room(taken, CURATORS), texts(taken)
    async with db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "open" and row.answer is None, row.status
    back = await chat.say(DM2, ALICE, "Hallo, ik ben er weer.")
    assert "neem haar mee" not in texts(back), texts(back)


async def test_a_kept_answer_delivered_since_is_taken_back(db: Database) -> None:
    chat = _chat(db)
    command = await _kept(db, chat)
    back = await chat.say(DM2, ALICE, "Hallo, ik ben er weer.")
    assert "neem haar mee" in in_room(back, DM2), texts(back)
    delivered_by = chat.last
    taken = await chat.redact(CURATORS, CURATOR, command)
    assert [(str(r.source_event_id), str(r.room_id)) for r in redactions(taken)] == [
        (delivered_by, str(DM2))
    ], texts(taken)
    assert "V1" in in_room(taken, DM2) and "V1" in in_room(taken, CURATORS), texts(taken)
    async with db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "open", row.status


async def test_every_part_of_a_kept_answer_delivered_in_parts_is_taken_back(
    db: Database,
) -> None:
    """A kept answer too long for one event goes in parts, each a row naming the kept
    question; the retraction took back the last row only, and the earlier parts stayed
    in the asker's chat."""
    from sqlalchemy import select

    from storage.models import OutboxMessage
    from storage.outbox import KEPT_QUESTION

    chat = _chat(db)
    async with db.transaction() as session:
        for room in (DM, DM2):
            (await rooms.ensure(session, room)).is_direct = True
    await chat.ask(DM, ALICE, QUESTION)
    long = "\n".join(f"Stap {n}: neem haar mee naar de kazerne, {'x' * 80}" for n in range(500))
    await chat.say(CURATORS, CURATOR, f"!antwoord V1 {long}")
    command = chat.last
    await chat.say(DM2, ALICE, "Hallo, ik ben er weer.")
    async with db.session() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    parts = [r.id for r in rows if (r.content or {}).get(KEPT_QUESTION) == 1]
    assert len(parts) >= 2, len(parts)
    taken = await chat.redact(CURATORS, CURATOR, command)
    assert sorted(r.reply_row for r in redactions(taken)) == parts, texts(taken)
