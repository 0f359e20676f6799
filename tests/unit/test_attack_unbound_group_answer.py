"""Attack on an answer into an unbound group room (helper "attack6", session 13).

Anyone on an allowed server may invite the bot into a room of their own and ask
`!vraag` there: the room is bound to nothing (it sees TLP:CLEAR only, DESIGN.md). With
no sure answer the question goes to the curators as an open question under GREEN (an
unbound room's default). A direct chat's question is answered while the chat is
private, its label judged as the chat's own post: it has no audience but its asker.
The same exemption applied to every unbound room, so the curators' answer (and its
GREEN or AMBER words) went into a group room of unvetted members, which may see
CLEAR only, while the curator was told "verstuurd naar @anna".
"""

from __future__ import annotations

from commands.dispatcher import Dispatcher, RoomView
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from tests.unit.test_answers_learn import ANNA, DIRECT, WATER_1, send, view
from tests.unit.test_attack_answer_public_dm import note_direct
from tests.unit.test_attack_answers import db, dispatcher, status_of

__all__ = ["db", "dispatcher"]

GROUP = RoomView(room_id=RoomId("!groep:x"))


async def _note_group(db: Database) -> None:
    async with db.transaction() as session:
        room = await rooms.ensure(session, GROUP.room_id)
        room.is_direct = False


async def test_no_answer_into_an_unbound_group_room(db: Database, dispatcher: Dispatcher) -> None:
    await _note_group(db)
    _, asked = await send(db, dispatcher, GROUP, f"!vraag {WATER_1}", ANNA)
    assert "V1" in asked[0].text, asked[0].text
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.room_id == GROUP.room_id], [r.text for r in replies]
    # The curator is told who was not served and why.
    assert "Niet verstuurd naar @anna:x (V1)" in replies[-1].text, replies[-1].text
    assert await status_of(db, 1) == "open"


async def test_no_amber_answer_into_an_unbound_group_room(
    db: Database, dispatcher: Dispatcher
) -> None:
    await _note_group(db)
    await send(db, dispatcher, GROUP, f"!vraag {WATER_1} TLP:AMBER", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.room_id == GROUP.room_id], [r.text for r in replies]


async def test_a_direct_chat_still_gets_its_answer(db: Database, dispatcher: Dispatcher) -> None:
    await note_direct(db)
    await send(db, dispatcher, DIRECT, f"!vraag {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)], [r.text for r in replies]
