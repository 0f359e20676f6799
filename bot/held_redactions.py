"""Deletions refused for now, carried out once they count (bot/untrusted.py refuses them).

A redaction travels in the clear, so nothing says which session sent it: under
`cross-signed`, in an encrypted room, it counts only while every known session of its
sender is trusted. Refused for good, a reporter or curator with an old unverified login
could never take back a wrong report or answer: clients cannot delete a deleted message
again. So the refusal keeps the deletion (storage/held_redactions.py), and it is
carried out after all, as if it had just arrived, when

- every session that was untrusted when it was refused is now verified by the person's
  own cross-signing, and every session of theirs the bot knows is trusted (re-checked
  after each device check, bot/device_trust.py: a key query after the person verified
  a session or signed one out); a session signed out proves nothing, since the deletion
  may have come from it (a phished login the person threw out); or
- the person confirms it with a 👍 on the bot's refusal notice from a trusted session (a
  reaction is encrypted, so its device is judged like any message's).

A deletion whose message was deleted otherwise meanwhile (a moderator's deletion that
counted) is dropped: it would take back nothing more.

It is kept for `HELD_FOR` (24 hours) at most. Later it lapses: dropped, never carried
out (not by a verification, not by a 👍), and the person is told under the message they
deleted that it still counts (a sweep after syncs, `lapse`, finds it without any device
check). Kept for ever, it was carried out days later, when some session of theirs
became trusted, long after others had acted on the report; and a phished login's
deletion waited for that moment.

A 👍 is recorded in the event log together with the mark `confirmed` on the kept
deletion: a stop before it is carried out leaves a confirmed one, carried out at the
next start (`recheck`) or when the 👍 comes again. (Claimed alone, the 👍 was "handled
before" after a restart, and the deletion stayed kept with no check to carry it out.)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from nio import ReactionEvent, RedactionEvent
from nio.client.async_client import AsyncClient

from bot import events as ev
from commands.i18n import Language, t
from commands.message import Message
from storage import event_log, outbox, redactions
from storage import held_redactions as store
from storage.engine import Database
from storage.event_log import REACTION_EFFECT
from storage.held_redactions import HELD_FOR, REFUSED_EFFECTS, Held
from storage.ids import RoomId

if TYPE_CHECKING:
    from bot.sender import OutboxSender

log = logging.getLogger(__name__)

__all__ = ["HELD_FOR", "HeldRedactions", "counts"]
# How often the sync loop looks for kept deletions that lapsed (seconds; `lapse_due`).
LAPSE_LOOK = 60.0

Handle = Callable[[Message], Awaitable[str]]
# The reaction that confirms a held deletion (any skin tone).
CONFIRM = "👍"


def counts(client: AsyncClient, held: Held) -> bool:
    """Whether the deletion counts now: each session untrusted at its refusal is still
    known (not signed out) and, with every other known session, trusted."""
    from bot.device_trust import untrusted_sessions

    if not held.sessions:
        # Refused while the bot knew none of their sessions: the one that sent it may be
        # signed out before it is ever known, so no verification stands for it; a 👍 does.
        return False
    if untrusted_sessions(client, held.sender) != []:
        return False
    known = {
        str(d.id) for d in client.device_store.active_user_devices(held.sender) if not d.deleted
    }
    return set(held.sessions) <= known


class HeldRedactions:
    def __init__(
        self,
        client: AsyncClient,
        db: Database,
        handle: Handle,
        bot_user_id: str,
        sender: OutboxSender | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self.handle = handle  # the sync loop's: claims the event, runs the command
        self.bot_user_id = bot_user_id
        # One at a time: two device checks at once must not carry out one deletion twice.
        self._lock = asyncio.Lock()
        self.applied = 0
        # Loads a room's state first (bot/room_state.py; the runner sets it): after a
        # restart a deletion may count before its room is loaded, and its handling reads
        # the room's power levels.
        self.room_ready: Callable[[Iterable[str]], Awaitable[None]] | None = None
        # Tells that a kept deletion lapsed (in its language, the rooms' notices' one).
        self.sender = sender
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self._looked = float("-inf")  # monotonic time of the last `lapse_due` sweep

    async def recheck(self, users: Collection[str] | None = None) -> int:
        """Carry out each held deletion of `users` (all when None) that counts now, or
        that the person confirmed (a stop came before it was carried out); one kept past
        `HELD_FOR` lapses instead."""
        if self.client.olm is None:
            return 0
        async with self._lock:
            async with self.db.session() as session:
                held = await store.pending(session, users)
            done = 0
            now = self.now()
            for one in held:
                if one.lapsed(now):
                    await self._lapse(one)
                elif one.confirmed or counts(self.client, one):
                    done += await self._apply(one)
            return done

    async def lapse(self) -> int:
        """Drop every kept deletion past `HELD_FOR`, telling each person; how many."""
        async with self._lock:
            async with self.db.session() as session:
                held = await store.pending(session)
            now = self.now()
            lapsed = [one for one in held if one.lapsed(now)]
            for one in lapsed:
                await self._lapse(one)
            return len(lapsed)

    async def lapse_due(self) -> None:
        """`lapse`, at most once per `LAPSE_LOOK` (the sync loop calls it after batches)."""
        if time.monotonic() - self._looked < LAPSE_LOOK:
            return
        self._looked = time.monotonic()
        try:
            await self.lapse()
        except Exception:  # the database, say: tried again at the next look
            log.exception("held deletions: the look for lapsed ones failed")

    async def _lapse(self, held: Held) -> None:
        """Dropped, and the person told under the message the deletion named (once: the
        row goes in the same transaction)."""
        redacts = held.source.get("redacts") or (held.source.get("content") or {}).get("redacts")
        hours = int(HELD_FOR.total_seconds() // 3600)
        lang: Language = self.sender.language if self.sender is not None else "nl"
        from bot.sender import queue_notice

        async with self.db.transaction() as session:
            if await store.get(session, held.event_id) is None:
                return  # carried out or dropped meanwhile
            await store.drop(session, held.event_id)
            if not isinstance(redacts, str) or await redactions.redacted(session, redacts):
                return  # deleted otherwise meanwhile (a moderator): nothing still counts
            row = await queue_notice(
                session,
                RoomId(held.room_id),
                t(lang, "held_redaction_lapsed", hours=hours),
                lang,
                f"held-lapsed:{held.event_id}",
                in_reply_to=redacts,
                source_event_id=held.event_id,
            )
        log.warning(
            "room %s: held deletion %s from %s lapsed after %s hours: not carried out",
            held.room_id,
            held.event_id,
            held.sender,
            hours,
        )
        if row is not None and self.sender is not None:
            self.sender.submit([row])

    async def confirm(self, room_id: RoomId, event: ReactionEvent) -> bool:
        """True when `event` (from a trusted session: bot/untrusted.py let it through) is
        the person's 👍 on the notice that refused their deletion: carried out now."""
        key = event.key if isinstance(event.key, str) else ""
        if not key.startswith(CONFIRM) or not getattr(event, "decrypted", False):
            return False
        async with self._lock:
            async with self.db.session() as session:  # a 👍 on an offer (most) reads only
                refused = await outbox.answered_by(session, room_id, event.reacts_to)
                held = await store.get(session, refused) if refused else None
            if held is None or held.sender != event.sender or held.room_id != room_id:
                return False
            if held.lapsed(self.now()):
                async with self.db.transaction() as session:
                    await ev.claim(session, event, room_id, f"{REACTION_EFFECT}confirm-lapsed")
                await self._lapse(held)  # told so, carried out never
                return True
            async with self.db.transaction() as session:
                # The 👍 and the mark on the kept deletion in one transaction: a stop
                # before it is carried out leaves it confirmed (see the module docstring).
                if await ev.claim(session, event, room_id, f"{REACTION_EFFECT}confirm"):
                    await store.confirm(session, held)
                else:
                    current = await store.get(session, held.event_id)
                    if current is None or not current.confirmed:
                        return True  # handled before
                    # Confirmed before a stop, not carried out yet: now.
            log.info("room %s: %s confirmed held deletion %s", room_id, event.sender, held.event_id)
            await self._apply(held)
            return True

    async def _apply(self, held: Held) -> int:
        if self.room_ready is not None:
            await self.room_ready([held.room_id])
        event = RedactionEvent.from_dict(held.source)
        message = (
            ev.to_message(event, held.room_id, self.bot_user_id)
            if isinstance(event, RedactionEvent)
            else None
        )
        async with self.db.transaction() as session:
            target = message.relation.redacts if message is not None else None
            if message is None or target is None or await redactions.redacted(session, target):
                await store.drop(session, held.event_id)  # done otherwise meanwhile
                return 0
            logged = await event_log.seen(session, held.event_id)
            if logged is not None and logged.effect not in REFUSED_EFFECTS:
                # Handled anew already: a stop came before it was dropped here.
                await store.drop(session, held.event_id)
                return 0
            # Refused, it was logged as handled: out of the log, it is handled anew. Kept
            # until then, a stop in between leaves it for the next check.
            await event_log.forget(session, held.event_id)
        outcome = await self.handle(message)
        async with self.db.transaction() as session:
            await store.drop(session, held.event_id)
        self.applied += 1
        log.warning(
            "room %s: held deletion %s from %s counts now (%s)",
            held.room_id,
            held.event_id,
            held.sender,
            outcome,
        )
        return 1
