"""Hostile review (session 17, review17b) of the listings after a gap (bot/syncer.py
`_readers`): a room whose newest events both name an earlier event (an edit) and ask for
a listing (`!beeld`) is handled in its own order, but it was not among the rooms handled
after every gap: its `!beeld` answered beside another room's gap, before the reports in
that gap were recorded, and left them out."""

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
EDITS = RoomId("!edits:localhost")
OTHER = RoomId("!other:localhost")


def _event(event_id: str, body: str, **content: Any) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": "@ann:localhost",
        "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": body, **content},
    }


class Client(AsyncClient):
    """/messages: one page per room, the other room's gap holding four reports."""

    def __init__(self) -> None:
        super().__init__("http://127.0.0.1:9", BOT)

    async def room_messages(self, room_id: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if kwargs.get("start") != "p1":
            chunk: list[dict[str, Any]] = []
        elif room_id == OTHER:
            chunk = [_event(f"$report{n}", "!melding water") for n in (4, 3, 2, 1)]
        else:
            chunk = [_event("$original", "!melding water")]
        return RoomMessagesResponse.from_dict({"chunk": chunk, "start": "t1", "end": "t0"}, room_id)


async def test_a_listing_beside_an_edit_waits_for_every_gap(db: Database, monkeypatch: Any) -> None:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = Client()
    syncer = Syncer(
        client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings
    )
    order: list[str] = []

    async def handle(room_id: RoomId, event: Any) -> None:
        order.append(event.event_id)

    monkeypatch.setattr(syncer, "_handle_event", handle)
    edit = _event(
        "$edit",
        "* !melding water",
        **{"m.relates_to": {"rel_type": "m.replace", "event_id": "$original"}},
    )
    chunks = {
        EDITS: [edit, _event("$beeld", "!beeld")],
        OTHER: [_event("$newest", "!hulp")],
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
    await syncer._newest_then_gaps(joined, "s0", {})
    assert sorted(order) == sorted(
        ["$newest", "$original", "$edit", "$beeld"] + [f"$report{n}" for n in (1, 2, 3, 4)]
    ), order
    # The edits room in its own order; its listing after every report of the other gap.
    assert order.index("$original") < order.index("$edit") < order.index("$beeld")
    assert all(order.index(f"$report{n}") < order.index("$beeld") for n in (1, 2, 3, 4)), order
    await client.close()
