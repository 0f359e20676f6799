"""`!abonneer` in a room the scheduler never posts a picture to. Since the scheduler
rests a subscription whose room is no coordinator or curator room (bot/scheduler.py,
`PICTURE_ROLES`: a room demoted to liaison no longer gets the coordinators' picture), an
admin's `!abonneer beeld elke 1h` in a liaison room was still answered "subscribed", and
the room then got, instead of its first picture, the notice that it is "no coordinator
room any more": the picture promised was never sent. It is refused up front now, naming
why, and nothing is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from storage import subscriptions as subscription_repo
from storage.engine import Database
from storage.ids import UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database
from tests.unit.test_attack_formatting import COORD, LIAISON

ADMIN = UserId("@admin:x")


@pytest.fixture
async def admin_chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "role.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    settings = CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN}))
    yield CoreChat(database, settings=settings)
    await database.close()


async def test_an_admin_cannot_subscribe_a_liaison_room_to_a_picture_it_never_gets(
    admin_chat: CoreChat,
) -> None:
    _, result = await admin_chat.handle(LIAISON, ADMIN, "!abonneer beeld elke 1h")
    assert result is not None
    said = texts(result[0])
    async with admin_chat.db.session() as session:
        stored = await subscription_repo.for_room(session, LIAISON)
    assert not stored, said
    assert "coördinat" in said, said


async def test_an_admin_still_subscribes_a_coordinator_room(admin_chat: CoreChat) -> None:
    _, result = await admin_chat.handle(COORD, ADMIN, "!abonneer beeld elke 1h")
    assert result is not None
    async with admin_chat.db.session() as session:
        assert len(await subscription_repo.for_room(session, COORD)) == 1, texts(result[0])
