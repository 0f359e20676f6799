"""Outside attack: a flood of encrypted events nobody gave the bot a key for.

Anyone in a room with the bot (or in a direct chat they open) can send encrypted events
with made-up sessions. For each, the bot sent a room key request, inline in the event's
handling: one HTTP request per event. nio sends that request to the bot's *own* devices
only, and a forwarded key is accepted only from the bot's own verified devices, which
bot/device_trust.py never trusts: the requests could never be answered. They are no
longer sent; what waits is retried as keys arrive and given up after the grace period.
"""

from __future__ import annotations

from typing import Any

from storage import pending_encrypted
from storage.engine import Database
from storage.ids import RoomId
from tests.unit.test_edit_of_a_waiting_message import (
    LIAISON,
    _encrypted,
    _Keys,
    _syncer,
    db,  # noqa: F401  (the fixture)
)


async def test_undecryptable_events_send_no_key_requests(db: Database) -> None:  # noqa: F811
    syncer = _syncer(db, _Keys({}))
    requests: list[Any] = []

    async def request_room_key(event: Any, tx_id: str | None = None) -> None:
        requests.append(event)

    syncer.client.request_room_key = request_room_key  # type: ignore[method-assign,assignment]
    for n in range(50):
        await syncer._handle_event(RoomId(LIAISON), _encrypted(f"$flood{n}", 1000 + n))
    async with db.session() as session:
        assert len(await pending_encrypted.all_pending(session)) == 50  # all wait for keys
    assert requests == []
