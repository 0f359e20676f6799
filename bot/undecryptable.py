"""Encrypted events the bot cannot read (yet): wait for their keys, retry, or say so.

An event that names a waiting one (an edit of it, a reply to it, a reaction) waits
beside it, readable or not (`park`): handled before it, an edit was refused ("het
oorspronkelijke bericht ken ik niet") and the original, once its key came, recorded
as first written. The waiting events are handled in the order they came, each only
once nothing it names waits any more. A redaction is not parked: it takes a waiting
message out at once (commands/redacted.py).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import cast

from nio import EncryptionError, Event, MegolmEvent
from nio.client.async_client import AsyncClient

from bot import events as ev
from bot.sender import OutboxSender, queue_notice
from bot.untrusted import CHECKED
from commands.i18n import Language, t
from storage import event_log, pending_encrypted
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId

log = logging.getLogger(__name__)

EventHandler = Callable[[RoomId, Event], Awaitable[None]]


class Undecryptable:
    def __init__(
        self,
        client: AsyncClient,
        db: Database,
        sender: OutboxSender,
        language: Language,
        grace_seconds: float,
    ) -> None:
        self.client = client
        self.db = db
        self.sender = sender
        self.language = language
        self.grace = timedelta(seconds=grace_seconds)
        # While encrypted events wait for keys, poll briefly so they are retried soon.
        # True until a look at the table finds nothing waiting (so a restart looks
        # once); set again whenever an event cannot be decrypted.
        self.waiting_for_keys = True

    async def on_event(self, room_id: RoomId, event: MegolmEvent) -> None:
        if not self.client.olm:
            # Without encryption no key will ever come: waiting would swallow the
            # message in silence. Say so at once instead.
            await self._cannot_read(
                room_id, UserId(event.sender), event.event_id, ev.event_time(event)
            )
            return
        async with self.db.transaction() as session:
            if await event_log.is_processed(session, EventId(event.event_id)):
                return
            added = await pending_encrypted.add(
                session, event.event_id, room_id, event.sender, event.source
            )
            await room_repo.note_event(session, room_id, event.event_id, event.server_timestamp)
        self.waiting_for_keys = True
        if added:
            # No room key request: nio sends one to the bot's own devices only, and takes a
            # forwarded key only from those it trusts, which bot/device_trust.py never
            # does; each request was an HTTP call per event, a flood's amplifier.
            log.info("room %s: cannot decrypt %s yet; waiting for its key", room_id, event.event_id)

    async def park(self, room_id: RoomId, event: Event) -> bool:
        """Keep a readable event that names a waiting one until that one is handled (see
        the module docstring); True when it was parked. Kept as it was read (decrypted):
        it is handled as it is, by the same rules, once it may be."""
        named = ev.referred_ids(event)
        if not named or not self.waiting_for_keys:
            return False
        async with self.db.transaction() as session:
            if await event_log.is_processed(session, EventId(event.event_id)):
                return False  # a replay: the usual path says so
            waits = [await pending_encrypted.get(session, target) for target in named]
            if not any(row is not None and row.room_id == room_id for row in waits):
                return False
            await pending_encrypted.add(
                session, event.event_id, room_id, event.sender, dict(event.source)
            )
            await room_repo.note_event(session, room_id, event.event_id, event.server_timestamp)
        log.info("room %s: %s waits for the event it names", room_id, event.event_id)
        return True

    async def retry(self, handle_event: EventHandler) -> None:
        """Decrypt what waits for keys now; give up on what waited past the grace time."""
        if not self.waiting_for_keys:
            return  # nothing is waiting: spare the query after every batch
        async with self.db.session() as session:
            pending = list(await pending_encrypted.all_pending(session))
        self.waiting_for_keys = bool(pending)
        if not pending:
            return
        if not self.client.olm:
            # Left over from a run with encryption on: no key can arrive now. An event
            # parked beside one (read already, `park`) is no ciphertext: it is handled
            # below, once what it names is given up here.
            for row in pending:
                if dict(row.source).get("type") == "m.room.encrypted":
                    await self._cannot_read(
                        RoomId(row.room_id), UserId(row.sender), row.event_id, row.first_seen
                    )
            pending = [r for r in pending if dict(r.source).get("type") != "m.room.encrypted"]
            if not pending:
                self.waiting_for_keys = False
                return
        now = datetime.now(UTC)
        expired: dict[tuple[str, str], list[str]] = defaultdict(list)
        waiting = {row.event_id for row in pending}
        for row in pending:  # in the order they came
            readable = self._read(row, now, expired)
            if readable is None:
                continue
            if ev.referred_ids(readable) & (waiting - {row.event_id}):
                continue  # parked: what it names is not handled yet
            await handle_event(RoomId(row.room_id), readable)
            async with self.db.transaction() as session:
                await pending_encrypted.remove(session, row.event_id)
            waiting.discard(row.event_id)
        for (room_id, sender), event_ids in expired.items():
            await self._give_up(RoomId(room_id), UserId(sender), event_ids, now)

    def _read(
        self,
        row: pending_encrypted.PendingEncrypted,
        now: datetime,
        expired: dict[tuple[str, str], list[str]],
    ) -> Event | None:
        """The waiting event as the bot can read it now: decrypted, or parked as it was
        read; None while its key has not come (added to `expired` past the grace)."""
        source = dict(row.source)
        if source.get("type") != "m.room.encrypted":
            parked = Event.parse_decrypted_event(source)
            if isinstance(parked, Event):
                # Its sender was judged before it was parked (bot/untrusted.py).
                setattr(parked, CHECKED, True)
                return parked
            expired[(row.room_id, row.sender)].append(row.event_id)  # never readable again
            return None
        encrypted = MegolmEvent.from_dict(source)
        if not isinstance(encrypted, MegolmEvent):
            expired[(row.room_id, row.sender)].append(row.event_id)
            return None
        encrypted.room_id = row.room_id
        try:
            decrypted = self.client.decrypt_event(encrypted)
        except EncryptionError:
            if now - row.first_seen > self.grace:
                expired[(row.room_id, row.sender)].append(row.event_id)
            return None
        log.info("room %s: decrypted %s after its key arrived", row.room_id, row.event_id)
        # Whatever it decrypted to is handled (and leaves the table), as before.
        return cast(Event, decrypted)

    async def _cannot_read(
        self, room_id: RoomId, sender: UserId, event_id: str, at: datetime
    ) -> None:
        """This bot runs without encryption: tell the sender, once per sender and room.

        The event is recorded as handled (effect "undecryptable"); the notice's
        transaction id is derived from room and sender, so the outbox keeps it to
        one notice for every later encrypted message and across restarts.
        """
        async with self.db.transaction() as session:
            await pending_encrypted.remove(session, event_id)
            if await event_log.is_processed(session, EventId(event_id)):
                return
            await event_log.record(session, EventId(event_id), room_id, sender, "undecryptable", at)
            row = await queue_notice(
                session,
                room_id,
                t(self.language, "encryption_unsupported"),
                self.language,
                f"no-encryption:{room_id}:{sender}",
                in_reply_to=event_id,
                source_event_id=event_id,
            )
        log.warning(
            "room %s: encrypted message %s from %s; this bot cannot read encrypted messages "
            "(encryption is off): %s",
            room_id,
            event_id,
            sender,
            "notice queued" if row is not None else "sender was told before",
        )
        if row is not None:
            self.sender.submit([row])

    async def _give_up(
        self, room_id: RoomId, sender: UserId, event_ids: Sequence[str], now: datetime
    ) -> None:
        """One notice per sender and room for the lot, not one per message."""
        text = t(self.language, "undecryptable", count=len(event_ids))
        async with self.db.transaction() as session:
            for event_id in event_ids:
                await pending_encrypted.remove(session, event_id)
                if not await event_log.is_processed(session, EventId(event_id)):
                    await event_log.record(
                        session, EventId(event_id), room_id, sender, "undecryptable", now
                    )
            key = f"undecryptable:{event_ids[0]}"
            await queue_notice(
                session, room_id, text, self.language, key, in_reply_to=event_ids[-1]
            )
        log.warning(
            "room %s: gave up decrypting %s event(s) from %s", room_id, len(event_ids), sender
        )
        self.sender.wake()
