"""`!abonneer beeld elke 4h om 25:00` (or `om 8 uur`): the time of day it could not read
was left out without a word, and the schedule ran at other hours than the coordinator
asked for. Now refused with the usage and the word it could not read."""

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


@pytest.mark.parametrize(
    "body",
    [
        "!abonneer beeld elke 4h om 25:00",
        "!abonneer beeld elke 4h om 24:00",
        "!abonneer beeld elke 4h om 8 uur",
        "!abonneer beeld elke 4h om",
        "!subscribe summary every 4h at 8pm",
    ],
)
async def test_an_unreadable_time_of_day_is_refused(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "08:00" in reply and "Abonnement" not in reply and "Subscription" not in reply, reply


@pytest.mark.parametrize("body", ["!abonneer beeld elke 4h om 08:00", "!abonneer beeld elke 4h"])
async def test_a_readable_schedule_is_still_made(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None and "Abonnement 1" in texts(result[0]), texts(result[0])
