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
from storage.rooms import RoomMark

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
    gaps = await asyncio.gather(*(syncer._gap(room, "p1", "$last", "s0") for room in rooms))
    assert client.most == syncer_module.GAP_PARALLEL < len(rooms)
    # Every room's gap is there, each its own.
    assert [[e.event_id for e in gap] for gap in gaps] == [[f"${room}"] for room in rooms]
    await client.close()


async def test_the_back_fill_starts_after_the_newest_events_are_handled(
    db: Database, monkeypatch: Any
) -> None:
    """Newest first: the gaps' /messages requests wait until every room's newest events
    were handled (and their replies queued). Asked at once, they went to the homeserver
    beside the first replies' sends and held them up (a 5,000-message backlog)."""
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = Client()
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    order: list[str] = []
    original = client.room_messages

    async def room_messages(room_id: str, *args: Any, **kwargs: Any) -> Any:
        order.append(f"gap {room_id}")
        return await original(room_id, *args, **kwargs)

    async def handle(room_id: RoomId, event: Any) -> None:
        await asyncio.sleep(0.05)  # time for anything started meanwhile to ask
        order.append(f"handled {event.event_id}")

    monkeypatch.setattr(client, "room_messages", room_messages)
    monkeypatch.setattr(syncer, "_handle_event", handle)
    newest = RoomMessagesResponse.from_dict(
        {
            "chunk": [
                {
                    "type": "m.room.message",
                    "event_id": "$newest",
                    "sender": "@ann:localhost",
                    "origin_server_ts": 2,
                    "content": {"msgtype": "m.text", "body": "!help"},
                }
            ],
            "start": "t1",
        },
        "!r:localhost",
    ).chunk
    room = RoomId("!r:localhost")
    syncer._marks = {room: RoomMark("$last", active=True, public=False)}
    joined = {room: RoomInfo(Timeline(newest, True, "p1"), [], [], [])}
    await syncer._newest_then_gaps(joined, "s0", {})
    # Its gap is two pages (the second one empty), then handled.
    assert order == ["handled $newest", f"gap {room}", f"gap {room}", f"handled ${room}"]
    await client.close()
