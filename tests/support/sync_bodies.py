"""A sync response for one joined room, as the homeserver would send it, parsed by nio."""

from __future__ import annotations

from typing import Any

from nio import SyncResponse


def one_room_sync(
    room: str,
    *events: dict[str, Any],
    next_batch: str = "s1",
    limited: bool = False,
    leave: bool = False,
    state: list[dict[str, Any]] | None = None,
) -> SyncResponse:
    """`events` as the timeline of `room` (after `state`); `leave` adds a room the bot
    has left."""
    raw: dict[str, Any] = {
        "next_batch": next_batch,
        "rooms": {
            "join": {
                room: {
                    "timeline": {"events": list(events), "limited": limited, "prev_batch": "p0"},
                    "state": {"events": state or []},
                }
            },
            "invite": {},
            "leave": {"!gone:localhost": {"timeline": {"events": []}}} if leave else {},
        },
    }
    response = SyncResponse.from_dict(raw)
    assert isinstance(response, SyncResponse), response
    return response
