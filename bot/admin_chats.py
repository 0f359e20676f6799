"""Where the bot can tell its configured admins something no room of theirs would show:
the direct chats it keeps with an admin (`admins`), in which it may still write.

An upgraded room is read-only for the bot (the homeserver raises its power levels after
the tombstone) and it is not in the new room until someone invites it: a notice that
the binding, or the curators' posts, wait for that invite has nowhere else to go
(bot/room_lifecycle.py, bot/sender.py). Without such a chat the log and the audit
records say it, and the notice waits in the outbox addressed to each admin (its room id
is the admin's user id, `for_admin`): `knooppunt outbox` lists it, /healthz counts it,
and it goes to the admin's direct chat once they open one with the bot (bot/sender.py).
The bot does not open one itself: a configured admin id may be mistyped, and a room the
bot made on its own would invite whoever holds that id."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Iterable

from nio.client.async_client import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import Database
from storage.ids import RoomId
from storage.models import Room

log = logging.getLogger(__name__)

RoomReady = Callable[[Iterable[str]], Awaitable[None]]


def for_admin(room_id: str) -> bool:
    """Whether an outbox row's room id is an admin's user id: a notice for them that waits
    for their direct chat with the bot."""
    return room_id.startswith("@")


async def _direct_rooms(session: AsyncSession) -> list[str]:
    found = await session.scalars(
        select(Room.room_id)
        .where(Room.is_direct.is_(True), Room.active.is_(True))
        .order_by(Room.room_id)
    )
    return list(found)


async def prepare(db: Database, admins: Collection[str], ready: RoomReady | None) -> None:
    """Load the direct chats' state before a write transaction looks for the admins'
    chats in it: a state load is a homeserver round trip, and on SQLite a write
    transaction holds the write lock (every other room's writes would wait on it)."""
    if not admins or ready is None:
        return
    async with db.session() as session:
        candidates = await _direct_rooms(session)
    if candidates:
        try:
            await ready(candidates)
        except Exception:  # judged on what nio knows (admin_chats)
            log.warning("admin chats: room state not loaded; judged on what is known")


async def admin_chats(
    session: AsyncSession,
    client: AsyncClient,
    admins: Collection[str],
    user_id: str,
    ready: RoomReady | None = None,
) -> list[RoomId]:
    """The direct chats (kept as such since their invite) of the bot with one configured
    admin and nobody else, in which the bot may send messages now."""
    if not admins:
        return []
    candidates = await _direct_rooms(session)
    if ready is not None and candidates:
        try:
            await ready(candidates)
        except Exception:  # a state load that failed: judged on what nio knows
            log.warning("admin chats: room state not loaded; judged on what is known")
    chats = []
    for room_id in candidates:
        room = client.rooms.get(room_id)
        if room is None:
            continue
        people = set(room.users) - {user_id}
        if len(people) != 1 or not people <= set(admins):
            continue
        if not room.power_levels.can_user_send_message(user_id):
            continue
        chats.append(RoomId(room_id))
    return chats
