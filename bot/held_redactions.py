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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable

from nio import ReactionEvent, RedactionEvent
from nio.client.async_client import AsyncClient

from bot import events as ev
from commands.message import Message
from storage import event_log, outbox, redactions
from storage import held_redactions as store
from storage.engine import Database
from storage.event_log import REACTION_EFFECT
from storage.held_redactions import Held
from storage.ids import RoomId

log = logging.getLogger(__name__)

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

    async def recheck(self, users: Collection[str] | None = None) -> int:
        """Carry out each held deletion of `users` (all when None) that counts now."""
        if self.client.olm is None:
            return 0
        async with self._lock:
            async with self.db.session() as session:
                held = await store.pending(session, users)
            done = 0
            for one in held:
                if counts(self.client, one):
                    done += await self._apply(one)
            return done

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
            async with self.db.transaction() as session:
                if not await ev.claim(session, event, room_id, f"{REACTION_EFFECT}confirm"):
                    return True  # handled before
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
