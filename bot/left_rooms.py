"""What members wrote in a room before the bot left it (kicked, banned, or its own leave).

A sync lists a room the bot has just left under `rooms.leave`, with the timeline up to
the leave: everything written since the bot's previous sync. Those messages were
written while the bot was a member of the room, under its binding, so they are handled
like any room's messages before the leave itself is (a severe report posted just
before a kick, or while the bot was down before an admin tidied the room, was never
stored nor alerted). matrix-nio neither decrypts nor applies a left room's events: the
encrypted ones are decrypted here with the keys the bot holds; one whose key is
missing waits for it like any other (bot/undecryptable.py).
"""

from __future__ import annotations

import logging

from nio import EncryptionError, Event, MegolmEvent, RoomMemberEvent
from nio.client.async_client import AsyncClient
from nio.responses import RoomInfo, Timeline

log = logging.getLogger(__name__)


def _own_leave_index(events: list[Event], user_id: str) -> int | None:
    """Where the bot's latest leave (or ban) is in `events`, if it is there."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if (
            isinstance(event, RoomMemberEvent)
            and event.state_key == user_id
            and event.membership in ("leave", "ban")
        ):
            return index
    return None


def _decrypted(client: AsyncClient, room_id: str, event: Event) -> Event:
    if not isinstance(event, MegolmEvent) or client.olm is None:
        return event
    event.room_id = room_id
    try:
        decrypted: Event = client.decrypt_event(event)
    except EncryptionError:
        return event  # its key has not come yet: it waits like any other
    return decrypted


def before_leave(
    client: AsyncClient, room_id: str, info: RoomInfo, user_id: str
) -> RoomInfo | None:
    """The part of a left room's timeline written before the bot's leave, as a joined
    room's timeline (same gap, same state), or None when nobody else wrote in it."""
    events = list(info.timeline.events)
    cut = _own_leave_index(events, user_id)
    before = events if cut is None else events[:cut]
    if not info.timeline.limited and not any(event.sender != user_id for event in before):
        return None
    before = [_decrypted(client, room_id, event) for event in before]
    log.info("room %s: left; handling %d event(s) written before the leave", room_id, len(before))
    return RoomInfo(
        Timeline(before, info.timeline.limited, info.timeline.prev_batch),
        info.state,
        [],
        [],
    )
