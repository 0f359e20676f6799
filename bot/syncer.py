"""The sync loop: every event handled exactly once, nothing lost.

The bot keeps its own sync token (DESIGN.md, "Processing every event exactly
once"): each handled event, its effect and its replies (outbox rows) are
committed in one transaction keyed by the event id; the token moves on only
after the whole batch is committed. A crash anywhere replays the batch, and
the event log turns the replay into a no-op.

Replies the sender has sent are marked sent in the token's transaction (not in
one of their own each): the batch that shows their echoes is replayed until
both are committed. A batch of nothing but those echoes is not handled at all.
Neither it nor a plain batch (messages only: see _plain_batch) writes its token,
marks and sent rows at once: they are written together, with the next batch that
is neither, at a stop, or after TOKEN_EVERY seconds. Each event is committed with
its log entry already, so a crash replays a few seconds of events as no-ops; at a
steady pace this saves a write transaction per event. After a restart nio knows no room's state;
it is loaded per room when needed (bot/room_state.py), not for all rooms first.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from nio import Event, MatrixRoom, MegolmEvent, ReactionEvent, RoomUpgradeEvent, SyncResponse
from nio.client.async_client import AsyncClient
from nio.responses import RoomInfo
from sqlalchemy.exc import SQLAlchemyError

from bot import events as ev
from bot.backfill import BatchAborted, GapRefused, backfill
from bot.backoff import NETWORK_ERRORS, Backoff, sleep_unless
from bot.config import Settings
from bot.handling import RoomViewFactory, process_message
from bot.held_redactions import HeldRedactions
from bot.key_upkeep import keep_keys
from bot.left_rooms import before_leave
from bot.membership import Membership
from bot.metrics import Metrics
from bot.room_lifecycle import RoomLifecycle, is_one_to_one, room_is_public
from bot.room_state import RoomStates
from bot.sender import OutboxSender
from bot.session import LoginFailed, password_login
from bot.sync_response import sync as trusted_sync
from bot.undecryptable import Undecryptable
from bot.untrusted import UntrustedSenders
from commands.dispatcher import Dispatcher, RoomView
from commands.message import Message
from storage import outbox, sync_state
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView

__all__ = ["BATCH_ERRORS", "BatchAborted", "RoomViewFactory", "Syncer", "process_message"]

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
# A batch that brings only the echoes of our own recorded replies, or only messages
# (each committed with its event-log entry), needs no write of its own: its token (and
# the rooms' marks, and the replies sent) is kept in memory, and stored with the next
# batch that is neither (or after this many seconds, or at a stop). Replaying such
# batches after a crash is a no-op.
TOKEN_EVERY = 5.0
# What the bot never reads: typing notices, read receipts and presence. Without this
# filter each of them (every reader of a reply sends a receipt) wakes the long poll
# with a response to parse and validate that changes nothing. Inline, not uploaded:
# no request before the first sync; the timeline and state are as without a filter.
# The timeline limit is raised from Synapse's 10: a room that got more events than
# that since the last poll (our own replies while draining a backlog, see ECHO_PAUSE)
# comes back limited, and its gap costs /messages requests to fill.
SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "room": {"ephemeral": {"not_types": ["*"]}, "timeline": {"limit": 50}},
}
# Not tried again without new figures: long polls that left out the bot's own events
# (`not_senders`, with /messages wherever one of its events could hide). Measured in
# sessions 12 and 13 at 10 commands/s over 100 rooms, beside the same run's baseline:
# CPU per event 1.57x vs 1.57x (median of three), then 1.39x and 1.90x vs 1.32x and
# 1.42x without: at this rate commands and echoes mostly share a sync already.
# While the sender has more than ECHO_PAUSE_BACKLOG replies to send, a batch of nothing
# but our own events is followed by a pause of up to ECHO_PAUSE seconds before the next
# poll. Otherwise every echo of a reply wakes the long poll, and each /sync costs the
# homeserver (one core of CPU for all of it) about as much as a send: while draining a
# backlog the bot then sent at half the rate of a client that does not sync meanwhile.
# A command that arrives during such a drain is read up to ECHO_PAUSE later; its reply
# would wait behind the queue anyway (the sender serves the rooms in turn: with 50 rooms
# waiting, about 2 s a round). Two seconds, not one: a 2,000-message backlog over 50
# rooms made 57 syncs in a 72 s drain at 1 s (0.79 a second, each ~26 ms of the
# homeserver's CPU and ~35 of its database transactions) and 80 in 218 s at 2 s (0.37).
# Old and new code in turn, busy machine: 2,000/50 40 -> 23 syncs (their homeserver CPU
# 3.6 -> 2.9 s), 5,000/50 195 -> 110 (5.5 -> 5.1 s); the drain itself did not measurably
# change (the homeserver spent ~52 s of CPU on the 2,000 either way).
ECHO_PAUSE = 2.0
ECHO_PAUSE_BACKLOG = 8
# Back-fills (/messages) of limited timelines under way at once. After a restart every
# busy room comes back limited; their gaps are handled after the batch's newest events,
# so they need not all be asked for at the same moment. Fifty at once held the first
# replies' sends behind them at the homeserver (one 1,000-message backlog over 50
# rooms: the first send took 1.46 s there, the gaps 0.5-0.9 s each).
GAP_PARALLEL = 2


# Errors after which the batch is replayed from the stored token.
BATCH_ERRORS: tuple[type[BaseException], ...] = (BatchAborted, SQLAlchemyError, *NETWORK_ERRORS)


class Syncer:
    # Events of the batch sent before their room was switched to encryption (in the
    # timeline before its first m.room.encryption event): not refused as plain text in
    # an encrypted room (`ev.before_encryption`). Reset for each batch.
    _in_the_clear: frozenset[str] = frozenset()

    def __init__(
        self,
        client: AsyncClient,
        db: Database,
        dispatcher: Dispatcher,
        sender: OutboxSender,
        settings: Settings,
    ) -> None:
        assert settings.user_id is not None
        self.client = client
        self.db = db
        self.dispatcher = dispatcher
        self.sender = sender
        self.settings = settings
        self.user_id = UserId(settings.user_id)
        self.stop = asyncio.Event()
        self.last_sync_ok: float | None = None
        self.sync_errors = 0
        self.events_handled = 0
        self._backoff = Backoff(initial=1.0, maximum=30.0)
        self.metrics: Metrics | None = None
        # The token of the latest batch handled but not written yet (a quiet or plain
        # one: see TOKEN_EVERY), with the rooms' marks of those batches (written with it).
        self._unstored_token: str | None = None
        self._deferred_seen: dict[RoomId, tuple[str, int]] = {}
        self._deferred_marks: dict[str, room_repo.RoomMark] = {}
        self._calm = False  # whether the batch may leave its token to a later write (_calm)
        # Last event per room in this batch, in timeline (storage) order, never by
        # timestamp: the catch-up after a gap stops at it. Stored with the sync token.
        self._last_seen: dict[RoomId, tuple[str, int]] = {}
        self._leaving: set[RoomId] = set()  # the rooms the batch under way shows left
        self._redacted_ahead: dict[str, str] = {}  # shown redacted in the batch: see _process
        # The rooms of this batch as stored at its start (one query, not one per room).
        self._marks: dict[str, room_repo.RoomMark] = {}
        # The marks as last read or written by this loop: a steady stream of plain
        # messages needs no SELECT of them per batch. Only this loop writes a mark
        # while batches are plain (see _plain_batch); anything else clears it.
        self._mark_cache: dict[str, room_repo.RoomMark] = {}
        self._plain = False  # whether the batch under way is plain (see _plain_batch)
        # Echoes of replies whose send had not returned when the echo came (transaction
        # id -> the echo's event id): settled when the token is written (_store_deferred).
        self._unsettled_echoes: dict[str, str] = {}
        # Upgrades (tombstones) and publicness: decided outside the sync loop's core.
        self.lifecycle = RoomLifecycle(client, db, self.user_id, settings.language, sender.wake)
        self.membership = Membership(client, db, sender, settings, self.lifecycle)
        self.undecryptable = Undecryptable(
            client, db, sender, settings.language, settings.undecryptable_grace_seconds
        )
        # Messages not acted on; the runner hands it the device check (bot/device_trust.py).
        self.untrusted = UntrustedSenders(
            client, db, sender, settings.language, settings.encryption_trust, None
        )
        self.untrusted.prefix = settings.command_prefix
        # Deletions refused for now, carried out once they count (bot/held_redactions.py).
        self.held = HeldRedactions(client, db, self.handle_message, self.user_id, sender)
        # Rooms' state on demand after a restart (see bot/room_state.py); the sender
        # loads a room's state before its first send there too (members, for keys).
        self.room_states = RoomStates(client)
        self.sender.room_ready = self.room_states.ensure
        self._gap_gate = asyncio.Semaphore(GAP_PARALLEL)

    # ------------------------------------------------------------------ loop

    async def run(self) -> None:
        async with self.db.session() as session:
            token = await sync_state.get_next_batch(session, self.user_id)
        try:
            await self._loop(token)
        finally:
            # At a stop: what calm batches left unwritten (a replay of them is harmless).
            with contextlib.suppress(Exception):
                await self._store_deferred({})

    async def _loop(self, token: str | None) -> None:
        first = True
        stored_at = time.monotonic()  # when the token was last written
        while not self.stop.is_set():
            try:
                response = await self._sync(token, first)
            except NETWORK_ERRORS as exc:
                await self._sync_failed(f"homeserver unreachable: {exc!r}")
                continue
            if response is None:  # stopped while waiting
                return
            received = time.monotonic()
            if not isinstance(response, SyncResponse):
                await self._sync_refused(response)
                continue
            quiet = token is not None and not first and self._only_own_echoes(response)
            if not await self._handle_batch(response, token, first, quiet):
                continue
            await self.sender.wait_drained(within=0.25)
            if self._only_own_events(response):
                await self._pause_while_sending()
            if self.stop.is_set():
                # Stopped mid-batch: the token stays put, the next start replays the rest.
                return
            stored_at = await self._store_token(response, quiet, stored_at)
            self._last_seen.clear()
            self._marks = {}
            token = response.next_batch
            first = False
            await self._batch_done(received)

    async def _sync_refused(self, response: object) -> None:
        """The homeserver answered the sync with an error: log in again, or back off."""
        status = getattr(response, "status_code", None)
        if status == "M_UNKNOWN_TOKEN":
            await self._relogin()
            return
        await self._sync_failed(f"sync error {status}: {getattr(response, 'message', '')}")

    async def _handle_batch(
        self, response: SyncResponse, token: str | None, first: bool, quiet: bool
    ) -> bool:
        """Handle one batch; False when it failed and will be replayed (after a back-off)."""
        self._plain = False
        self._calm = self._is_calm(response, token, first, quiet)
        self.room_states.note_sync(response)  # before any event is judged by power
        try:
            if not self._calm:
                # Others may write rooms' rows in this batch, or read their marks: what
                # calm batches left unwritten goes first, as if written at their end.
                await self._store_deferred({})
            if first and token is None:
                self.room_states.mark_loaded(response.rooms.join)
            if token is None:
                await self._first_start(response)
            elif quiet:
                self._note_unsettled(response)
                if self.undecryptable.waiting_for_keys:
                    self._mark_cache.clear()  # a retry may note events in rooms
                await self.undecryptable.retry(self._handle_event)
            else:
                await self._process(response, token)
        except BATCH_ERRORS as exc:
            self._mark_cache.clear()
            await self._sync_failed(f"batch not completed, will replay it: {exc!r}")
            return False
        return True

    def _is_calm(self, response: SyncResponse, token: str | None, first: bool, quiet: bool) -> bool:
        """Whether the batch may leave its token, marks and sent rows to a later write:
        only our echoes (quiet), or only messages that this loop alone records (plain)."""
        if token is None or first or self.undecryptable.waiting_for_keys:
            return False
        return quiet or self._plain_batch(response)

    async def _store_token(self, response: SyncResponse, quiet: bool, stored_at: float) -> float:
        """Write the batch's token (and the rooms' marks) once the batch is handled; a
        calm batch's waits up to TOKEN_EVERY (see there). Returns when it was written."""
        public = self._public_flags(response.rooms.join) if not quiet else {}
        if not quiet:
            self._deferred_seen.update(self._last_seen)
            self._deferred_marks.update(self._marks)
        self._unstored_token = response.next_batch
        changed = any(
            room_id not in self._marks or self._marks[room_id].public != flag
            for room_id, flag in public.items()
        )
        if self._calm and not changed and time.monotonic() - stored_at <= TOKEN_EVERY:
            if not quiet:
                self._remember_marks(public)  # the marks as they will be written
            return stored_at
        await self._store_deferred(public)
        if not quiet:
            self._remember_marks(public)
        return time.monotonic()

    async def _store_deferred(self, public: dict[str, bool]) -> None:
        """Write the latest handled batch's token, the marks of the batches since the last
        write, and the replies sent meanwhile, in one transaction (nothing when all is
        written). The sent replies are marked with the token: the batch that shows their
        echoes is replayed until both commit."""
        token = self._unstored_token
        if token is None:
            return
        sent = self.sender.unrecorded()
        # Echoes whose send has still not returned (or failed after the homeserver took
        # it): their rows are marked here, so the token never passes an unmarked echo.
        echoes = {
            txn: event_id
            for txn, event_id in self._unsettled_echoes.items()
            if not self.sender.recorded_sent(txn)
        }
        try:
            async with self.db.transaction() as session:
                if self._deferred_seen or public:
                    await room_repo.note_batch(
                        session, self._deferred_seen, public, self._deferred_marks
                    )
                await outbox.mark_sent_many(session, sent)
                for txn, event_id in echoes.items():
                    await outbox.mark_sent_by_txn(session, txn, event_id)
                await sync_state.set_next_batch(session, self.user_id, token)
        except BaseException:
            self._mark_cache.clear()
            raise
        self._unstored_token = None  # an older token must never be written now
        self._deferred_seen = {}
        self._deferred_marks = {}
        self._unsettled_echoes = {}
        self.sender.recorded(sent)

    async def _batch_done(self, received: float) -> None:
        """A batch handled and its token kept: the health mark, the back-off reset, the
        outbox's start after the first batch, the encryption keys' upkeep."""
        self.last_sync_ok = time.monotonic()
        log.debug("batch done in %.1f ms", (self.last_sync_ok - received) * 1000)
        if self._backoff.failures:
            log.info("sync recovered after %s failed attempt(s)", self._backoff.failures)
        self._backoff.reset()
        if not self.sender.ready.is_set():
            # The first batch is done: rows an earlier run left now go out too.
            self.sender.ready.set()
            self.sender.wake()
        await self._maintain_keys()
        # Kept deletions past their time lapse, and the person is told (once a minute).
        await self.held.lapse_due()

    def _only_own_echoes(self, response: SyncResponse) -> bool:
        """Whether the batch holds nothing but echoes of replies this process sent.

        Such a batch (every reply brings one) needs no handling and no write: only our
        own events (`_only_own_events`), no gap, each with a transaction id the sender
        has recorded (or will record with the next token), or is sending right now (its
        echo came before the send returned: settled with the token, _note_unsettled).
        """
        if not self._only_own_events(response):
            return False
        sender = self.sender
        for info in response.rooms.join.values():
            if info.timeline.limited:
                return False
            for event in info.timeline.events:
                txn = ev.own_transaction_id(event)
                if txn is None or not (sender.recorded_sent(txn) or sender.sending(txn)):
                    return False
        return True

    def _note_unsettled(self, response: SyncResponse) -> None:
        """A quiet batch's echoes of sends that have not returned: for the token's write."""
        for info in response.rooms.join.values():
            for event in info.timeline.events:
                txn = ev.own_transaction_id(event)
                if txn is not None and not self.sender.recorded_sent(txn):
                    self._unsettled_echoes[txn] = event.event_id

    def _only_own_events(self, response: SyncResponse) -> bool:
        """Whether the batch brought nothing from anyone else: no invites or leaves, no
        state, only our own timeline events (see ECHO_PAUSE and `_only_own_echoes`)."""
        if response.rooms.invite or response.rooms.leave:
            return False
        return all(
            not info.state and all(event.sender == self.user_id for event in info.timeline.events)
            for info in response.rooms.join.values()
        )

    async def _pause_while_sending(self) -> None:
        """Before the next poll: wait while the sender has a backlog (see ECHO_PAUSE)."""
        deadline = time.monotonic() + ECHO_PAUSE
        while self.sender.backlog() > ECHO_PAUSE_BACKLOG and time.monotonic() < deadline:
            if await sleep_unless(self.stop, 0.05):
                return

    async def _sync(self, token: str | None, first: bool) -> Any:
        # The very first start (no token) asks for all rooms' state, to note them all;
        # after a restart the state of a room is loaded when it is needed (see
        # bot/room_state.py), so the first reply does not wait for a thousand rooms.
        poll_ms = (
            min(SYNC_TIMEOUT_MS, 2000) if self.undecryptable.waiting_for_keys else SYNC_TIMEOUT_MS
        )
        call = (
            self.client.sync(
                timeout=0,
                since=token,
                full_state=True if token is None else None,
                # Without a filter: bot/startup.py may have asked for it already, as is.
                sync_filter=None,
            )
            if first
            # The long polls: parsed without nio's schema check (bot/sync_response.py).
            else trusted_sync(self.client, poll_ms, token, SYNC_FILTER)
        )
        task = asyncio.ensure_future(call)
        stopper = asyncio.ensure_future(self.stop.wait())
        done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if task not in done:
            task.cancel()
            return None
        return task.result()

    async def _sync_failed(self, reason: str) -> None:
        self.sync_errors += 1
        if self.metrics is not None:
            self.metrics.sync_errors.inc()
        delay = self._backoff.next_delay()
        log.warning(
            "sync failed (%s); backing off %.1fs (attempt %s)",
            reason,
            delay,
            self._backoff.failures,
        )
        await sleep_unless(self.stop, delay)

    async def _relogin(self) -> None:
        log.warning("access token no longer valid (M_UNKNOWN_TOKEN); logging in again")
        try:
            await password_login(self.client, self.db, self.settings)
            from bot.cross_signing import after_relogin  # cryptography: not loaded at start

            await after_relogin(self.client, self.settings)  # a new device: cross-sign it
        except LoginFailed as exc:
            log.error("cannot log in again: %s", exc)
            raise
        except Exception as exc:
            await self._sync_failed(f"login failed: {exc!r}")

    async def _apply_public_flags(self, room_ids: Iterable[str]) -> None:
        """Store public-flag changes before these rooms' events in this batch are handled.

        nio has applied the whole batch's state already, and everything this batch
        causes (alerts, curator notices) is sent after it: a room that turned public
        anywhere in the batch must get CLEAR only from the first event on. Only a
        changed flag costs a write.
        """
        changed = {
            room_id: flag
            for room_id, flag in self._public_flags(room_ids).items()
            if room_id in self._marks and self._marks[room_id].public != flag
        }
        if not changed:
            return
        async with self.db.transaction() as session:
            await room_repo.note_batch(session, {}, changed, self._marks)
        for room_id, flag in changed.items():
            self._marks[room_id] = dataclasses.replace(self._marks[room_id], public=flag)

    def _public_flags(self, room_ids: Iterable[str]) -> dict[str, bool]:
        """Each room's public flag from its current state: scheduled posts and alerts read it.

        Re-evaluated for every room in the batch, so a change of join rule, history
        visibility or guest access takes effect by the end of the batch that brings it.
        """
        flags = {}
        for room_id in room_ids:
            if room_id not in self.room_states.loaded:
                continue  # its state was not needed yet: nio does not know its rules
            matrix_room = self.client.rooms.get(room_id)
            if matrix_room is not None:
                mark = self._marks.get(room_id)
                flags[room_id] = room_is_public(matrix_room, bool(mark and mark.direct))
        return flags

    async def _maintain_keys(self) -> None:
        try:
            await keep_keys(self.client)
        except Exception as exc:  # key upkeep is retried after the next sync
            log.warning("end-to-end key upkeep failed: %r", exc)

    # ------------------------------------------------------------- batches

    async def _first_start(self, response: SyncResponse) -> None:
        """No stored token: note the rooms we are in, but process nothing from before."""
        await self.membership.note_rooms(list(response.rooms.join), datetime.now(UTC))
        await self.membership.handle_invites(response.rooms.invite)
        log.info(
            "first start: %s joined room(s) noted, earlier messages skipped",
            len(response.rooms.join),
        )

    async def _process(self, response: SyncResponse, since: str | None = None) -> None:
        """Newest first: this sync's timelines, then the gaps that limited ones left.

        After a restart every busy room comes back limited. What arrived last is
        handled (and answered) first; then the gaps are back-filled and handled,
        late replies saying they are late. Exactly-once does
        not depend on the order: the token moves on only after both, and the
        event log makes a replay a no-op. A room the bot did not know yet keeps
        its own order (the join and greeting before anything said after it).
        """
        # Replies sent since the last token commit are marked before this batch's
        # events are handled: a reaction to one of them looks up what it answered.
        # A batch that refers to no earlier event leaves them to the token's commit.
        if self._refers_back(response) or self.undecryptable.waiting_for_keys:
            await self.sender.record_sent()
        await self.membership.handle_invites(response.rooms.invite)
        joined = {RoomId(room_id): info for room_id, info in response.rooms.join.items()}
        left, served = await self._left_rooms(response)
        self._leaving = set(left)
        # The events this batch shows redacted, with their redactors (`ev.redactions_in`,
        # filled per timeline): an edit of one of them changes nothing (`_handle_event`).
        self._redacted_ahead = {}
        self._in_the_clear = frozenset()
        for room_id, info in left.items():
            written = self._written_before_leave(room_id, info, room_id in served)
            if written is not None and room_id not in joined:
                joined[room_id] = written
        # Each room is handled as soon as its own state is there (see _settle_states).
        loading = self._load_states(joined)
        try:
            self._plain = self._plain_batch(response)
            self._marks = await self._read_marks(joined)
            await self._apply_public_flags(r for r in joined if r not in loading)
            await self._newest_then_gaps(joined, since, loading)
            if self.stop.is_set():
                return
            await self._settle_states(loading, asyncio.ALL_COMPLETED)
        finally:
            await _cancelled(loading.values())
        for room_id, info in left.items():
            await self.lifecycle.on_left(room_id, info)
        await self.undecryptable.retry(self._handle_event)

    async def _left_rooms(self, response: SyncResponse) -> tuple[dict[RoomId, RoomInfo], set[str]]:
        """The rooms the bot left in this batch, each with its events,
        and those of them it served until now (active in the database)."""
        left = {RoomId(room_id): info for room_id, info in response.rooms.leave.items()}
        if not left:
            return left, set()
        async with self.db.session() as session:
            marks = await room_repo.marks(session, list(left))
        return left, {room_id for room_id, mark in marks.items() if mark.active}

    def _written_before_leave(
        self, room_id: RoomId, info: RoomInfo, served: bool
    ) -> RoomInfo | None:
        """What the members wrote before the bot left a room it served (or joined in this
        batch), to handle as in any room before the leave (bot/left_rooms.py). Not an
        invite the bot turned down: it never read that room."""
        member = served or any(
            ev.is_own_join(event, self.user_id) for event in info.timeline.events
        )
        return before_leave(self.client, room_id, info, self.user_id) if member else None

    async def _newest_then_gaps(
        self,
        joined: dict[RoomId, RoomInfo],
        since: str | None,
        loading: dict[RoomId, asyncio.Future[None]],
    ) -> None:
        """This sync's timelines, then the gaps that limited ones left (see _process).

        The gaps are asked for once the newest events are handled: their /messages
        requests (up to GAP_PARALLEL at once) would otherwise reach the homeserver beside
        the first replies' sends, and hold them up; the replies to the newest events keep
        the sender busy while the gaps are fetched."""
        newest, wanted = self._newest_and_gaps(joined, since)
        readers = self._readers(joined, newest, wanted)
        await self._process_fairly(
            {r: e for r, e in newest.items() if r not in wanted or e}, loading=loading
        )
        if self.stop.is_set():
            return
        gaps = {room_id: asyncio.ensure_future(gap()) for room_id, gap in wanted.items()}
        try:
            filled = dict(zip(gaps, await asyncio.gather(*gaps.values()), strict=True))
        finally:
            await _cancelled(gaps.values())
        # The gaps: the rooms' own events in their order; for a room not known yet,
        # its timeline follows its gap (see above). The rooms that ask for a listing
        # come last, each in its own order: see _readers.
        later = {
            room_id: gap + (list(joined[room_id].timeline.events) if not newest[room_id] else [])
            for room_id, gap in filled.items()
            if room_id not in readers
        }
        await self._process_fairly(
            later, keep_mark=set(r for r in later if newest[r]), loading=loading
        )
        if self.stop.is_set() or not readers:
            return
        last = {
            room_id: filled.get(room_id, []) + list(joined[room_id].timeline.events)
            for room_id in readers
        }
        await self._process_fairly(last, loading=loading)

    def _load_states(self, joined: dict[RoomId, RoomInfo]) -> dict[RoomId, asyncio.Future[None]]:
        """A room joined in this batch came with its full state; the others that nio
        has not seen whole since the start are loaded now, several at a time, each
        before any event of its own is judged (power levels, publicness). Rooms that
        bring only receipts, typing or our own echoes need no state. Returns the
        loads under way, per room."""
        self.room_states.mark_loaded(
            room_id
            for room_id, info in joined.items()
            if any(ev.is_own_join(event, self.user_id) for event in info.timeline.events)
        )
        loads = self.room_states.start(
            room_id
            for room_id, info in joined.items()
            if info.state
            or info.timeline.limited
            or any(event.sender != self.user_id for event in info.timeline.events)
        )
        return {RoomId(room_id): load for room_id, load in loads.items()}

    async def _settle_states(
        self, loading: dict[RoomId, asyncio.Future[None]], until: str | None
    ) -> None:
        """Take the rooms whose state has arrived out of `loading`: a failed load
        raises (the batch is replayed), a loaded room's public flag is stored before
        any of its events is handled. `until`: first wait for one load
        (FIRST_COMPLETED) or all of them (ALL_COMPLETED)."""
        if until is not None and loading:
            await asyncio.wait(loading.values(), return_when=until)
        arrived = [room_id for room_id, load in loading.items() if load.done()]
        for load in [loading.pop(room_id) for room_id in arrived]:
            load.result()
        if arrived:
            await self._apply_public_flags(arrived)

    def _newest_and_gaps(
        self, joined: dict[RoomId, RoomInfo], since: str | None
    ) -> tuple[dict[RoomId, list[Event]], dict[RoomId, Callable[[], Awaitable[list[Event]]]]]:
        """Per room, the events to handle now, and the back-fill of its gap (to start
        once those are handled). A room not known yet starts at the bot's own join;
        without that join in view, its gap is handled first and its timeline after."""
        newest: dict[RoomId, list[Event]] = {}
        gaps: dict[RoomId, Callable[[], Awaitable[list[Event]]]] = {}
        for room_id, info in joined.items():
            mark = self._marks.get(room_id)
            events = list(info.timeline.events)
            start = info.timeline.prev_batch or ""
            has_gap = info.timeline.limited and bool(start)
            if mark is None or not mark.active:
                join_index = self._own_join_index(events)
                if join_index is not None:
                    newest[room_id] = events[join_index:]
                elif has_gap:
                    gaps[room_id] = functools.partial(self._gap, room_id, start, None, None)
                    newest[room_id] = []  # handled after its gap, in timeline order
                else:
                    newest[room_id] = events
                continue
            # A room whose newest events name an earlier one (an edit, a reply, a
            # redaction) or rebind it is handled in its own order, its gap first: handled
            # before the message it names, an edit found no report (and the report was
            # stored as first written, under its old label), a reply no item to follow;
            # a `!kamer koppel … tlp=green` relabelled the reports written before it.
            theirs = [event for event in events if event.sender != self.user_id]
            in_order = has_gap and (_names_earlier(theirs) or self._rereads(theirs))
            newest[room_id] = [] if in_order else events
            if has_gap:
                gaps[room_id] = functools.partial(
                    self._gap, room_id, start, mark.last_event_id, since
                )
        return newest, gaps

    def _readers(
        self,
        joined: dict[RoomId, RoomInfo],
        newest: dict[RoomId, list[Event]],
        gaps: dict[RoomId, Callable[[], Awaitable[list[Event]]]],
    ) -> set[RoomId]:
        """The rooms handled after every gap, each in its own order (its gap, if it has
        one, then its timeline): those whose newest events ask for what messages
        recorded (`!meldingen`, `!beeld`; `Dispatcher.reads_written`) while the batch
        has a gap. Handled newest first, a liaison's `!meldingen` after an outage said
        the room had no report, and a coordinator's `!beeld` left it out, the report
        written before them still in the gap. Their newest events leave `newest`."""
        if not gaps:
            return set()
        readers = set()
        for room_id in newest:
            # The timeline, not `newest`: a room kept in its own order (an edit among its
            # newest events) has none there, and its listing answered beside the gaps.
            events = joined[room_id].timeline.events
            theirs = [event for event in events if event.sender != self.user_id]
            mark = self._marks.get(room_id)
            if mark is None or not mark.active or not theirs:
                continue  # a room not known yet keeps its own order (_newest_and_gaps)
            if self._any_body(theirs, self.dispatcher.reads_written):
                readers.add(room_id)
                newest[room_id] = []
        return readers

    def _rereads(self, events: list[Event]) -> bool:
        """Whether one of `events` is a command that changes how the room's messages are
        read (`Dispatcher.rereads_room`)."""
        return self._any_body(events, self.dispatcher.rereads_room)

    @staticmethod
    def _any_body(events: list[Event], test: Callable[[str], bool]) -> bool:
        """Whether the text of one of `events` passes `test`."""
        for event in events:
            content = event.source.get("content")
            body = content.get("body") if isinstance(content, dict) else None
            if isinstance(body, str) and test(body):
                return True
        return False

    def _own_join_index(self, events: list[Event]) -> int | None:
        """Where the bot's latest own join is in `events`, if it is there."""
        return next(
            (i for i in range(len(events) - 1, -1, -1) if ev.is_own_join(events[i], self.user_id)),
            None,
        )

    def _refers_back(self, response: SyncResponse) -> bool:
        """Whether an event of the batch may refer to a reply: a relation or a redaction
        (or a gap, whose events are not known yet). Not the echoes of our replies, which
        are replies themselves: a batch with a command and an echo needs no write first."""
        self_id = self.user_id
        for info in [*response.rooms.join.values(), *response.rooms.leave.values()]:
            if info.timeline.limited:
                return True
            for event in info.timeline.events:
                if event.sender == self_id:
                    continue  # our own echoes look nothing up (see _on_own_event)
                source = event.source
                if source.get("type") == "m.room.redaction" or "redacts" in source:
                    return True
                content = source.get("content")
                if isinstance(content, dict) and "m.relates_to" in content:
                    return True
                if source.get("type") == "m.room.encrypted":
                    return True  # what it refers to is known only after decryption
        return False

    def _plain_batch(self, response: SyncResponse) -> bool:
        """Whether handling this batch writes no room's mark but through this loop.

        Joins, leaves, state, upgrades, gaps and undecryptable events have other
        modules (bot/membership.py, bot/room_lifecycle.py, bot/undecryptable.py)
        write a room's row: their marks are read from the database again.
        """
        if response.rooms.invite or response.rooms.leave or self.undecryptable.waiting_for_keys:
            return False
        for info in response.rooms.join.values():
            if info.state or info.timeline.limited:
                return False
            for event in info.timeline.events:
                if isinstance(event, MegolmEvent | RoomUpgradeEvent) or "state_key" in event.source:
                    return False
        return True

    async def _read_marks(self, joined: dict[RoomId, RoomInfo]) -> dict[str, room_repo.RoomMark]:
        """The batch's rooms' marks: from memory in a plain batch, else from the database."""
        if not self._plain:
            self._mark_cache.clear()
        found: dict[str, room_repo.RoomMark] = {
            r: self._mark_cache[r] for r in joined if r in self._mark_cache
        }
        missing = [r for r in joined if r not in found]
        if missing:
            async with self.db.session() as session:
                found.update(await room_repo.marks(session, missing))
        return found

    def _remember_marks(self, public: dict[str, bool]) -> None:
        """After the token's commit: the marks as now stored, for the next plain batch."""
        if not self._plain:
            self._mark_cache.clear()
            return
        for room_id, mark in self._marks.items():
            seen = self._last_seen.get(RoomId(room_id))
            self._mark_cache[room_id] = dataclasses.replace(
                mark,
                last_event_id=seen[0] if seen is not None else mark.last_event_id,
                public=public.get(room_id, mark.public),
            )

    async def _gap(
        self, room_id: RoomId, start: str, last_id: str | None, since: str | None
    ) -> list[Event]:
        """The events a limited timeline left out, oldest first (see bot/backfill.py)."""
        async with self._gap_gate:  # a few at a time: see GAP_PARALLEL
            try:
                gap = await backfill(
                    self.client,
                    self.user_id,
                    room_id,
                    start,
                    last_id,
                    since,
                    until_join=last_id is None and since is None,
                )
            except GapRefused as exc:
                if room_id not in self._leaving:
                    raise
                # A room the bot has left (a purged room, say): replaying the batch
                # would not change the answer and would hold up every other room.
                log.warning("room %s: left; its gap cannot be read (%s)", room_id, exc)
                return []
        log.info("room %s: timeline was limited, back-filled %s event(s)", room_id, len(gap))
        return gap

    # ------------------------------------------------------------ timelines

    async def _process_fairly(
        self,
        timelines: dict[RoomId, list[Event]],
        keep_mark: set[RoomId] | None = None,
        loading: dict[RoomId, asyncio.Future[None]] | None = None,
    ) -> None:
        """Handle the batch one event per room in turn, each room in its timeline order.

        A room flooded with commands must not hold back another room's single
        one: its reply is queued after one of the flood's, not after all of them
        (the sender serves rooms in turn as well). Order within a room is kept:
        a `!bind` must still precede the entry that depends on it. Rooms in
        `keep_mark` already saw their newest event: a gap does not move the mark.
        A room in `loading` joins the turns once its state is there: after a
        restart the first reply does not wait for fifty rooms' state.
        """
        keep = keep_mark or set()
        loading = loading if loading is not None else {}
        queues = {room_id: deque(events) for room_id, events in timelines.items() if events}
        for events in queues.values():
            self._redacted_ahead.update(ev.redactions_in(events))
            self._in_the_clear = self._in_the_clear | ev.before_encryption(events)
        while queues:
            if any(room_id in loading for room_id in queues):
                ready = any(room_id not in loading for room_id in queues)
                await self._settle_states(loading, None if ready else asyncio.FIRST_COMPLETED)
            turn = [
                room_id
                for room_id in queues
                if room_id not in loading  # its state is still on its way
                and not self._waits_for_earlier(room_id, queues[room_id][0], queues)
            ]
            if not turn:
                if any(room_id in loading for room_id in queues):
                    # Every ready room's next event is a listing waiting for a room whose
                    # state is still on its way: wait for that state.
                    await self._settle_states(loading, asyncio.FIRST_COMPLETED)
                    continue
                # Every room's next event is a listing waiting for another (clocks that
                # disagree with the timelines): the earliest goes first, never a stall.
                turn = [min(queues, key=lambda r: queues[r][0].server_timestamp)]
            for room_id in turn:
                if self.stop.is_set():
                    return
                event = queues[room_id].popleft()
                if not queues[room_id]:
                    del queues[room_id]
                # Timeline order, not origin_server_ts: under load the two disagree.
                if room_id not in keep:
                    self._last_seen[room_id] = (event.event_id, event.server_timestamp)
                await self._handle_event(room_id, event)

    def _waits_for_earlier(
        self, room_id: RoomId, event: Event, queues: dict[RoomId, deque[Event]]
    ) -> bool:
        """Whether `event` is a listing (`Dispatcher.reads_written`: `!beeld`,
        `!meldingen`) that another room's events, sent before it and still waiting in
        this batch, must precede. In turns alone, a coordinator's `!beeld` sent after
        three reports of a liaison room in one batch was answered after the first of
        them, and the picture left out the other two. Everything else keeps its turn."""
        if not self._any_body([event], self.dispatcher.reads_written):
            return False
        sent = event.server_timestamp
        return any(
            other != room_id and any(e.server_timestamp < sent for e in waiting)
            for other, waiting in queues.items()
        )

    async def _handle_event(self, room_id: RoomId, event: Event) -> None:
        started = time.monotonic()
        if ev.is_own_join(event, self.user_id):
            await self.membership.on_own_join(room_id, event)
            return
        if event.sender == self.user_id:
            await self._on_own_event(room_id, event)
            return
        if isinstance(event, MegolmEvent):
            await self.undecryptable.on_event(room_id, event)
            return
        if ev.is_member_leaving(event, self.user_id):
            await self.membership.on_member_left(room_id, event)
            return
        if isinstance(event, RoomUpgradeEvent):
            # Carried only to a verified successor; see bot/room_lifecycle.py.
            await self.lifecycle.on_tombstone(room_id, event)
            return
        message = ev.to_message(event, room_id, self.user_id, self._display_name(room_id))
        if message is None:
            return
        original = message.relation.replaces if message.kind == "edit" else None
        if original is not None and original in self._redacted_ahead:
            # The original was deleted, later in this batch (while the bot was down): the
            # edit, handled before that deletion, made a revision of a report the sender
            # deleted, or was answered as an edit of a message the bot did not know.
            redactor = UserId(self._redacted_ahead[original])
            message = dataclasses.replace(message, original_redacted_by=redactor)
        clear = event.event_id in self._in_the_clear
        if await self.untrusted.refuse(room_id, event, sent_in_the_clear=clear):
            return  # judged before parking: what waits beside a message was trusted
        if isinstance(event, ReactionEvent) and await self.held.confirm(room_id, event):
            return  # a 👍 that confirmed a deletion refused for now
        if message.kind != "redaction" and await self.undecryptable.park(room_id, event):
            return  # it names a message still waiting for its key: handled after it
        outcome = await self.handle_message(message)
        self.events_handled += 1
        if self.metrics is not None:
            self.metrics.events.labels(
                outcome="duplicate" if outcome == "duplicate" else "handled"
            ).inc()
        log.info(
            "event handled room=%s event=%s kind=%s outcome=%s duration_ms=%.1f",
            room_id,
            event.event_id,
            message.kind,
            outcome,
            (time.monotonic() - started) * 1000,
        )

    async def handle_message(self, message: Message) -> str:
        """Handle one message in one transaction: log entry, effects and replies."""
        result = await process_message(self.db, self.dispatcher, message, self._room_view)
        if result is None:
            return "duplicate"
        replies, queued = result
        if queued:
            self.sender.submit(queued)
        return f"{len(replies)} repl{'y' if len(replies) == 1 else 'ies'}" if replies else "ignored"

    def _room_view(self, room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
        matrix_room: MatrixRoom | None = self.client.rooms.get(room_id)
        levels: dict[str, int] = {}
        default_power = 0
        if matrix_room is not None:
            levels = self.room_states.power_of(room_id, dict(matrix_room.power_levels.users))
            default_power = matrix_room.power_levels.defaults.users_default
        return RoomView(
            room_id=room_id,
            is_direct=is_direct,
            role=binding.role if binding is not None else None,
            binding=binding,
            encrypted=bool(matrix_room and matrix_room.encrypted),
            public=room_is_public(matrix_room, is_direct),
            power_levels=levels,
            default_power=default_power,
            redact_level=matrix_room.power_levels.defaults.redact if matrix_room else 50,
            one_to_one=is_one_to_one(matrix_room),
        )

    def _display_name(self, room_id: str) -> str | None:
        room = self.client.rooms.get(room_id)
        if room is None:
            return None
        user = room.users.get(self.user_id)
        return user.display_name if user is not None else None

    async def _on_own_event(self, room_id: RoomId, event: Event) -> None:
        txn = ev.own_transaction_id(event)
        if txn is not None:
            if self.sender.recorded_sent(txn):
                return  # sent and recorded by this process: no round trip for its echo
            if self.sender.sending(txn):
                # The echo beat the send's answer: settled when the token is written.
                self._unsettled_echoes[txn] = event.event_id
                return
            async with self.db.transaction() as session:
                await outbox.mark_sent_by_txn(session, txn, event.event_id)
            return
        await self._earlier_device_echo(room_id, event)

    async def _earlier_device_echo(self, room_id: RoomId, event: Event) -> None:
        """Our own reply without a transaction id we can see: an earlier device's send
        (the bot crashed between a send and its record, and its next start logged in as
        a new device). Matched to its row by its clear reply relation, so the row is not
        sent a second time and a 👍 on it finds its offer (session 18: the liaison saw
        the offer twice, and a 👍 on the first was dropped)."""
        content = event.source.get("content")
        relates = content.get("m.relates_to") if isinstance(content, dict) else None
        if not isinstance(relates, dict) or not isinstance(relates.get("m.in_reply_to"), dict):
            return
        if event.source.get("type") not in ("m.room.message", "m.room.encrypted"):
            return
        busy = self.sender.txns_in_hand()
        async with self.db.transaction() as session:
            row_id = await outbox.mark_sent_by_relation(
                session, room_id, relates, event.event_id, event.server_timestamp, busy
            )
        if row_id is not None:
            log.info(
                "outbox: row %s was sent by an earlier device as %s; not sent again",
                row_id,
                event.event_id,
            )


def _names_earlier(events: list[Event]) -> bool:
    """Whether one of `events` names an event that is not among them (it may be in the
    room's gap). The bot's own events are left out by the caller: their replies name
    earlier events too, but nothing of theirs is handled as a message."""
    ids = {event.event_id for event in events}
    return any(not ev.referred_ids(event) <= ids for event in events)


async def _cancelled(tasks: Iterable[asyncio.Future[Any]]) -> None:
    """Cancel what is still running, and collect what was cancelled or failed, so no
    error goes unretrieved."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
