"""Attack on `!abonneer` (helper "attack14", session 16): a subscription to a closed
incident's picture.

After `!incident sluit` the scheduler posts one last picture (marked closed) and then
pauses until the incident reopens. A coordinator who subscribed after the close was
told "Abonnement 1: situatiebeeld storm elke 1h, eerste om …", as if hourly pictures
would come; one came, then silence. The confirmation now says the incident is closed
and the posts wait for `!incident heropen`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.context import CommandSettings
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

COORD = RoomId("!c:x")
ADMIN = UserId("@admin:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "sub.db", [(COORD, "coordinator", "VR")])
    yield CoreChat(
        database, settings=CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN}))
    )
    await database.close()


async def _say(chat: CoreChat, body: str) -> str:
    _, result = await chat.handle(COORD, ADMIN, body)
    assert result is not None
    return texts(result[0])


async def test_subscribing_to_a_closed_incident_says_the_posts_pause(chat: CoreChat) -> None:
    await _say(chat, "!incident sluit storm")
    said = await _say(chat, "!abonneer beeld elke 1h")
    assert "Abonnement 1" in said, said
    assert "gesloten" in said and "heropen" in said, said


async def test_subscribing_to_an_open_incident_says_nothing_of_a_close(chat: CoreChat) -> None:
    said = await _say(chat, "!abonneer beeld elke 1h")
    assert "Abonnement 1" in said and "gesloten" not in said, said
