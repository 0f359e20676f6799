"""The identity-changed notice goes out before the bot's first send into a room
(helper leftovers16, gap 4).

After a restart a room's members are known only once its state loads (lazily, on its
first activity or before a send there); the notice for a changed identity was queued
then, in a task of its own, after the send that loaded the state. A coordinator room
that only receives alerts was thus told of an identity reset only after the first alert
went in (which the reset person's devices cannot read, with no word why). Now the
notice for that room goes first."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.backoff import Backoff
from bot.identity_notice import IdentityNotices
from bot.room_state import RoomStates
from bot.sender import OutboxSender, queue_notice
from commands.i18n import t
from storage.engine import Database
from storage.ids import RoomId
from tests.support.migrated import migrated_sqlite
from tests.unit.test_attack_outbox_access import _Client

PERSON = "@anna:x"
COORD = RoomId("!coord:x")
ALERT = "ALARM: dijk bij Papendrecht"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "first.db")
    yield database
    await database.close()


async def test_a_silent_room_hears_of_the_changed_identity_before_the_first_alert(
    db: Database,
) -> None:
    client: Any = _Client()
    # After a restart: nio knows the room, not yet its members.
    client.rooms[COORD] = SimpleNamespace(users={}, encrypted=False)
    sender = OutboxSender(client, db, encryption=False)
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    notices = IdentityNotices(client, db, sender, "nl")
    states = RoomStates(client)
    states.on_loaded = notices.room_loaded

    async def ready(room_ids: Iterable[str]) -> None:  # the state load, as nio would
        for room_id in room_ids:
            if room_id not in states.loaded:
                client.rooms[room_id].users[PERSON] = None
                states.mark_loaded([room_id])

    sender.room_ready = ready
    sender.first_notices = notices.first_in
    await notices.announce(PERSON, "bmV3")  # seen at the start: no room loaded yet
    assert client.sent == []
    async with db.transaction() as session:  # an alert for the coordinators
        alert = await queue_notice(session, COORD, ALERT, "nl", "alert-1")
    assert alert is not None
    sender.submit([alert])
    sender.ready.set()
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(100):
        sender.wake()
        await asyncio.sleep(0.01)
        if len(client.sent) >= 2:
            break
    await asyncio.sleep(0.05)
    stop.set()
    await task
    bodies = [body for room, body in client.sent if room == COORD]
    notice = t("nl", "identity_changed", user=PERSON)
    assert len(bodies) == 2, client.sent  # each once
    assert notice in bodies[0] and ALERT in bodies[1], bodies
