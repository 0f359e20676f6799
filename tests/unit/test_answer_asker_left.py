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

import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Message, Reply
from storage.engine import Database
from storage.ids import EventId, RoomId
from tests.unit.test_answers_learn import ANNA, DIRECT, EDITOR, NOW, WATER_1, send, view
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


class _LockCheckingStates:
    """The homeserver behind the bot's member probe (bot/member_probe.py): the direct
    chat's state is not loaded (as after a restart), and when the probe loads it, a second
    SQLite connection notes whether the bot holds the write lock then. Loading a room's
    state under the lock makes every other room's writes wait on the homeserver."""

    def __init__(self, path: Path) -> None:
        from types import SimpleNamespace

        from nio import RoomGetStateError

        from bot.room_state import RoomStates

        self.path = path
        self.locked: list[bool] = []
        checker = self

        class Client:
            def __init__(self) -> None:
                self.rooms = {DIRECT.room_id: SimpleNamespace(users={})}  # Anna left

            async def room_get_state(self, room_id: str) -> object:
                checker.check()
                return RoomGetStateError("gone", "M_FORBIDDEN")

        self.client = Client()
        self.states = RoomStates(self.client)  # type: ignore[arg-type]

    def check(self) -> None:
        other = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            self.locked.append(False)
        except sqlite3.OperationalError:
            self.locked.append(True)
        finally:
            other.close()


async def test_the_members_are_loaded_outside_the_write_transaction(
    db: Database, tmp_path: Path
) -> None:
    from bot.handling import process_message
    from bot.member_probe import member_probe

    home = _LockCheckingStates(tmp_path / "k.db")
    probe = member_probe(home.client, home.states)  # type: ignore[arg-type]
    dispatcher = build_dispatcher(
        CommandSettings(bot_user_id="@knooppunt:x", members=probe), savepoints=False
    )
    await note_direct(db)
    await send(db, dispatcher, DIRECT, f"!vraag {WATER_1}", ANNA)
    curators = view("cur")
    answer = Message(
        EventId("$answer-1"), curators.room_id, EDITOR, "!antwoord V1 Bij de kazernes.", NOW
    )
    handled = await process_message(db, dispatcher, answer, lambda *_: curators)
    assert home.locked == [False]
    assert handled is not None
    assert "verlaten" in "\n".join(r.text for r in handled[0] if isinstance(r, Reply))
    assert await status_of(db, 1) == "held"
