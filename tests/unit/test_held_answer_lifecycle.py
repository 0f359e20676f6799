"""A kept answer (commands/held_answers.py: the asker left their direct chat before the
curators answered) until it really reaches its asker.

- Voided on the way: the reply that delivers it is checked just before the send; when
  the chat has a third member by then, the sender voids it. The question was marked
  answered when the reply was built, so the answer was lost: it must be kept again.
- Withdrawn: an asker who takes the kept question back (redacts it) gets no answer to
  it any more (their words are erased; "that answer stands" was untrue: none was sent).
- Aged: a text answer kept longer than `held_answers.KEPT_FOR` is not delivered (a
  crisis moves on: a week-old "go to the barracks" misleads); a Q&A is checked current
  when delivered anyway.
- Listed: `!vragen` in a curator room names the kept answers, so curators see who still
  waits for one (and which of them lapsed).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from nio import MatrixRoom

from bot.sender import OutboxSender, queue_reply
from commands.dispatcher import RoomView
from commands.message import Relation, Reply
from storage import rooms
from storage.engine import Database
from storage.ids import EventId, RoomId
from storage.models import OutboxMessage
from tests.support.chat import dispatch, texts
from tests.unit.test_answer_asker_left import NEW_DM, _dispatcher
from tests.unit.test_answers_learn import ANNA, DIRECT, NOW, WATER_1, send, view
from tests.unit.test_attack_answer_public_dm import note_direct
from tests.unit.test_attack_answers import db, status_of

__all__ = ["db"]

BOT = "@knooppunt:x"
DM3 = RoomView(room_id=RoomId("!dm3:x"), is_direct=True)  # a third chat of her own


async def _kept(db: Database) -> EventId:
    """Anna asked in her direct chat, left it, and a curator answered: the answer is kept.
    Returns the asking event."""
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    await note_direct(db)
    asked, _ = await send(db, dispatcher, DIRECT, f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert await status_of(db, 1) == "held"
    return asked


class _Client:
    def __init__(self, room: MatrixRoom) -> None:
        self.rooms = {room.room_id: room}


def _group_chat() -> MatrixRoom:
    """Anna's new direct chat, with a third member who joined just before the send."""
    room = MatrixRoom(NEW_DM.room_id, BOT)
    room.join_rule = "invite"
    room.history_visibility = "shared"
    for member in (BOT, ANNA, "@carla:elders"):
        room.add_member(member, None, None)
    return room


async def test_a_kept_answer_whose_delivery_is_voided_is_kept_again(db: Database) -> None:
    await _kept(db)
    async with db.transaction() as session:
        (await rooms.ensure(session, RoomId(NEW_DM.room_id))).is_direct = True
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    event, replies = await send(db, dispatcher, NEW_DM, "Hallo, ik ben er weer.", ANNA)
    kept = [r for r in replies if r.notify and "Bij de kazernes" in r.text]
    assert len(kept) == 1
    async with db.transaction() as session:
        row = await queue_reply(session, RoomId(NEW_DM.room_id), kept[0], "held-1", None, event)
    assert isinstance(row, OutboxMessage)
    sender = OutboxSender(_Client(_group_chat()), db, encryption=False)  # type: ignore[arg-type]
    assert await sender._send_row(row, asyncio.Event())
    async with db.session() as session:
        ended = await session.get(OutboxMessage, row.id)
        assert ended is not None and ended.failed_at is not None  # voided, not sent
    assert await status_of(db, 1) == "held"
    # Back in a chat of her own, she gets it then.
    _, again = await send(db, dispatcher, DM3, "Nu alleen.", ANNA)
    assert [r for r in again if r.notify and "Bij de kazernes" in r.text]


async def test_a_withdrawn_kept_question_gets_no_answer(db: Database) -> None:
    asked = await _kept(db)
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    _, told = await dispatch(
        db, dispatcher, DIRECT, ANNA, "", NOW, kind="redaction",
        relation=Relation(redacts=asked),
    )  # fmt: skip
    assert "al beantwoord" not in texts(told) and "ingetrokken" in texts(told), texts(told)
    assert await status_of(db, 1) == "withdrawn"
    _, replies = await send(db, dispatcher, NEW_DM, "Hallo, ik ben er weer.", ANNA)
    assert not [r for r in replies if "Bij de kazernes" in r.text]


async def test_a_text_answer_kept_too_long_is_not_delivered(db: Database) -> None:
    await _kept(db)
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    later = NOW + timedelta(days=8)
    _, replies = await dispatch(db, dispatcher, NEW_DM, ANNA, "Hallo, ik ben er weer.", later)
    assert not [r for r in replies if isinstance(r, Reply) and "Bij de kazernes" in r.text]
    # Lapsed, its asker told (session 16: it stayed "held" for ever, nobody told).
    assert await status_of(db, 1) == "lapsed"


async def test_the_curators_list_names_the_kept_answers(db: Database) -> None:
    await _kept(db)
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    _, replies = await send(db, dispatcher, view("cur"), "!vragen")
    text = texts(replies)
    assert "V1" in text and "@anna:x" in text, text
