"""Attack on an answer into a direct chat made public since the question (helper
"paths", session 12; found by the confidentiality guard).

A person asks the bot in a direct chat, marking the question TLP:AMBER (or plainly:
GREEN, as every direct chat's question is). Later the chat's join rule becomes `knock`
(or its history world readable): anyone may now read it. A bound room made public
since its question gets no answer ("een openbare kamer ziet alleen TLP:CLEAR"); a direct
chat's question was exempt from the question's label altogether (a direct chat sees
CLEAR only, and must still get its answer), so the curators' answer to the AMBER
question went into the public chat. A direct chat still gets the answer to its own
question while it is private: the question's label is judged as that chat's own post.
"""

from __future__ import annotations

from commands.dispatcher import Dispatcher
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from tests.unit.test_answers_learn import ANNA, DIRECT, WATER_1, send, view
from tests.unit.test_attack_answers import db, dispatcher, status_of

__all__ = ["db", "dispatcher"]


async def note_direct(db: Database, public: bool = False) -> None:
    """The direct chat as the bot keeps it once invited to one (`is_direct` on the invite)."""
    async with db.transaction() as session:
        room = await rooms.ensure(session, RoomId(DIRECT.room_id))
        room.is_direct = True
        room.public = public


async def _make_public(db: Database) -> None:
    await note_direct(db, public=True)


async def test_no_answer_into_a_direct_chat_made_public_since(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, asked = await send(db, dispatcher, DIRECT, f"!vraag {WATER_1} TLP:AMBER", ANNA)
    assert "V1" in asked[0].text, asked[0].text
    await _make_public(db)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.room_id == DIRECT.room_id], [r.text for r in replies]
    assert "openbare kamer" in replies[-1].text, replies[-1].text
    assert await status_of(db, 1) == "open"


async def test_a_private_direct_chat_still_gets_its_answer(
    db: Database, dispatcher: Dispatcher
) -> None:
    await note_direct(db)
    await send(db, dispatcher, DIRECT, f"!vraag {WATER_1} TLP:AMBER", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)], [r.text for r in replies]
