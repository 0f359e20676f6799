"""Telling the rooms a person shares with the bot that their identity changed.

When a person's master key is not the one pinned for them (bot/identity_pins.py), the
bot gives none of their devices room keys until an operator accepts the new key. The
person then sees only "Unable to decrypt", and nobody in the room knows why. So each
room the bot shares with them gets one short, neutral notice (no fingerprints: those
are compared by the operator, with the person, outside the room), once per changed
identity: the notice's transaction id is derived from room, person and new key, so
later key queries and restarts do not repeat it.
"""

from __future__ import annotations

import hashlib
import logging

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

    def shared_rooms(self, user_id: str) -> list[RoomId]:
        return sorted(
            RoomId(room_id) for room_id, room in self.client.rooms.items() if user_id in room.users
        )

    async def announce(self, user_id: str, master: str) -> None:
        """One notice in each room shared with `user_id`, whose master key is now `master`."""
        rooms = self.shared_rooms(user_id)
        if not rooms:
            return
        identity = hashlib.sha256(f"{user_id}\x00{master}".encode()).hexdigest()[:32]
        text = t(self.language, "identity_changed", user=user_id)
        rows: list[OutboxMessage] = []
        async with self.db.transaction() as session:
            for room_id in rooms:
                key = f"identity-changed:{room_id}:{identity}"
                row = await queue_notice(session, room_id, text, self.language, key)
                if row is not None:
                    rows.append(row)
        log.warning(
            "identity of %s changed: notice queued in %s of %s shared room(s)",
            user_id,
            len(rows),
            len(rooms),
        )
        if rows:
            self.sender.submit(rows)
