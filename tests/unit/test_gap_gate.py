"""After a restart every busy room comes back limited: their back-fills (/messages) go a
few at a time (bot/syncer.py, GAP_PARALLEL), not all at once. Fifty at once held the
first replies' sends behind them at the homeserver (issue "Fast under load", backlog)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
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


def _event(event_id: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": "@ann:localhost",
        "origin_server_ts": 2,
        "content": {"msgtype": "m.text", "body": "* !melding water", **content},
    }


@pytest.mark.parametrize(
    "relates",
    [
        {"rel_type": "m.replace", "event_id": "$in-the-gap"},
        {"m.in_reply_to": {"event_id": "$in-the-gap"}},
        {"rel_type": "m.thread", "event_id": "$in-the-gap"},
    ],
)
async def test_a_room_whose_newest_events_name_an_earlier_one_keeps_its_order(
    db: Database, relates: dict[str, Any]
) -> None:
    """An edit, a reply or a thread message among the newest events names a message that
    may be in the gap: that room is handled gap first, in its own order (handled before
    its original, an edit of a report was refused and the report stored as first
    written). A room whose newest events name only each other keeps newest first."""
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = Client()
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    naming = RoomId("!naming:localhost")
    plain = RoomId("!plain:localhost")
    own = {"rel_type": "m.replace", "event_id": "$first"}
    # The bot's own reply (sent before a restart) names an earlier event: no matter.
    echo = {**_event("$echo", {"m.relates_to": {"m.in_reply_to": {"event_id": "$old"}}})}
    echo["sender"] = BOT
    chunks = {
        naming: [_event("$edit", {"m.relates_to": relates})],
        plain: [echo, _event("$first", {}), _event("$second", {"m.relates_to": own})],
    }
    syncer._marks = {room: RoomMark("$last", active=True, public=False) for room in chunks}
    joined = {
        room: RoomInfo(
            Timeline(
                RoomMessagesResponse.from_dict({"chunk": chunk, "start": "t1"}, room).chunk,
                True,
                "p1",
            ),
            [],
            [],
            [],
        )
        for room, chunk in chunks.items()
    }
    newest, gaps = syncer._newest_and_gaps(joined, "s0")
    assert set(gaps) == {naming, plain}
    assert newest[naming] == []
    assert [e.event_id for e in newest[plain]] == ["$echo", "$first", "$second"]
    await client.close()


async def test_a_room_rebound_among_its_newest_events_keeps_its_order(db: Database) -> None:
    """`!kamer koppel … tlp=green` among the newest events: handled before the gap, it
    relabelled the reports written under the old binding. That room keeps its order; a
    room whose newest events only ask (`!hulp`) goes newest first."""
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = Client()
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    rebound = RoomId("!rebound:localhost")
    plain = RoomId("!plain:localhost")
    bodies = {rebound: "!room bind incident=storm tlp=green", plain: "!hulp"}
    syncer._marks = {room: RoomMark("$last", active=True, public=False) for room in bodies}
    joined = {
        room: RoomInfo(
            Timeline(
                RoomMessagesResponse.from_dict(
                    {"chunk": [_event(f"${room}", {"body": body})], "start": "t1"}, room
                ).chunk,
                True,
                "p1",
            ),
            [],
            [],
            [],
        )
        for room, body in bodies.items()
    }
    newest, _ = syncer._newest_and_gaps(joined, "s0")
    assert newest[rebound] == [] and len(newest[plain]) == 1
    await client.close()
