"""Attack on `!abonneer` (helper attack9, session 14): nothing stopped the same
subscription twice (every picture then came twice, each slot), nor hundreds of them
(`elke 1m`, a pasted line repeated: hundreds of pictures a minute into a crisis room,
each a transaction and an outbox row). A repeat is refused with the number of the one
that exists; a room holds at most `MAX_PER_ROOM` subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.subscriptions import MAX_PER_ROOM
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


async def _say(chat: CoreChat, body: str) -> str:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    return texts(result[0])


async def test_the_same_subscription_twice_is_refused(chat: CoreChat) -> None:
    assert "Abonnement 1" in await _say(chat, "!abonneer beeld elke 4h om 08:00")
    again = await _say(chat, "!abonneer beeld elke 4h om 8.00")
    assert "Abonnement 2" not in again and "1" in again, again
    listed = await _say(chat, "!abonnementen")
    assert "• 2:" not in listed, listed
    # Another schedule is another subscription.
    assert "Abonnement 2" in await _say(chat, "!abonneer beeld elke 4h om 10:00")


async def test_a_room_holds_a_bounded_number_of_subscriptions(chat: CoreChat) -> None:
    for minutes in range(1, MAX_PER_ROOM + 1):
        assert "Abonnement" in await _say(chat, f"!abonneer beeld elke {minutes}m")
    refused = await _say(chat, f"!abonneer beeld elke {MAX_PER_ROOM + 1}m")
    assert f"Abonnement {MAX_PER_ROOM + 1}" not in refused, refused
    # After one is stopped there is room again.
    await _say(chat, "!opzeggen 1")
    assert "Abonnement" in await _say(chat, f"!abonneer beeld elke {MAX_PER_ROOM + 1}m")
