"""The sync loop: every event handled exactly once, nothing lost.

The bot keeps its own sync token (DESIGN.md, "Processing every event exactly
once"): each handled event, its effect and its replies (outbox rows) are
committed in one transaction keyed by the event id; the token moves on only
after the whole batch is committed. A crash anywhere replays the batch, and
the event log turns the replay into a no-op.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from nio import (
    EncryptionError,
    Event,
    InviteMemberEvent,
    MatrixRoom,
    MegolmEvent,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomUpgradeEvent,
    SyncResponse,
)
from nio.api import MessageDirection
from nio.client.async_client import AsyncClient
from nio.responses import InviteInfo, RoomInfo
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import events as ev
from bot.backoff import NETWORK_ERRORS, Backoff, sleep_unless
from bot.config import Settings
from bot.cross_signing import after_relogin
from bot.metrics import Metrics
from bot.room_lifecycle import RoomLifecycle, room_is_public
from bot.sender import OutboxSender, outgoing_row, reply_content
from bot.session import LoginFailed, password_login
from commands.dispatcher import Dispatcher, HandlerFailed, RoomView
from commands.i18n import t
from commands.message import Message, Outgoing
from commands.render import plain
from storage import audit, event_log, outbox, pending_encrypted, sync_state
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId, server_of
from storage.models import OutboxMessage
from storage.rooms import BindingView

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
BACKFILL_PAGE = 100
BACKFILL_MAX_PAGES = 50


class BatchAborted(Exception):
    """The batch could not be completed (database or homeserver trouble): retry it."""


# Errors after which the batch is replayed from the stored token.
BATCH_ERRORS: tuple[type[BaseException], ...] = (BatchAborted, SQLAlchemyError, *NETWORK_ERRORS)


RoomViewFactory = Callable[[RoomId, bool, BindingView | None], RoomView]


async def process_message(
    db: Database, dispatcher: Dispatcher, message: Message, room_view: RoomViewFactory
) -> tuple[list[Outgoing], list[OutboxMessage]] | None:
    """The exactly-once core: claim the event, run the command, queue its replies, commit.

    Returns None when the event was handled before (a replayed batch).
    """
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            context = await room_repo.message_context(session, message.room_id, message.event_id)
            if context.already_processed:
                return None
            view = room_view(message.room_id, context.is_direct, context.binding)
            replies = await dispatcher.handle(message, view, session, now)
            queued = await _log_and_queue(
                session, message, replies, "replied" if replies else "ignored"
            )
    except HandlerFailed as failed:
        # The handler's half-done work is rolled back; record the event and the apology.
        async with db.transaction() as session:
            queued = await _log_and_queue(session, message, failed.replies, "failed")
        replies = failed.replies
    return replies, queued


async def _log_and_queue(
    session: AsyncSession, message: Message, replies: list[Outgoing], effect: str
) -> list[OutboxMessage]:
    await event_log.record(
        session,
        message.event_id,
        message.room_id,
        message.sender,
        effect,
        message.timestamp,
    )
    queued = []
    for index, reply in enumerate(replies):
        kind, target, content = outgoing_row(reply, message.room_id)
        row = await outbox.add(
            session,
            target,
            kind,
            content,
            outbox.txn_id_for(message.event_id, index),
            source_event_id=message.event_id,
            known_new=True,
        )
        if row is not None:
            queued.append(row)
    return queued


class Syncer:
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
        self.allowed_servers = set(settings.effective_allowed_servers)
        self.admins = set(settings.admins)
        self.stop = asyncio.Event()
        self.last_sync_ok: float | None = None
        self.sync_errors = 0
        self.events_handled = 0
        self._backoff = Backoff(initial=1.0, maximum=30.0)
        self.metrics: Metrics | None = None
        # While encrypted events wait for keys, poll briefly so they are retried soon.
        # True until a look at the table finds nothing waiting (so a restart looks
        # once); set again whenever an event cannot be decrypted.
        self._waiting_for_keys = True
        # Last event per room in this batch, in timeline (storage) order, never by
        # timestamp: the catch-up after a gap stops at it. Stored with the sync token.
        self._last_seen: dict[RoomId, tuple[str, int]] = {}
        # Upgrades (tombstones) and publicness: decided outside the sync loop's core.
        self.lifecycle = RoomLifecycle(
            client, db, self.user_id, settings.language, self.sender.wake
        )

    # ------------------------------------------------------------------ loop

    async def run(self) -> None:
        async with self.db.session() as session:
            token = await sync_state.get_next_batch(session, self.user_id)
        first = True
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
                status = getattr(response, "status_code", None)
                if status == "M_UNKNOWN_TOKEN":
                    await self._relogin()
                    continue
                await self._sync_failed(f"sync error {status}: {getattr(response, 'message', '')}")
                continue
            try:
                if token is None:
                    await self._first_start(response)
                else:
                    await self._process(response, token)
            except BATCH_ERRORS as exc:
                await self._sync_failed(f"batch not completed, will replay it: {exc!r}")
                continue
            await self.sender.wait_drained(within=0.25)
            if self.stop.is_set():
                # Stopped mid-batch: the token stays put, the next start replays the rest.
                return
            async with self.db.transaction() as session:
                for room_id, (event_id, ts) in self._last_seen.items():
                    await room_repo.note_event(session, room_id, event_id, ts)
                await self._note_join_rules(session, response)
                await sync_state.set_next_batch(session, self.user_id, response.next_batch)
            self._last_seen.clear()
            token = response.next_batch
            first = False
            self.last_sync_ok = time.monotonic()
            log.debug("batch done in %.1f ms", (self.last_sync_ok - received) * 1000)
            if self._backoff.failures:
                log.info("sync recovered after %s failed attempt(s)", self._backoff.failures)
            self._backoff.reset()
            self.sender.ready.set()
            self.sender.wake()
            await self._maintain_keys()

    async def _sync(self, token: str | None, first: bool) -> Any:
        # After a start nio knows no room state, so the first sync asks for it in full.
        poll_ms = min(SYNC_TIMEOUT_MS, 2000) if self._waiting_for_keys else SYNC_TIMEOUT_MS
        call = self.client.sync(
            timeout=0 if first else poll_ms,
            since=token,
            full_state=True if first else None,
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
            await after_relogin(self.client, self.settings)  # a new device: cross-sign it
        except LoginFailed as exc:
            log.error("cannot log in again: %s", exc)
            raise
        except Exception as exc:
            await self._sync_failed(f"login failed: {exc!r}")

    async def _note_join_rules(self, session: AsyncSession, response: SyncResponse) -> None:
        """Keep each room's public flag current: scheduled posts and alerts read it.

        Re-evaluated for every room in the batch, so a change of join rule, history
        visibility or guest access takes effect by the end of the batch that brings it.
        """
        for room_id in response.rooms.join:
            matrix_room = self.client.rooms.get(room_id)
            if matrix_room is None:
                continue
            public = room_is_public(matrix_room)
            room = await room_repo.get(session, RoomId(room_id))
            if room is not None and room.public != public:
                room.public = public

    async def _maintain_keys(self) -> None:
        if not self.client.olm:
            return
        try:
            if self.client.should_upload_keys:
                await self.client.keys_upload()
            if self.client.should_query_keys:
                await self.client.keys_query()
            if self.client.should_claim_keys:
                await self.client.keys_claim(self.client.get_users_for_key_claiming())
            await self.client.send_to_device_messages()
        except Exception as exc:  # key upkeep is retried after the next sync
            log.warning("end-to-end key upkeep failed: %r", exc)

    # ------------------------------------------------------------- batches

    async def _first_start(self, response: SyncResponse) -> None:
        """No stored token: note the rooms we are in, but process nothing from before."""
        now = datetime.now(UTC)
        async with self.db.transaction() as session:
            for room_id in response.rooms.join:
                room = await room_repo.get(session, RoomId(room_id))
                if room is None or not room.active:
                    await room_repo.mark_joined(session, RoomId(room_id), now)
        await self._handle_invites(response.rooms.invite)
        log.info(
            "first start: %s joined room(s) noted, earlier messages skipped",
            len(response.rooms.join),
        )

    async def _process(self, response: SyncResponse, since: str | None = None) -> None:
        await self._handle_invites(response.rooms.invite)
        # Rooms with a gap need a /messages round trip first; fetch those while the
        # rooms without one are handled, so a quiet room's command does not wait
        # for a busy room's catch-up. Each room's own order is kept either way.
        joined = {RoomId(room_id): info for room_id, info in response.rooms.join.items()}
        with_gap = {
            room_id: asyncio.ensure_future(self._process_joined_room(room_id, info, since))
            for room_id, info in joined.items()
            if info.timeline.limited
        }
        try:
            quiet = {
                room_id: await self._process_joined_room(room_id, info, since)
                for room_id, info in joined.items()
                if room_id not in with_gap
            }
            await self._process_fairly(quiet)
            caught_up = dict(zip(with_gap, await asyncio.gather(*with_gap.values()), strict=True))
        finally:
            for task in with_gap.values():
                task.cancel()
            # Collect what was cancelled or failed, so no error goes unretrieved.
            await asyncio.gather(*with_gap.values(), return_exceptions=True)
        if self.stop.is_set():
            return
        await self._process_fairly(caught_up)
        for room_id, info in response.rooms.leave.items():
            await self._process_left_room(RoomId(room_id), info)
        await self._retry_undecrypted()

    # --------------------------------------------------------------- invites

    def _invite_allowed(self, inviter: str | None) -> bool:
        if inviter is None:
            return False
        return inviter in self.admins or server_of(inviter) in self.allowed_servers

    async def _handle_invites(self, invites: dict[str, InviteInfo]) -> None:
        for room_id, info in invites.items():
            inviter, is_direct = None, False
            for event in info.invite_state:
                if (
                    isinstance(event, InviteMemberEvent)
                    and event.state_key == self.user_id
                    and event.membership == "invite"
                ):
                    inviter = event.sender
                    is_direct = bool(event.content.get("is_direct"))
            if self._invite_allowed(inviter):
                response = await self.client.join(room_id)
                accepted = getattr(response, "room_id", None) == room_id
                log.info(
                    "invite to %s from %s: %s",
                    room_id,
                    inviter,
                    "joined" if accepted else f"join failed {response}",
                )
                if accepted:
                    async with self.db.transaction() as session:
                        room = await room_repo.ensure(session, RoomId(room_id))
                        room.is_direct = is_direct
                        await audit.add(session, inviter or "?", "invite.accepted", room_id)
            else:
                # Leaving rejects the invite, so it does not come back in every sync.
                await self.client.room_leave(room_id)
                log.info("invite to %s from %s rejected (server not allowed)", room_id, inviter)
                async with self.db.transaction() as session:
                    await audit.add(session, inviter or "?", "invite.rejected", room_id)

    # ------------------------------------------------------------ timelines

    async def _process_fairly(self, timelines: dict[RoomId, list[Event]]) -> None:
        """Handle the batch one event per room in turn, each room in its timeline order.

        A room flooded with commands must not hold back another room's single
        one: its reply is queued after one of the flood's, not after all of them
        (the sender serves rooms in turn as well). Order within a room is kept:
        a `!bind` must still precede the entry that depends on it.
        """
        queues = {room_id: iter(events) for room_id, events in timelines.items() if events}
        while queues:
            for room_id in list(queues):
                event = next(queues[room_id], None)
                if event is None:
                    del queues[room_id]
                    continue
                if self.stop.is_set():
                    return
                # Timeline order, not origin_server_ts: under load the two disagree.
                self._last_seen[room_id] = (event.event_id, event.server_timestamp)
                await self._handle_event(room_id, event)

    async def _process_joined_room(
        self, room_id: RoomId, info: RoomInfo, since: str | None = None
    ) -> list[Event]:
        """The room's events of this batch to handle, oldest first, gap included."""
        async with self.db.session() as session:
            room = await room_repo.get(session, room_id)
            last_id = room.last_event_id if room else None
            known = room is not None and room.active
        events: list[Event] = list(info.timeline.events)
        join_index = next(
            (i for i in range(len(events) - 1, -1, -1) if ev.is_own_join(events[i], self.user_id)),
            None,
        )
        if not known:
            if join_index is not None:
                events = events[join_index:]
            elif info.timeline.limited and info.timeline.prev_batch:
                gap = await self._backfill(room_id, info.timeline.prev_batch, None, None, True)
                events = gap + events
        elif info.timeline.limited and info.timeline.prev_batch:
            gap = await self._backfill(room_id, info.timeline.prev_batch, last_id, since, False)
            log.info("room %s: timeline was limited, back-filled %s event(s)", room_id, len(gap))
            events = gap + events
        return events

    async def _backfill(
        self,
        room_id: RoomId,
        prev_batch: str,
        last_id: str | None,
        since: str | None,
        until_join: bool,
    ) -> list[Event]:
        """Fetch the events a limited timeline left out, oldest first.

        The gap is bounded by storage order only: the homeserver stops at `since`
        (the token of the previous batch, passed as `to`), and we stop at the last
        event we handled. Never at a timestamp: an event stored later can carry
        an older `origin_server_ts` (clock skew, load, appservice `ts`).
        """
        collected: list[Event] = []
        token = prev_batch
        for _ in range(BACKFILL_MAX_PAGES):
            response = await self.client.room_messages(
                room_id,
                start=token,
                end=None if until_join else since,
                direction=MessageDirection.back,
                limit=BACKFILL_PAGE,
            )
            if not isinstance(response, RoomMessagesResponse):
                raise BatchAborted(f"cannot back-fill {room_id}: {response}")
            for event in response.chunk:
                if not isinstance(event, Event):
                    continue  # unparseable events carry nothing to handle
                if last_id is not None and event.event_id == last_id:
                    return list(reversed(collected))
                if ev.is_own_join(event, self.user_id):
                    collected.append(event)
                    return list(reversed(collected))
                collected.append(event)
            if not response.chunk or not response.end or response.end == token:
                break
            token = response.end
        else:
            # Not a silent loss: say that the oldest part of an enormous gap is skipped.
            log.warning(
                "room %s: gap longer than %s events; its oldest part is not handled",
                room_id,
                BACKFILL_PAGE * BACKFILL_MAX_PAGES,
            )
        if until_join:
            # Never found our join: what we have may predate it, so process none of it.
            log.warning("room %s: own join not found while back-filling; skipping the gap", room_id)
            return []
        return list(reversed(collected))

    async def _handle_event(self, room_id: RoomId, event: Event) -> None:
        started = time.monotonic()
        if ev.is_own_join(event, self.user_id):
            await self._on_own_join(room_id, event)
            return
        if event.sender == self.user_id:
            await self._on_own_event(room_id, event)
            return
        if isinstance(event, MegolmEvent):
            await self._on_undecryptable(room_id, event)
            return
        if isinstance(event, RoomUpgradeEvent):
            await self._on_tombstone(room_id, event)
            return
        message = ev.to_message(event, room_id, self.user_id, self._display_name(room_id))
        if message is None:
            return
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
            levels = dict(matrix_room.power_levels.users)
            default_power = matrix_room.power_levels.defaults.users_default
        return RoomView(
            room_id=room_id,
            is_direct=is_direct,
            role=binding.role if binding is not None else None,
            binding=binding,
            encrypted=bool(matrix_room and matrix_room.encrypted),
            public=room_is_public(matrix_room),
            power_levels=levels,
            default_power=default_power,
            redact_level=matrix_room.power_levels.defaults.redact if matrix_room else 50,
        )

    def _display_name(self, room_id: str) -> str | None:
        room = self.client.rooms.get(room_id)
        if room is None:
            return None
        user = room.users.get(self.user_id)
        return user.display_name if user is not None else None

    # --------------------------------------------------- special events

    async def _on_own_join(self, room_id: RoomId, event: Event) -> None:
        # The successor of a bound room whose upgrade could not be checked before. First,
        # so a network error replays it with the batch; it does nothing a second time.
        async with self.db.session() as session:
            processed = await event_log.is_processed(session, EventId(event.event_id))
        if not processed:
            await self.lifecycle.after_own_join(room_id)
        async with self.db.transaction() as session:
            if await event_log.is_processed(session, EventId(event.event_id)):
                return
            await event_log.record(
                session,
                EventId(event.event_id),
                room_id,
                self.user_id,
                "joined",
                ev.event_time(event),
            )
            room = await room_repo.mark_joined(session, room_id, ev.event_time(event))
            await room_repo.note_event(session, room_id, event.event_id, event.server_timestamp)
            if not room.greeted:
                room.greeted = True
                greeting = plain(
                    t(self.settings.language, "greeting", prefix=self.settings.command_prefix)
                )
                await outbox.add(
                    session,
                    room_id,
                    "message",
                    reply_content(greeting),
                    outbox.txn_id_for(f"greet:{room_id}"),
                )
        log.info("joined room %s", room_id)
        self.sender.wake()

    async def _on_own_event(self, room_id: RoomId, event: Event) -> None:
        txn = event.transaction_id or (event.source.get("unsigned") or {}).get("transaction_id")
        if isinstance(txn, str) and txn.startswith(outbox.TXN_PREFIX):
            async with self.db.transaction() as session:
                await outbox.mark_sent_by_txn(session, txn, event.event_id)

    async def _on_undecryptable(self, room_id: RoomId, event: MegolmEvent) -> None:
        if not self.client.olm:
            # Without encryption no key will ever come: waiting would swallow the
            # message in silence. Say so at once instead.
            await self._cannot_read_encrypted(
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
        self._waiting_for_keys = True
        if added:
            log.info("room %s: cannot decrypt %s yet; waiting for its key", room_id, event.event_id)
            try:
                await self.client.request_room_key(event)
            except Exception as exc:  # a key request is best effort
                log.debug("room key request failed: %r", exc)

    async def _retry_undecrypted(self) -> None:
        if not self._waiting_for_keys:
            return  # nothing is waiting: spare the query after every batch
        async with self.db.session() as session:
            pending = list(await pending_encrypted.all_pending(session))
        self._waiting_for_keys = bool(pending)
        if not pending:
            return
        if not self.client.olm:
            # Left over from a run with encryption on: no key can arrive now.
            for row in pending:
                await self._cannot_read_encrypted(
                    RoomId(row.room_id), UserId(row.sender), row.event_id, row.first_seen
                )
            self._waiting_for_keys = False
            return
        now = datetime.now(UTC)
        grace = timedelta(seconds=self.settings.undecryptable_grace_seconds)
        expired: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in pending:
            source = dict(row.source)
            encrypted = MegolmEvent.from_dict(source)
            if not isinstance(encrypted, MegolmEvent):
                expired[(row.room_id, row.sender)].append(row.event_id)
                continue
            encrypted.room_id = row.room_id
            try:
                decrypted = self.client.decrypt_event(encrypted)
            except EncryptionError:
                if now - row.first_seen > grace:
                    expired[(row.room_id, row.sender)].append(row.event_id)
                continue
            log.info("room %s: decrypted %s after its key arrived", row.room_id, row.event_id)
            await self._handle_event(RoomId(row.room_id), decrypted)
            async with self.db.transaction() as session:
                await pending_encrypted.remove(session, row.event_id)
        for (room_id, sender), event_ids in expired.items():
            await self._give_up_undecryptable(RoomId(room_id), UserId(sender), event_ids, now)

    async def _cannot_read_encrypted(
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
            content = reply_content(plain(t(self.settings.language, "encryption_unsupported")))
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": event_id}}
            row = await outbox.add(
                session,
                room_id,
                "message",
                content,
                outbox.txn_id_for(f"no-encryption:{room_id}:{sender}"),
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

    async def _give_up_undecryptable(
        self, room_id: RoomId, sender: UserId, event_ids: Sequence[str], now: datetime
    ) -> None:
        """One notice per sender and room for the lot, not one per message."""
        text = t(self.settings.language, "undecryptable", count=len(event_ids))
        async with self.db.transaction() as session:
            for event_id in event_ids:
                await pending_encrypted.remove(session, event_id)
                if not await event_log.is_processed(session, EventId(event_id)):
                    await event_log.record(
                        session, EventId(event_id), room_id, sender, "undecryptable", now
                    )
            notice = plain(text)
            content = reply_content(notice)
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": event_ids[-1]}}
            await outbox.add(
                session,
                room_id,
                "message",
                content,
                outbox.txn_id_for(f"undecryptable:{event_ids[0]}"),
            )
        log.warning(
            "room %s: gave up decrypting %s event(s) from %s", room_id, len(event_ids), sender
        )
        self.sender.wake()

    async def _on_tombstone(self, room_id: RoomId, event: RoomUpgradeEvent) -> None:
        # Carried only to a verified successor; see bot/room_lifecycle.py.
        await self.lifecycle.on_tombstone(room_id, event)

    async def _process_left_room(self, room_id: RoomId, info: RoomInfo) -> None:
        for event in info.timeline.events:
            if not (isinstance(event, RoomMemberEvent) and event.state_key == self.user_id):
                continue
            if event.membership not in ("leave", "ban"):
                continue
            reason = (
                "left"
                if event.sender == self.user_id
                else ("banned" if event.membership == "ban" else "kicked")
            )
            async with self.db.transaction() as session:
                if await event_log.is_processed(session, EventId(event.event_id)):
                    continue
                room = await room_repo.get(session, room_id)
                if room is not None and room.replaced_by:
                    reason = "upgraded"
                await event_log.record(
                    session,
                    EventId(event.event_id),
                    room_id,
                    UserId(event.sender),
                    f"room.{reason}",
                    ev.event_time(event),
                )
                await room_repo.mark_left(session, room_id, reason)
                await audit.add(session, event.sender, f"room.{reason}", room_id)
            log.info("room %s: bot %s; binding kept but inactive", room_id, reason)
