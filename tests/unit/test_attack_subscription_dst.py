"""Attack on `om HH:MM` subscriptions across the start of summer time (helper attack9,
session 14): `!abonneer beeld elke 1d om 02:30` asks for 02:30 local every day. On the
last Sunday of March 02:30 does not exist; that day's post goes out at 03:30 (the first
moment after), but the schedule then stayed at 03:30 for good: the slot was stepped
from the shifted time, and a wall-clock step never brings it back. The same for a
sub-day grid that has a slot in the missing hour (`elke 4h om 02:00`)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from storage import subscriptions as subscription_repo
from storage.models import Subscription
from storage.timezone import AMSTERDAM


def _local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMSTERDAM)


def _walk(at_time: str, interval: timedelta, first: datetime, steps: int) -> list[str]:
    sub = Subscription(
        room_id="!c:x",
        incident="storm",
        interval_seconds=int(interval.total_seconds()),
        at_time=at_time,
        next_due_at=first,
        created_by="@a:x",
        created_at=first - interval,
        active=True,
    )
    shown = []
    slot = first
    for _ in range(steps):
        slot = subscription_repo.next_slot(sub, slot)
        shown.append(slot.astimezone(AMSTERDAM).strftime("%m-%d %H:%M"))
    return shown


def test_a_daily_0230_returns_to_0230_after_the_missing_hour() -> None:
    shown = _walk("02:30", timedelta(days=1), _local(2026, 3, 28, 2, 30), 3)
    assert shown == ["03-29 03:30", "03-30 02:30", "03-31 02:30"], shown


@pytest.mark.parametrize(
    ("at_time", "interval", "first", "expected"),
    [
        # every 4 hours on the 02:00 grid: 02:00 is missing, then 06:00 again
        ("02:00", timedelta(hours=4), _local(2026, 3, 28, 22, 0), ["03:00", "06:00", "10:00"]),
        # weekly on Sunday 02:15
        ("02:15", timedelta(days=7), _local(2026, 3, 22, 2, 15), ["03:15", "02:15", "02:15"]),
    ],
)
def test_a_grid_slot_in_the_missing_hour_does_not_shift_the_grid(
    at_time: str, interval: timedelta, first: datetime, expected: list[str]
) -> None:
    shown = [s[-5:] for s in _walk(at_time, interval, first, 3)]
    assert shown == expected, shown


def test_due_slot_after_downtime_lands_on_the_asked_time() -> None:
    sub = Subscription(
        room_id="!c:x",
        incident="storm",
        interval_seconds=86400,
        at_time="02:30",
        next_due_at=_local(2026, 3, 29, 3, 30),  # the shifted post of the missing 02:30
        created_by="@a:x",
        created_at=_local(2026, 3, 28, 2, 30),
        active=True,
    )
    slot = subscription_repo.due_slot(sub, _local(2026, 4, 2, 12, 0))
    assert slot is not None
    assert slot.astimezone(AMSTERDAM).strftime("%m-%d %H:%M") == "04-02 02:30", slot


def test_the_due_slot_is_never_before_the_slot_that_was_due() -> None:
    """`elke 45m om 02:15`: the missing 02:15 goes at 03:15 summer time, which lies off
    the 45-minute grid (03:00, 03:45). At 03:30 the due slot was 03:00, a slot before the
    one that fell due (`next_due_at`), so the picture named a time before it was due
    (review7)."""
    due = _local(2026, 3, 29, 3, 15)
    sub = Subscription(
        room_id="!c:x",
        incident="storm",
        interval_seconds=45 * 60,
        at_time="02:15",
        next_due_at=due,
        created_by="@a:x",
        created_at=_local(2026, 3, 28, 2, 15),
        active=True,
    )
    slot = subscription_repo.due_slot(sub, _local(2026, 3, 29, 3, 30))
    assert slot == due, slot
    assert subscription_repo.next_slot(sub, due) > due


def test_the_due_slot_is_never_a_slot_not_due_yet() -> None:
    """`elke 40m om 02:15`: the missing 02:15 goes at 03:15 summer time; stepping 0 from
    it snapped to 02:55, also missing, so 03:55: at 03:15 the due slot was one 40 minutes
    ahead, and the 03:35 slot was skipped (review7)."""
    due = _local(2026, 3, 29, 3, 15)
    sub = Subscription(
        room_id="!c:x",
        incident="storm",
        interval_seconds=40 * 60,
        at_time="02:15",
        next_due_at=due,
        created_by="@a:x",
        created_at=_local(2026, 3, 28, 2, 15),
        active=True,
    )
    assert subscription_repo.due_slot(sub, due) == due
