"""After a restart every busy room comes back limited: their back-fills (/messages) go a
few at a time (bot/syncer.py, GAP_PARALLEL), not all at once. Fifty at once held the
first replies' sends behind them at the homeserver (issue "Fast under load", backlog)."""

from __future__ import annotations

import asyncio
from typing import Any

from nio import AsyncClient, RoomMessagesResponse
from nio.responses import RoomInfo, Timeline

from bot import syncer as syncer_module
from bot.config import Settings
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage.engine import Database
from storage.ids import RoomId

BOT = "@bot:localhost"


class Client(AsyncClient):
    """/messages answers after a moment with one page of one event; counts the requests
    under way."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9", BOT)
        self.under_way = 0
        self.most = 0
        self.asked: list[str] = []

    async def room_messages(self, room_id: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.asked.append(room_id)
        self.under_way += 1
        self.most = max(self.most, self.under_way)
        await asyncio.sleep(0.02)
        self.under_way -= 1
        event = {
            "type": "m.room.message",
            "event_id": f"${room_id}",
            "sender": "@ann:localhost",
            "origin_server_ts": 1,
            "content": {"msgtype": "m.text", "body": "!help"},
        }
        # One page, then nothing more (the homeserver reached the `since` token).
        chunk = [event] if kwargs.get("start") == "p1" else []
        return RoomMessagesResponse.from_dict({"chunk": chunk, "start": "t1", "end": "t0"}, room_id)


async def test_back_fills_go_a_few_at_a_time_and_each_room_gets_its_gap(db: Database) -> None:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = Client()
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    rooms = [RoomId(f"!r{i}:localhost") for i in range(12)]
    info = RoomInfo(Timeline([], True, "p1"), [], [], [])
    gaps = await asyncio.gather(*(syncer._gap(room, info, "$last", "s0") for room in rooms))
    assert client.most == syncer_module.GAP_PARALLEL < len(rooms)
    # Every room's gap is there, each its own.
    assert [[e.event_id for e in gap] for gap in gaps] == [[f"${room}"] for room in rooms]
    await client.close()
