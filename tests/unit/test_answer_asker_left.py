"""An asker who left their direct chat before the curators answered (note13, attack6).

The answer went into the empty chat (nobody reads it) and the curator was told
"verstuurd naar @anna": a lost reply. Decided: before an answer goes to a direct chat
the bot asks whether the asker is still in it (live room state, `CommandSettings.members`);
when they left, nothing is sent, the curator is told so, and the answer is kept with
the question (status "held"). When the asker writes to the bot again in a private
direct chat (the same one, or a new one: its only other member is the asker, so who
sees the answer does not change), the kept answer is delivered there first. Where the
room state is unknown, the answer goes as before (a send to a chat whose member is
there must never wait on a guess).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from storage.engine import Database
from storage.ids import RoomId
from tests.unit.test_answers_learn import ANNA, DIRECT, WATER_1, send, view
from tests.unit.test_attack_answer_public_dm import note_direct
from tests.unit.test_attack_answers import db, status_of

__all__ = ["db"]

NEW_DM = RoomView(room_id=RoomId("!dm2:x"), is_direct=True)


def _dispatcher(gone: set[tuple[str, str]] | None) -> Dispatcher:
    """`gone`: (room, user) pairs no longer in the room; None: membership unknown."""

    async def members(room_id: str, user_id: str) -> bool | None:
        return None if gone is None else (room_id, user_id) not in gone

    probe: Callable[[str, str], Awaitable[bool | None]] = members
    return build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x", members=probe))


async def test_the_curator_is_told_the_asker_left_and_the_answer_is_kept(db: Database) -> None:
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    await note_direct(db)
    await send(db, dispatcher, DIRECT, f"!vraag {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.room_id == DIRECT.room_id], [r.text for r in replies]
    line = replies[-1].text
    assert "verstuurd naar" not in line.replace("Niet verstuurd naar", ""), line
    assert "@anna:x" in line and "verlaten" in line and "bewaard" in line, line
    assert await status_of(db, 1) == "held"


async def test_the_kept_answer_reaches_the_asker_in_their_next_direct_chat(db: Database) -> None:
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    await note_direct(db)
    await send(db, dispatcher, DIRECT, f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    _, replies = await send(db, dispatcher, NEW_DM, "Hallo, ik ben er weer.", ANNA)
    # (The greeting itself is a plain question in a direct chat: it goes its own way.)
    kept = [r for r in replies if r.notify and r.room_id == NEW_DM.room_id]
    assert len(kept) == 1 and kept[0].mentions == (ANNA,), replies
    assert "V1" in kept[0].text and "Bij de kazernes" in kept[0].text, kept[0].text
    assert await status_of(db, 1) == "answered"
    _, again = await send(db, dispatcher, NEW_DM, "Nog een bericht.", ANNA)
    assert not [r for r in again if "Bij de kazernes" in r.text]


async def test_unknown_membership_sends_as_before(db: Database) -> None:
    dispatcher = _dispatcher(None)
    await note_direct(db)
    await send(db, dispatcher, DIRECT, f"!vraag {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)]
    assert await status_of(db, 1) == "answered"
