"""Whether a user is in a room now, from nio's room state: for commands that must not
send into a room its reader has left (commands/held_answers.py), without importing nio
there (commands/context.MemberProbe).

A room whose state is not loaded yet (after a restart) is loaded from the homeserver,
never inside the event's write transaction (on SQLite a network round trip under the
write lock would hold up every other room's writes): while an event is handled
(`commands.context.FETCHED`), the probe asks for the load first (`FetchFirst`), and
answers from nio's state when the event is handled anew."""

from __future__ import annotations

import logging

from nio.client.async_client import AsyncClient

from bot.room_state import RoomStates
from commands.context import FETCHED, FetchFirst, MemberProbe

log = logging.getLogger(__name__)


def member_probe(client: AsyncClient, states: RoomStates) -> MemberProbe:
    """The probe: in the room, joined or invited back (True: nio's `users` holds both),
    gone (False), or unknown (None: the room's state could not be loaded, or the bot is
    not in the room)."""

    async def load(room_id: str, user_id: str) -> bool:
        try:
            await states.ensure([room_id])
        except Exception:  # a state load that failed: unknown, the answer goes as before
            log.warning("room %s: state not loaded; membership of %s unknown", room_id, user_id)
            return False
        return True

    async def joined(room_id: str, user_id: str) -> bool | None:
        fetched = FETCHED.get()
        if fetched is None:
            loaded = await load(room_id, user_id)  # no transaction of the core's is open
        elif room_id in states.loaded:
            loaded = True
        else:
            key = ("members", room_id)
            if key not in fetched:

                async def fetch() -> None:
                    fetched[key] = await load(room_id, user_id)

                raise FetchFirst(fetch)
            loaded = fetched[key] is True
        if not loaded:
            return None
        room = client.rooms.get(room_id)
        if room is None:
            return None
        return user_id in room.users

    return joined
