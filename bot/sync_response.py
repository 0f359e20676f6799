"""The sync loop's /sync without nio's JSON-schema check of the whole response.

nio 0.26 checks every /sync response against its schema (`SyncResponse.from_dict`
is wrapped in `@verify`), building a new jsonschema validator each time; at a
steady 10 events/s that was 6–10% of the bot's CPU, for a response from the
bot's own homeserver. The schema only describes the containers (objects,
arrays, the token's type); each event is still checked by nio's own event
parsers, which turn a malformed event into a `BadEvent` the bot ignores.

So `sync` here parses with nio's unchecked `from_dict` after a cheap check of
the same containers (`well_formed`). Anything else, an error body included (an
expired token's `M_UNKNOWN_TOKEN`), goes through nio's checked parse exactly as
before: the loop sees the same `SyncError`. The first sync after a start keeps
`client.sync` (bot/startup.py may have asked for it already).

Two private nio details are used, each pinned by tests/unit/test_sync_response.py:
`AsyncClient._send` (send, parse with the given class, update the client's rooms)
and the `__wrapped__` of the `@verify`-decorated `SyncResponse.from_dict`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nio import LocalProtocolError, SyncError, SyncResponse
from nio.api import Api
from nio.client.async_client import AsyncClient

# nio's parse without the schema check: `verify` keeps it as `__wrapped__` (functools.wraps).
_UNCHECKED: Callable[[type[SyncResponse], dict[str, Any]], Any] = SyncResponse.__dict__[
    "from_dict"
].__func__.__wrapped__

# Per joined room: the keys nio reads as an object holding an `events` array, and
# those it reads as plain objects.
_EVENT_CONTAINERS = ("timeline", "state", "ephemeral", "account_data")
_OBJECTS = ("summary", "unread_notifications", "unread_thread_notifications")


def _events_ok(container: Any) -> bool:
    """An object whose `events` (if any) is an array of objects (`{}` when absent)."""
    if not isinstance(container, dict):
        return False
    events = container.get("events", [])
    return isinstance(events, list) and all(isinstance(event, dict) for event in events)


def _room_ok(room: Any) -> bool:
    if not isinstance(room, dict):
        return False
    if not all(_events_ok(room.get(key, {})) for key in (*_EVENT_CONTAINERS, "invite_state")):
        return False
    if not all(isinstance(room.get(key, {}), dict) for key in _OBJECTS):
        return False
    threads = room.get("unread_thread_notifications", {})
    if not all(isinstance(value, dict) for value in threads.values()):
        return False
    timeline = room.get("timeline", {})
    return isinstance(timeline.get("limited", False), bool) and isinstance(
        timeline.get("prev_batch", ""), str | None
    )


def well_formed(parsed: Any) -> bool:
    """Whether a /sync body has the shape nio's unchecked parse reads without surprises:
    a string token, objects where it calls `.get`, arrays of objects where it iterates."""
    if not isinstance(parsed, dict) or not isinstance(parsed.get("next_batch"), str):
        return False
    rooms = parsed.get("rooms", {})
    if not isinstance(rooms, dict):
        return False
    for kind in ("join", "invite", "leave"):
        section = rooms.get(kind, {})
        if not isinstance(section, dict) or not all(
            isinstance(room_id, str) and _room_ok(room) for room_id, room in section.items()
        ):
            return False
    for key in ("to_device", "presence", "account_data"):
        if not _events_ok(parsed.get(key, {})):
            return False
    devices = parsed.get("device_lists", {})
    if not isinstance(devices, dict) or not all(
        isinstance(devices.get(key, []), list) for key in ("changed", "left")
    ):
        return False
    return isinstance(parsed.get("device_one_time_keys_count", {}), dict)


class TrustedSyncResponse(SyncResponse):
    """Only its `from_dict` is used: the result is a plain `SyncResponse` (or `SyncError`)."""

    @classmethod
    def from_dict(cls, parsed_dict: dict[Any, Any]) -> SyncResponse | SyncError:
        if well_formed(parsed_dict):
            try:
                response = _UNCHECKED(SyncResponse, parsed_dict)
            except (AttributeError, TypeError, KeyError, ValueError):
                response = None  # a shape not foreseen above: nio decides, as before
            if isinstance(response, SyncResponse):
                return response
        result: SyncResponse | SyncError = SyncResponse.from_dict(parsed_dict)
        return result


async def sync(
    client: AsyncClient,
    timeout: int,  # noqa: ASYNC109  # milliseconds, as nio's
    since: str | None,
    sync_filter: dict[str, Any] | None = None,
) -> SyncResponse | SyncError:
    """`client.sync(timeout, sync_filter, since)` with the trusted parse (a long poll:
    `timeout` > 0, no full state, no presence, as the sync loop asks after its first)."""
    if not client.logged_in:
        raise LocalProtocolError("Not logged in.")
    method, path = Api.sync(
        client.access_token,
        since=since or client.next_batch or client.loaded_sync_token,
        timeout=timeout or None,
        filter=sync_filter,
    )
    # nio's own request timeout for a long poll: the poll plus 15 s.
    response: SyncResponse | SyncError = await client._send(
        TrustedSyncResponse, method, path, timeout=timeout / 1000 + 15 if timeout else timeout
    )
    return response
