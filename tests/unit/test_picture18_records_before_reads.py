"""One sync batch with events of several rooms and no gap (session 18, helper "picture"):
the rooms are handled one event each in turn (bot/syncer.py `_process_fairly`), so a
coordinator's `!beeld`, sent after three reports of a liaison room, was answered after
the first of them only, and the picture left out the two sent before it. A listing now
waits for the other rooms' events sent before it; everything else keeps its turn."""

from __future__ import annotations

from typing import Any

from nio import AsyncClient, RoomMessagesResponse
from nio.responses import RoomInfo, Timeline

from bot.config import Settings
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage.engine import Database
from storage.ids import RoomId
from storage.rooms import RoomMark

BOT = "@bot:localhost"
LIAISON = RoomId("!liaison:localhost")
COORD = RoomId("!coord:localhost")
HELP = RoomId("!help:localhost")


def _event(event_id: str, body: str, ts: int) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": "@ann:localhost",
        "origin_server_ts": ts,
        "content": {"msgtype": "m.text", "body": body},
    }


def _syncer(db: Database, monkeypatch: Any, order: list[str]) -> tuple[Syncer, AsyncClient]:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = AsyncClient("http://127.0.0.1:9", BOT)
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )

    async def handle(room_id: RoomId, event: Any) -> None:
        order.append(event.event_id)

    monkeypatch.setattr(syncer, "_handle_event", handle)
    return syncer, client


def _joined(chunks: dict[RoomId, list[dict[str, Any]]]) -> dict[RoomId, RoomInfo]:
    return {
        room: RoomInfo(
            Timeline(
                RoomMessagesResponse.from_dict({"chunk": c, "start": "t1"}, room).chunk, False, "p1"
            ),
            [],
            [],
            [],
        )
        for room, c in chunks.items()
    }


async def test_a_listing_waits_for_reports_sent_before_it_in_other_rooms(
    db: Database, monkeypatch: Any
) -> None:
    order: list[str] = []
    syncer, client = _syncer(db, monkeypatch, order)
    chunks = {
        LIAISON: [_event(f"$report{n}", "!melding water\ngemeente: Zwolle", n) for n in (1, 2, 3)],
        COORD: [_event("$beeld", "!beeld", 4), _event("$help", "!hulp", 5)],
        HELP: [_event("$later", "!melding water\ngemeente: Kampen", 6)],
    }
    syncer._marks = {room: RoomMark("$last", active=True, public=False) for room in chunks}
    await syncer._newest_then_gaps(_joined(chunks), "s0", {})
    assert sorted(order) == sorted(
        ["$report1", "$report2", "$report3", "$beeld", "$help", "$later"]
    ), order
    assert all(order.index(f"$report{n}") < order.index("$beeld") for n in (1, 2, 3)), order
    await client.close()


async def test_other_rooms_keep_their_turn(db: Database, monkeypatch: Any) -> None:
    """A room flooded with reports does not hold back another room's command that is no
    listing; and a listing sent before the reports does not wait for them."""
    order: list[str] = []
    syncer, client = _syncer(db, monkeypatch, order)
    chunks = {
        LIAISON: [_event(f"$report{n}", "!melding water\ngemeente: Zwolle", n) for n in (2, 3, 4)],
        COORD: [_event("$beeld", "!beeld", 1)],
        HELP: [_event("$help", "!hulp", 5)],
    }
    syncer._marks = {room: RoomMark("$last", active=True, public=False) for room in chunks}
    await syncer._newest_then_gaps(_joined(chunks), "s0", {})
    assert order.index("$beeld") < order.index("$report4"), order
    assert order.index("$help") < order.index("$report4"), order
    await client.close()
