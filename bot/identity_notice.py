"""Telling the rooms a person shares with the bot that their identity changed.

When a person's master key is not the one pinned for them (bot/identity_pins.py), the
bot gives none of their devices room keys until an operator accepts the new key. The
person then sees only "Unable to decrypt", and nobody in the room knows why. So each
room the bot shares with them gets one short, neutral notice (no fingerprints: those
are compared by the operator, with the person, outside the room), once per changed
identity: the notice's transaction id is derived from room, person and new key, so
later key queries and restarts do not repeat it.

After a restart the bot knows a room's members only once it has loaded that room's
state (bot/room_state.py loads it lazily: on the room's first activity or before a send
there), and walking every room at startup would cost seconds with a thousand rooms. So
the changed identities are remembered for the process, and each room whose state loads
later is told too (`room_loaded`: nothing to do, one dict test, while no identity is
changed); the derived transaction id keeps it to one notice per room. A room nobody
writes in and the bot sends nothing to is told when it next becomes active. A room the
bot sends into (a coordinator room that only receives alerts) is told before that send:
the sender loads the room's state first, and asks `first_in` for the notices that load
queued, to send them ahead of its row (else the first alert went in before the word why
the reset person cannot read it).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable

from nio.client.async_client import AsyncClient

from bot.sender import OutboxSender, queue_notice
from commands.i18n import Language, t
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage

log = logging.getLogger(__name__)


class IdentityNotices:
    def __init__(
        self, client: AsyncClient, db: Database, sender: OutboxSender, language: Language
    ) -> None:
        self.client = client
        self.db = db
        self.sender = sender
        self.language = language
        # Changed identities seen by this process: user id -> its new master key.
        self.changed: dict[str, str] = {}
        # Whether `master` is still not the one pinned for the user (not yet accepted).
        self.still_changed: Callable[[str, str], bool] = lambda user_id, master: True
        self._telling: dict[str, asyncio.Task[None]] = {}  # per room, while queuing
        # Notices queued when a room's state loaded, for a send there to put first.
        self._first: dict[str, list[OutboxMessage]] = {}

    def shared_rooms(self, user_id: str) -> list[RoomId]:
        return sorted(
            RoomId(room_id) for room_id, room in self.client.rooms.items() if user_id in room.users
        )

    async def announce(self, user_id: str, master: str) -> None:
        """One notice in each room shared with `user_id`, whose master key is now `master`."""
        self.changed[user_id] = master
        rooms = self.shared_rooms(user_id)
        if not rooms:
            return
        rows = await self._queue([(room_id, user_id, master) for room_id in rooms])
        log.warning(
            "identity of %s changed: notice queued in %s of %s shared room(s)",
            user_id,
            len(rows),
            len(rooms),
        )
        if rows:
            self.sender.submit(rows)

    def room_loaded(self, room_id: str) -> None:
        """A room's members are known now: tell it of the changed identities among them."""
        if not self.changed:
            return
        room = self.client.rooms.get(room_id)
        if room is None:
            return
        due = [
            (RoomId(room_id), user_id, master)
            for user_id, master in list(self.changed.items())
            if user_id in room.users and self.still_changed(user_id, master)
        ]
        if due:
            task = asyncio.ensure_future(self._tell(room_id, due))
            self._telling[room_id] = task
            task.add_done_callback(lambda _: self._telling.pop(room_id, None))

    async def _tell(self, room_id: str, due: list[tuple[RoomId, str, str]]) -> None:
        try:
            rows = await self._queue(due)
        except Exception:  # a courtesy: the trust decision stands without it
            log.exception("could not tell room %s of changed identities", room_id)
            return
        if rows:
            self._first.setdefault(room_id, []).extend(rows)
            self.sender.submit(rows)

    async def first_in(self, room_id: str) -> list[OutboxMessage]:
        """The notices to send into `room_id` before anything else goes there (queued
        when its state loaded; the sender has just loaded it). Each is handed out once."""
        telling = self._telling.get(room_id)
        if telling is not None:
            await asyncio.shield(telling)
        return self._first.pop(room_id, [])

    async def _queue(self, due: list[tuple[RoomId, str, str]]) -> list[OutboxMessage]:
        """One notice per (room, person, new key), once (derived transaction id)."""
        rows: list[OutboxMessage] = []
        async with self.db.transaction() as session:
            for room_id, user_id, master in due:
                identity = hashlib.sha256(f"{user_id}\x00{master}".encode()).hexdigest()[:32]
                text = t(self.language, "identity_changed", user=user_id)
                key = f"identity-changed:{room_id}:{identity}"
                row = await queue_notice(session, room_id, text, self.language, key)
                if row is not None:
                    rows.append(row)
        return rows
