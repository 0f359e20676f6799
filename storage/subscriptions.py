"""Scheduled situation pictures: slots, and which one is due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Subscription, utcnow
from storage.timezone import AMSTERDAM


def first_slot(now: datetime, interval: timedelta, at_time: str | None) -> datetime:
    """The first slot after `now`: every `interval`, aligned to `at_time` (local) if given."""
    if at_time is None:
        return now + interval
    hour, minute = (int(part) for part in at_time.split(":"))
    local_now = now.astimezone(AMSTERDAM)
    anchor = local_now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    while anchor > local_now:
        anchor -= interval
    while anchor <= local_now:
        anchor += interval
    return anchor.astimezone(now.tzinfo)


_DAY = timedelta(days=1)
_HOUR = timedelta(hours=1)


def _on_grid(local: datetime, interval: timedelta, at_time: str) -> datetime:
    """The grid point (`at_time` + whole intervals, local wall time) at or before `local`,
    as naive wall time. A slot in the hour summer time skips was posted an hour later
    (03:30 for 02:30); stepped from there, every later slot stayed an hour late. Only a
    grid that repeats each day (4h, 1d, 7d) has such points; other intervals step as is."""
    naive = local.replace(tzinfo=None, fold=0)
    if _DAY % interval and interval % _DAY:
        return naive
    hour, minute = (int(part) for part in at_time.split(":"))
    anchor = naive.replace(hour=hour, minute=minute, second=0, microsecond=0)
    step = min(interval, _DAY)
    return naive - (naive - anchor) % step


def _step(at: datetime, interval: timedelta, count: int, at_time: str | None) -> datetime:
    """`count` intervals after `at`.

    A subscription with a time of day (`om 08:00`) steps in Amsterdam wall-clock
    time, so its slots stay at 08:00 local when summer time starts or ends; one
    without steps in real time, keeping its spacing.
    """
    if at_time is None or _HOUR % interval == timedelta(0):
        # An interval that divides an hour has the same grid in real time as on the
        # clock (a clock change moves it by whole hours): stepped in real time, the hour
        # that comes twice in autumn gets its posts (hourly went 02:00 CEST -> 03:00 CET,
        # a two-hour gap) and the one skipped in spring none, without a gap either.
        return at + count * interval
    wall = _on_grid(at.astimezone(AMSTERDAM), interval, at_time) + count * interval
    # Through UTC: a wall time in the skipped hour becomes the real moment it means.
    return wall.replace(tzinfo=AMSTERDAM).astimezone(UTC).astimezone(at.tzinfo)


def next_slot(subscription: Subscription, slot: datetime) -> datetime:
    """The slot after `slot`."""
    interval = timedelta(seconds=subscription.interval_seconds)
    return _step(slot, interval, 1, subscription.at_time)


def due_slot(subscription: Subscription, now: datetime) -> datetime | None:
    """The latest slot at or before `now` (one post after downtime, not a burst)."""
    first = subscription.next_due_at
    if first > now:
        return None
    interval = timedelta(seconds=subscription.interval_seconds)
    anchored = subscription.at_time
    # In real time this count is exact; in wall-clock steps it is off by at most one
    # per clock change, which the two loops correct.
    missed = int((now - first) / interval)
    while missed > 0 and _step(first, interval, missed, anchored) > now:
        missed -= 1
    while _step(first, interval, missed + 1, anchored) <= now:
        missed += 1
    # None missed: the slot that fell due itself. A slot moved out of the hour summer
    # time skips can lie off a grid finer than an hour (`elke 45m om 02:15`: 03:15),
    # and stepping 0 from it snapped to another grid point (03:00, or for `elke 40m`
    # 02:55, itself skipped: 03:55, a slot not due yet).
    return first if missed == 0 else _step(first, interval, missed, anchored)


async def add(
    session: AsyncSession,
    room_id: str,
    incident: str | None,
    interval: timedelta,
    at_time: str | None,
    by: str,
) -> Subscription:
    now = utcnow()
    subscription = Subscription(
        room_id=room_id,
        incident=incident,
        interval_seconds=int(interval.total_seconds()),
        at_time=at_time,
        next_due_at=first_slot(now, interval, at_time),
        created_by=by,
        created_at=now,
        active=True,
    )
    session.add(subscription)
    await session.flush()
    return subscription


async def for_room(session: AsyncSession, room_id: str) -> Sequence[Subscription]:
    rows = await session.scalars(
        select(Subscription)
        .where(Subscription.room_id == room_id, Subscription.active.is_(True))
        .order_by(Subscription.id)
    )
    return rows.all()


async def due(session: AsyncSession, now: datetime) -> Sequence[Subscription]:
    rows = await session.scalars(
        select(Subscription)
        .where(Subscription.active.is_(True), Subscription.next_due_at <= now)
        .order_by(Subscription.id)
    )
    return rows.all()


async def count_for_incident(session: AsyncSession, incident: str) -> int:
    """How many active subscriptions post `incident`'s picture (told on close and reopen)."""
    rows = await session.scalars(
        select(Subscription.id).where(
            Subscription.active.is_(True), Subscription.incident == incident
        )
    )
    return len(rows.all())
