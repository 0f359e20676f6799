"""A room the bot has just left is read up to the leave, its gap too (bot/left_rooms.py).
The homeserver may refuse that gap for good (a room an admin purged: M_FORBIDDEN or
M_NOT_FOUND). Replaying the batch would get the same answer every time and hold up
every other room, so a left room's refused gap is handled without it, logged; a room
the bot is still in replays as before."""

from __future__ import annotations

from typing import Any

import pytest
from nio import AsyncClient, RoomMessagesError

from bot.backfill import BatchAborted
from bot.config import Settings
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage.engine import Database
from storage.ids import RoomId

BOT = "@bot:localhost"
ROOM = RoomId("!gone:localhost")


class Client(AsyncClient):
    def __init__(self, errcode: str) -> None:
        super().__init__("http://127.0.0.1:9", BOT)
        self.errcode = errcode

    async def room_messages(self, room_id: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return RoomMessagesError.from_dict({"errcode": self.errcode, "error": "no"}, room_id)


def _syncer(db: Database, client: Client) -> Syncer:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    return Syncer(client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings)


@pytest.mark.parametrize("errcode", ["M_FORBIDDEN", "M_NOT_FOUND"])
async def test_a_left_room_s_refused_gap_is_handled_without_it(db: Database, errcode: str) -> None:
    client = Client(errcode)
    syncer = _syncer(db, client)
    syncer._leaving = {ROOM}
    assert await syncer._gap(ROOM, "p1", "$last", "s0") == []
    syncer._leaving = set()  # a room the bot is in: the batch is replayed
    with pytest.raises(BatchAborted):
        await syncer._gap(ROOM, "p1", "$last", "s0")
    await client.close()


async def test_a_passing_failure_of_a_left_room_s_gap_still_replays(db: Database) -> None:
    client = Client("M_UNKNOWN")
    syncer = _syncer(db, client)
    syncer._leaving = {ROOM}
    with pytest.raises(BatchAborted):
        await syncer._gap(ROOM, "p1", "$last", "s0")
    await client.close()
