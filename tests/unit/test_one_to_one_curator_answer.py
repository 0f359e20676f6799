"""The curators' answer to a question from a one-to-one chat whose invite lacked
`is_direct` (leftovers5's question, decided in session 14: the refusal stays).

Such a chat's plain messages are read as questions (test_one_to_one_without_is_direct.py)
and answered from the store with CLEAR Q&As, as a direct chat is: both see CLEAR only.
A curator's answer is another matter. A direct chat's question is answered as the
chat's own post because the bot knows the chat is one person's: the invite said so
(`rooms.is_direct`, stored), and with anyone else in it the chat counts as public
(storage/tlp.is_public: `direct_members`), in the stored flag and in the sender's look
at the live state. For an unflagged room the one sign is its member count, which only
nio holds in memory: the curator's `!antwoord` is judged in another room from the
database, and the stored public flag of an unbound room does not count members (rooms
joined before would keep a flag without them: a group room would pass as one person's,
the leak of test_attack_unbound_group_answer.py). So the answer is refused as for any
unbound room, the curator is told, and the question stays open."""

from __future__ import annotations

from commands.dispatcher import Dispatcher, RoomView
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from tests.unit.test_answers_learn import ANNA, WATER_1, send, view
from tests.unit.test_attack_answers import db, dispatcher, status_of

__all__ = ["db", "dispatcher"]

CHAT = RoomView(room_id=RoomId("!een-op-een:x"), one_to_one=True)


async def test_a_curators_answer_to_an_unflagged_one_to_one_is_refused_and_told(
    db: Database, dispatcher: Dispatcher
) -> None:
    async with db.transaction() as session:
        (await rooms.ensure(session, CHAT.room_id)).is_direct = False
    _, asked = await send(db, dispatcher, CHAT, f"{WATER_1}", ANNA)
    assert "V1" in asked[0].text, asked[0].text  # a plain question, recorded
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.room_id == CHAT.room_id], [r.text for r in replies]
    assert "Niet verstuurd naar @anna:x (V1)" in replies[-1].text, replies[-1].text
    assert await status_of(db, 1) == "open"
