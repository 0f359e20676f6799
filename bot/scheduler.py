"""Posts scheduled situation pictures.

Each (subscription, slot) becomes one outbox row whose transaction id is
derived from both, written in the same transaction that moves the subscription
to its next slot: a restart, a crash or a second look at the same slot cannot
post twice, and after downtime only the latest missed slot is posted.

The scheduler reads the time from a clock it is given (the wall clock unless a
test passes another). `KNOOPPUNT_TEST_SCHEDULER_CLOCK` exists for the
integration tests only: it lets a real bot process run its scheduler faster
than real time, so a test sees several one-minute slots in a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.backoff import sleep_unless
from bot.sender import OutboxSender, queue_reply, queue_reply_parts
from commands import exercise
from commands.i18n import Language, t
from commands.picture import render_room_picture
from commands.record import LATE_AFTER, reminder
from commands.render import plain, with_lines
from commands.subscriptions import PICTURE_ROLES
from storage import alerts, audit, outbox, picture_service, tlp
from storage import exercise as exercise_store
from storage import incidents as incident_repo
from storage import records as record_repo
from storage import rooms as room_repo
from storage import subscriptions as subscription_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import (
    Incident,
    OutboxMessage,
    RecordItem,
    Room,
    RoomBinding,
    Subscription,
)

log = logging.getLogger(__name__)
TICK_SECONDS = 5.0
TEST_CLOCK_VARIABLE = "KNOOPPUNT_TEST_SCHEDULER_CLOCK"

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class FastClock:
    """Time that runs `rate` times faster than `wall` since `epoch` (tests only).

    The epoch is fixed from outside, so a restarted process continues the same
    fast time instead of jumping back to the wall clock.
    """

    epoch: datetime
    rate: float
    wall: Clock = field(default=wall_clock, compare=False)

    def __call__(self) -> datetime:
        return self.epoch + (self.wall() - self.epoch) * self.rate


def clock_from_environment(environ: Mapping[str, str]) -> tuple[Clock, float]:
    """The scheduler's clock and tick: the wall clock, or `RATE@UNIX_EPOCH` from a test."""
    value = environ.get(TEST_CLOCK_VARIABLE)
    if not value:
        return wall_clock, TICK_SECONDS
    try:
        rate_text, epoch_text = value.split("@")
        rate = float(rate_text)
        epoch = datetime.fromtimestamp(float(epoch_text), UTC)
    except ValueError as exc:
        raise ValueError(f"{TEST_CLOCK_VARIABLE}={value!r}: expected RATE@UNIX_EPOCH") from exc
    if rate <= 0:
        raise ValueError(f"{TEST_CLOCK_VARIABLE}={value!r}: the rate must be positive")
    log.warning("scheduler: test clock, %s times real time since %s", rate, epoch.isoformat())
    return FastClock(epoch, rate), TICK_SECONDS / rate


class Scheduler:
    def __init__(
        self,
        db: Database,
        sender: OutboxSender,
        language: Language,
        prefix: str,
        clock: Clock | None = None,
        tick_seconds: float = TICK_SECONDS,
    ) -> None:
        self.db = db
        self.sender = sender
        self.language = language
        self.prefix = prefix
        self.clock = clock or wall_clock
        self.tick_seconds = tick_seconds
        self.posted = 0

    async def run(self, stop: asyncio.Event) -> None:
        await self.sender.ready.wait()  # rooms are known and the outbox is flowing
        while not stop.is_set():
            try:
                await self.tick(self.clock())
            except Exception:
                log.exception("scheduler: tick failed; trying again")
            if await sleep_unless(stop, self.tick_seconds):
                return

    async def tick(self, now: datetime) -> int:
        async with self.db.session() as session:
            due_ids = [s.id for s in await subscription_repo.due(session, now)]
        for subscription_id in due_ids:
            await self._post(subscription_id, now)
        await self.remind(now)
        return len(due_ids)

    async def remind(self, now: datetime) -> int:
        """Send each due action reminder once: the row and the mark that it was sent are
        written in one transaction, with a transaction id from the action and its
        reminder time, so a restart (even after SIGKILL) neither repeats nor loses it.
        After downtime every action still gets its one reminder (marked late), not one
        per missed tick."""
        async with self.db.session() as session:
            due_ids = [item.id for item in await record_repo.due_reminders(session, now)]
        sent = 0
        for item_id in due_ids:
            sent += await self._remind_one(item_id, now)
        return sent

    async def _remind_one(self, item_id: int, now: datetime) -> int:
        async with self.db.transaction() as session:
            item = await session.get(RecordItem, item_id)
            if (
                item is None
                or item.reminded_at is not None
                or item.remind_at is None
                or item.done_at is not None
                or item.withdrawn_at is not None
            ):
                return 0
            remind_at = item.remind_at
            item.reminded_at = now
            item.reminder_late = now - remind_at > LATE_AFTER
            owner_room = await self._reminded_room(session, item)
            if owner_room is None:
                await audit.add(
                    session,
                    "scheduler",
                    "action.reminder_skipped",
                    item.owner_room,
                    subject=item.code,
                    detail={"tlp": item.tlp},
                )
                return 0
            reply = reminder(item, self.language, self.prefix, now, item.reminder_late)
            if await exercise_store.is_exercise(session, item.incident):
                reply = exercise.mark(reply, self.language)  # a drill's task, said as one
            key = f"action-reminder:{item.id}:{remind_at.isoformat()}"
            row = await queue_reply(session, RoomId(owner_room.room_id), reply, key)
            await audit.add(
                session,
                "scheduler",
                "action.reminded",
                owner_room.room_id,
                subject=item.code,
                detail={"tlp": item.tlp, "late": item.reminder_late},
            )
        if row is None:
            return 0
        log.info("scheduler: reminder for %s sent (late: %s)", item.code, item.reminder_late)
        self.sender.submit([row])
        return 1

    async def _reminded_room(
        self, session: AsyncSession, item: RecordItem
    ) -> record_repo.OwnerRoom | None:
        """The owner's room if the reminder may go there, checked again now: its clearance
        may have changed since, or an admin rebound it to another incident or to none;
        never across modes (a drill's task into a room working in reality read as real)."""
        owner_room = (
            await record_repo.owner_room_by_id(session, item.owner_room)
            if item.owner_room
            else None
        )
        if (
            owner_room is None
            or not tlp.may_see(owner_room.access, item.tlp, item.room_id, item.organisation)
            or owner_room.binding.incident not in (None, item.incident)
            or await exercise_store.room_moved_mode(session, owner_room.room_id, item.incident)
            is not None
        ):
            return None
        return owner_room

    async def _tell_resting(
        self, session: AsyncSession, subscription: Subscription, binding: RoomBinding | None
    ) -> list[OutboxMessage]:
        """The notice that the subscription rests: its room is bound to another incident,
        to none (unbound), or no longer as a coordinator room (demoted to liaison: the
        picture is the coordinators'). Once per state the room moves to (the transaction
        id says so). Marked OEFENING when it is about a drill's picture or goes into a
        drill's room."""
        room_id = RoomId(subscription.room_id)
        if binding is None or binding.incident is None:
            key, why = "subscriptions.resting_unbound", "-"
        elif binding.incident != subscription.incident:
            key, why = "subscriptions.resting", binding.incident
        else:
            key, why = "subscriptions.resting_role", f"role-{binding.role}"
        text = t(
            self.language,
            key,
            id=subscription.id,
            incident=subscription.incident or "-",
            role=binding.role if binding else "-",
            prefix=self.prefix,
        )
        notice = plain(text)
        if await exercise_store.is_exercise(session, subscription.incident):
            notice = exercise.mark(notice, self.language)
        else:
            notice = await exercise.mark_for_room(session, room_id, notice, self.language)
        return await queue_reply_parts(
            session, room_id, notice, f"subscription:{subscription.id}:resting:{why}"
        )

    async def _picture(
        self,
        session: AsyncSession,
        subscription: Subscription,
        room: Room,
        binding: RoomBinding,
        incident: Incident,
        now: datetime,
        slot: datetime,
    ) -> list[OutboxMessage]:
        """The picture for `slot`, queued. A closed incident's picture is posted once more,
        in full, marked closed and saying the posts pause until `!incident heropen`; its
        later slots post nothing (the one post per closing is found by its transaction
        id, before anything is built, so a skipped slot changes no 'changed since')."""
        key = f"subscription:{subscription.id}:{slot.isoformat()}"
        if not incident.open:
            closed = incident.closed_at.isoformat() if incident.closed_at else "-"
            key = f"subscription:{subscription.id}:closed:{closed}"
            if await outbox.queued(session, outbox.txn_id_for(key)):
                return []
        earlier = await room_repo.earlier_rooms(session, room.room_id)
        access = tlp.RoomAccess.for_binding(
            room.room_id,
            room_repo.BindingView.of(binding, earlier=earlier),
            room.public,
            bool(room.is_direct),
        )
        curator = binding.role == "curator"
        room_picture = await picture_service.picture_for_room(
            session,
            access,
            incident,
            now,
            actor="scheduler",
            curator=curator,
            brief_when_unchanged=incident.open,
            coordinator_of=alerts.coordinator_of(binding.role, binding.incident),
        )
        reply = await render_room_picture(
            session, access, room_picture, now, self.language, self.prefix, curator
        )
        if not incident.open:
            pause = t(
                self.language, "subscriptions.closed_pause", slug=incident.slug, prefix=self.prefix
            )
            reply = with_lines(reply, [pause], bold=True)
        return await queue_reply_parts(session, RoomId(room.room_id), reply, key)

    async def _post(self, subscription_id: int, now: datetime) -> None:
        async with self.db.transaction() as session:
            subscription = await session.get(Subscription, subscription_id)
            if subscription is None or not subscription.active:
                return
            slot = subscription_repo.due_slot(subscription, now)
            if slot is None:
                return
            subscription.next_due_at = subscription_repo.next_slot(subscription, slot)
            room = await room_repo.get(session, RoomId(subscription.room_id))
            binding = await room_repo.binding(session, RoomId(subscription.room_id))
            incident = await incident_repo.get(session, subscription.incident or "")
            if room is None or not room.active or (binding is not None and not binding.active):
                incident = None  # the bot left or was kicked: nothing to tell, nowhere
            if (
                incident is None
                or room is None
                or binding is None
                or binding.incident != subscription.incident
                or binding.role not in PICTURE_ROLES
            ):
                # Rebound to another incident (an exercise, or another crisis), unbound,
                # or no longer a coordinator room: its old incident's picture would cross
                # modes, answer a question nobody there asks, or reach people it is not
                # for. Bound back, the posts resume. Told once, or they stop without a word.
                told = await self._tell_resting(session, subscription, binding) if incident else []
                log.info(
                    "scheduler: subscription %s skipped (room, binding or incident gone)",
                    subscription_id,
                )
                if told:
                    self.sender.submit(told)
                return
            rows = await self._picture(session, subscription, room, binding, incident, now, slot)
        if rows:
            self.posted += 1
            log.info(
                "scheduler: subscription %s posted for slot %s", subscription_id, slot.isoformat()
            )
            self.sender.submit(rows)
