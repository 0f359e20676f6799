"""A 1:1 chat whose invite lacked `is_direct` (Element sets the flag, other clients may
not): the room was neither direct nor bound, so a plain question there ("Waar is de
opvang?") was dropped without a word. A room with only the bot and one person that no
`!kamer` bound is now read as the direct chat it is: plain messages are questions
(answered with what an unbound room may see anyway, CLEAR only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nio.rooms import MatrixRoom

from bot.room_lifecycle import is_one_to_one
from commands.context import RoomView
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

CHAT = RoomId("!chat:x")
BOT = UserId("@bot:x")
MARIEKE = UserId("@marieke:gemeente.nl")


def _two_person_view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
    return RoomView(room_id=room_id, is_direct=is_direct, binding=binding, one_to_one=True)


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "dm.db", [])
    yield CoreChat(database, _two_person_view)
    await database.close()


async def test_a_plain_question_in_an_unflagged_one_to_one_is_answered(chat: CoreChat) -> None:
    _, result = await chat.handle(CHAT, MARIEKE, "Waar is de opvang?")
    assert result is not None and result[0], "a plain question was dropped silently"
    assert texts(result[0]).strip()


def test_only_the_bot_and_one_person_make_a_one_to_one() -> None:
    room = MatrixRoom(CHAT, BOT)
    room.add_member(BOT, None, None)
    room.add_member(MARIEKE, None, None)
    assert is_one_to_one(room)
    room.add_member(UserId("@jan:gemeente.nl"), None, None, invited=True)
    assert not is_one_to_one(room)
    assert not is_one_to_one(None)
