"""Attack on `!opzeggen` (helper attack9, session 14): a number it could not read
(`!opzeggen #2`, `!opzeggen nr2`, `!opzeggen twee`) counted as no number at all, and
so stopped EVERY subscription of the room, the one thing the coordinator did not ask
for. Only a bare `!opzeggen` stops them all; anything else must name numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

COORD = RoomId("!vr:x")
ALICE = UserId("@alice:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "sub.db", [(COORD, "coordinator", "VR")])
    yield CoreChat(database)
    await database.close()


async def _listed(chat: CoreChat) -> str:
    _, result = await chat.handle(COORD, ALICE, "!abonnementen")
    assert result is not None
    return texts(result[0])


@pytest.mark.parametrize("body", ["!opzeggen #2", "!opzeggen nr2", "!opzeggen twee"])
async def test_an_unreadable_number_stops_nothing(chat: CoreChat, body: str) -> None:
    for every in ("4h", "6h"):
        await chat.handle(COORD, ALICE, f"!abonneer beeld elke {every}")
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    listed = await _listed(chat)
    assert "• 1:" in listed and "• 2:" in listed, (texts(result[0]), listed)


async def test_a_bare_opzeggen_still_stops_all_and_a_number_one(chat: CoreChat) -> None:
    for every in ("4h", "6h", "8h"):
        await chat.handle(COORD, ALICE, f"!abonneer beeld elke {every}")
    await chat.handle(COORD, ALICE, "!opzeggen 2")
    listed = await _listed(chat)
    assert "• 1:" in listed and "• 2:" not in listed and "• 3:" in listed, listed
    await chat.handle(COORD, ALICE, "!opzeggen")
    assert "• " not in await _listed(chat)


async def test_a_number_that_is_no_subscription_of_the_room_is_named(chat: CoreChat) -> None:
    """`!opzeggen 1 7` stopped 1 and said "Opgezegd: 1." as if 7 had been done too: a
    mistyped number went unnoticed while the subscription meant stayed on."""
    await chat.handle(COORD, ALICE, "!abonneer beeld elke 4h")
    _, result = await chat.handle(COORD, ALICE, "!opzeggen 1 7")
    assert result is not None
    said = texts(result[0])
    assert "Opgezegd: 1." in said and "7" in said.split("Opgezegd: 1.", 1)[1], said
    _, result = await chat.handle(COORD, ALICE, "!opzeggen 9")
    assert result is not None and "9" in texts(result[0]), texts(result[0])
