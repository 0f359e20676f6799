"""`!abonneer beeld brand elke 4h` in a room bound to `storm`: the word it did not know
(another incident's name) was skipped without a word and the room was subscribed to
its own incident, `storm` (the confirmation named it, easily missed). A word it does
not know is now refused with the usage; the room's own incident may still be named."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.ids import RoomId, UserId
from storage.models import Subscription
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

COORD = RoomId("!vr:x")
ALICE = UserId("@alice:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "sub.db", [(COORD, "coordinator", "VR")])
    yield CoreChat(database)
    await database.close()


async def _count(chat: CoreChat) -> int:
    async with chat.db.session() as session:
        return int((await session.execute(select(func.count(Subscription.id)))).scalar_one())


@pytest.mark.parametrize(
    "body",
    [
        "!abonneer beeld brand elke 4h",
        "!abonneer beeld elke 4h brand",
        "!subscribe summary fire every 4h",
    ],
)
async def test_an_unknown_word_is_refused_and_nothing_made(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "4h" in reply and "Abonnement" not in reply and "Subscription" not in reply, reply
    assert "brand" in reply or "fire" in reply, reply
    assert await _count(chat) == 0


async def test_the_rooms_own_incident_may_be_named(chat: CoreChat) -> None:
    _, result = await chat.handle(COORD, ALICE, "!abonneer beeld storm elke 4h")
    assert result is not None and "Abonnement 1" in texts(result[0]), texts(result[0])
