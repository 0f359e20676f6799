"""Scheduled pictures with an injected clock: which slot is due, one post per slot,
one post after downtime, `om 08:00` anchoring, and the switch to and from summer time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.scheduler import FastClock, Scheduler, clock_from_environment
from storage import incidents, outbox, rooms
from storage import subscriptions as subscription_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import Subscription
from storage.rooms import BindingView
from storage.timezone import AMSTERDAM
from tests.support.senders import RecordingSender

ROOM = RoomId("!coord:localhost")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def subscription(
    next_due_at: datetime, interval: timedelta, at_time: str | None = None
) -> Subscription:
    return Subscription(
        room_id=ROOM,
        incident="storm",
        interval_seconds=int(interval.total_seconds()),
        at_time=at_time,
        next_due_at=next_due_at,
        created_by="@a:localhost",
        created_at=next_due_at - interval,
        active=True,
    )


# -- slots, without a database -------------------------------------------------------------


def test_nothing_is_due_before_the_slot() -> None:
    sub = subscription(utc(2026, 5, 1, 12, 0), timedelta(hours=4))
    assert subscription_repo.due_slot(sub, utc(2026, 5, 1, 11, 59, 59)) is None
    assert subscription_repo.due_slot(sub, utc(2026, 5, 1, 12, 0)) == utc(2026, 5, 1, 12, 0)


def test_after_downtime_only_the_latest_missed_slot_is_due() -> None:
    sub = subscription(utc(2026, 5, 1, 12, 0), timedelta(hours=4))
    # Down from 11:00 to 22:30: the slots 12:00, 16:00 and 20:00 were missed; only 20:00 is due.
    assert subscription_repo.due_slot(sub, utc(2026, 5, 1, 22, 30)) == utc(2026, 5, 1, 20, 0)
    assert subscription_repo.next_slot(sub, utc(2026, 5, 1, 20, 0)) == utc(2026, 5, 2, 0, 0)


def test_om_0800_anchors_the_first_slot_in_local_time() -> None:
    # 10:15 local, every 4h from 08:00: the slots are 08, 12, 16, ... so the first is 12:00.
    now = local(2026, 5, 1, 10, 15).astimezone(UTC)
    first = subscription_repo.first_slot(now, timedelta(hours=4), "08:00")
    assert first == local(2026, 5, 1, 12, 0)
    assert first.tzinfo == UTC
    # Daily at 08:00, subscribed at 09:00: tomorrow 08:00; at 07:00: today 08:00.
    daily = timedelta(days=1)
    assert subscription_repo.first_slot(local(2026, 5, 1, 9, 0), daily, "08:00") == local(
        2026, 5, 2, 8, 0
    )
    assert subscription_repo.first_slot(local(2026, 5, 1, 7, 0), daily, "08:00") == local(
        2026, 5, 1, 8, 0
    )
    # Without a time the first slot is one interval from now.
    assert subscription_repo.first_slot(utc(2026, 5, 1, 7, 3), daily, None) == utc(2026, 5, 2, 7, 3)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Summer time starts on 29 March 2026 (02:00 CET becomes 03:00 CEST)...
        (local(2026, 3, 28, 8, 0), local(2026, 3, 29, 8, 0)),
        # ... and ends on 25 October 2026 (03:00 CEST becomes 02:00 CET).
        (local(2026, 10, 24, 8, 0), local(2026, 10, 25, 8, 0)),
    ],
)
def test_om_0800_stays_at_0800_local_across_a_clock_change(
    before: datetime, after: datetime
) -> None:
    sub = subscription(before.astimezone(UTC), timedelta(days=1), "08:00")
    assert subscription_repo.next_slot(sub, before.astimezone(UTC)) == after
    # Down over the clock change: the slot found is 08:00 local, not 07:00 or 09:00.
    sub = subscription(before.astimezone(UTC), timedelta(days=1), "08:00")
    due = subscription_repo.due_slot(sub, after.astimezone(UTC) + timedelta(hours=2))
    assert due == after
    assert due is not None and due.astimezone(AMSTERDAM).hour == 8
    # Just before 08:00 local on the day after the change, that day's slot is not yet due.
    assert subscription_repo.due_slot(sub, after.astimezone(UTC) - timedelta(minutes=1)) == before


def test_without_a_time_slots_keep_their_spacing_in_real_time() -> None:
    start = local(2026, 3, 28, 20, 0).astimezone(UTC)
    sub = subscription(start, timedelta(hours=12))
    # No anchor: twelve real hours, so 08:00 → 09:00 on the clock when summer time starts.
    assert subscription_repo.next_slot(sub, start) == start + timedelta(hours=12)


# -- the scheduler on a real (SQLite) database ---------------------------------------------


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'scheduler.db'}")
    await database.migrate()
    yield database
    await database.close()


async def subscribed(db: Database, first: datetime, interval: timedelta) -> int:
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@a:localhost")
        await rooms.mark_joined(session, ROOM, first - timedelta(days=1))
        coordinator = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
        await rooms.bind_as(session, ROOM, coordinator, "@a:localhost")
        sub = await subscription_repo.add(session, ROOM, "storm", interval, None, "@a:localhost")
        sub.next_due_at = first
        return sub.id


async def posted(db: Database) -> list[str]:
    async with db.session() as session:
        return [row.content["body"] for row in await outbox.pending(session)]


def scheduler(db: Database, sender: RecordingSender, clock: Any = None) -> Scheduler:
    return Scheduler(db, sender, "nl", "!", clock=clock)  # type: ignore[arg-type]


async def test_a_due_slot_is_posted_exactly_once(db: Database) -> None:
    first = utc(2026, 5, 1, 12, 0)
    sub_id = await subscribed(db, first, timedelta(hours=1))
    sender = RecordingSender()
    one = scheduler(db, sender)
    assert await one.tick(first - timedelta(seconds=1)) == 0
    assert await one.tick(first + timedelta(seconds=3)) == 1
    assert await one.tick(first + timedelta(seconds=8)) == 0  # the same slot, looked at again
    # A restart (a new scheduler on the same database) does not post that slot again.
    assert await scheduler(db, sender).tick(first + timedelta(seconds=13)) == 0
    bodies = await posted(db)
    assert len(bodies) == 1 and bodies[0].startswith("TLP:") and "storm" in bodies[0].lower()
    assert len(sender.submitted) == 1 and one.posted == 1
    async with db.session() as session:
        sub = await session.get(Subscription, sub_id)
        assert sub is not None and sub.next_due_at == first + timedelta(hours=1)
    # The next slot is posted once too.
    assert await one.tick(first + timedelta(hours=1, seconds=2)) == 1
    assert len(await posted(db)) == 2


async def test_one_post_after_downtime_not_a_burst(db: Database) -> None:
    first = utc(2026, 5, 1, 12, 0)
    sub_id = await subscribed(db, first, timedelta(hours=1))
    sender = RecordingSender()
    back = first + timedelta(hours=5, minutes=20)  # five slots missed
    assert await scheduler(db, sender).tick(back) == 1
    assert await scheduler(db, sender).tick(back + timedelta(seconds=5)) == 0
    assert len(await posted(db)) == 1
    async with db.session() as session:
        sub = await session.get(Subscription, sub_id)
        assert sub is not None and sub.next_due_at == first + timedelta(hours=6)


async def test_a_cancelled_subscription_posts_nothing(db: Database) -> None:
    first = utc(2026, 5, 1, 12, 0)
    sub_id = await subscribed(db, first, timedelta(hours=1))
    async with db.transaction() as session:
        sub = await session.get(Subscription, sub_id)
        assert sub is not None
        sub.active = False
    assert await scheduler(db, RecordingSender()).tick(first + timedelta(hours=3)) == 0
    assert await posted(db) == []


async def test_run_reads_the_injected_clock(db: Database) -> None:
    first = utc(2026, 5, 1, 12, 0)
    await subscribed(db, first, timedelta(hours=1))
    times = iter([first - timedelta(minutes=1), first + timedelta(seconds=1)])
    stop = asyncio.Event()
    seen: list[datetime] = []

    def clock() -> datetime:
        now = next(times, None)
        if now is None:
            stop.set()
            return first + timedelta(seconds=2)
        seen.append(now)
        return now

    sender = RecordingSender()
    runner = Scheduler(db, sender, "nl", "!", clock=clock, tick_seconds=0.01)  # type: ignore[arg-type]
    await asyncio.wait_for(runner.run(stop), 10)
    assert len(seen) == 2 and runner.posted == 1 and len(await posted(db)) == 1


# -- the test-only fast clock --------------------------------------------------------------


def test_fast_clock_runs_rate_times_faster_from_its_epoch() -> None:
    epoch = utc(2026, 5, 1, 12, 0)
    clock = FastClock(epoch=epoch, rate=6.0, wall=lambda: epoch + timedelta(seconds=10))
    assert clock() == epoch + timedelta(seconds=60)


def test_clock_from_environment() -> None:
    clock, tick = clock_from_environment({})
    assert tick == 5.0 and abs(clock() - datetime.now(UTC)) < timedelta(seconds=5)
    clock, tick = clock_from_environment({"KNOOPPUNT_TEST_SCHEDULER_CLOCK": "6@1777636800"})
    assert isinstance(clock, FastClock) and clock.rate == 6.0 and tick == 5.0 / 6
    assert clock.epoch == utc(2026, 5, 1, 12, 0)
    with pytest.raises(ValueError, match="KNOOPPUNT_TEST_SCHEDULER_CLOCK"):
        clock_from_environment({"KNOOPPUNT_TEST_SCHEDULER_CLOCK": "fast"})
