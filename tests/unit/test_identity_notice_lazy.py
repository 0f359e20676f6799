"""The identity-changed notice reaches rooms loaded after the change too (helper
leftovers12, gap 3 of session 15). After a restart a room's members are known only once
its state is loaded (lazily, bot/room_state.py); the notice went only to rooms loaded
when the change was seen. Now each room whose state loads later is told as well, once,
and only while the new key is not accepted; no room is walked at startup."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from bot.identity_notice import IdentityNotices
from bot.room_state import RoomStates
from storage.engine import Database
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite
from tests.support.senders import RecordingSender

PERSON = "@anna:x"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "notice.db")
    yield database
    await database.close()


async def _rooms_told(db: Database) -> list[str]:
    async with db.session() as session:
        return sorted(str(r) for r in await session.scalars(select(OutboxMessage.room_id)))


async def test_a_room_loaded_after_the_change_is_told_once(db: Database) -> None:
    client: Any = SimpleNamespace(rooms={"!a:x": SimpleNamespace(users={PERSON: None})})
    notices = IdentityNotices(client, db, RecordingSender(), "nl")  # type: ignore[arg-type]
    states = RoomStates(client)
    states.on_loaded = notices.room_loaded
    states.mark_loaded(["!a:x"])  # loaded before the change: told by the announcement
    await notices.announce(PERSON, "bmV3")
    assert await _rooms_told(db) == ["!a:x"]

    # A room whose state loads later (its first activity after the restart).
    client.rooms["!b:x"] = SimpleNamespace(users={PERSON: None, "@bob:x": None})
    client.rooms["!c:x"] = SimpleNamespace(users={"@bob:x": None})
    states.mark_loaded(["!b:x", "!c:x"])
    await asyncio.sleep(0.05)
    for _ in range(50):
        if len(await _rooms_told(db)) == 2:
            break
        await asyncio.sleep(0.05)
    assert await _rooms_told(db) == ["!a:x", "!b:x"]  # not !c:x: she is not there
    states.mark_loaded(["!b:x"])
    await asyncio.sleep(0.2)
    assert await _rooms_told(db) == ["!a:x", "!b:x"]  # once

    # Accepted by an operator meanwhile: later rooms are not told.
    notices.still_changed = lambda user_id, master: False
    client.rooms["!d:x"] = SimpleNamespace(users={PERSON: None})
    states.mark_loaded(["!d:x"])
    await asyncio.sleep(0.2)
    assert await _rooms_told(db) == ["!a:x", "!b:x"]
