"""Whether a user is in a room now, from nio's room state: for commands that must not
send into a room its reader has left (commands/held_answers.py), without importing nio
there (commands/context.MemberProbe)."""

from __future__ import annotations

import logging

from nio.client.async_client import AsyncClient

from bot.room_state import RoomStates
from commands.context import MemberProbe

log = logging.getLogger(__name__)


def member_probe(client: AsyncClient, states: RoomStates) -> MemberProbe:
    """The probe: in the room, joined or invited back (True: nio's `users` holds both),
    gone (False), or unknown (None: the room's state could not be loaded, or the bot is
    not in the room)."""

    async def joined(room_id: str, user_id: str) -> bool | None:
        try:
            await states.ensure([room_id])
        except Exception:  # a state load that failed: unknown, the answer goes as before
            log.warning("room %s: state not loaded; membership of %s unknown", room_id, user_id)
            return None
        room = client.rooms.get(room_id)
        if room is None:
            return None
        return user_id in room.users

    return joined
