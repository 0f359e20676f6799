"""`om` subscriptions of an hour or less across the end of summer time (leftovers10): the
clock goes from 03:00 CEST back to 02:00 CET, and the hour 02:00-03:00 comes twice. An
hourly schedule stepped in wall-clock time went from 02:00 (CEST) to 03:00 (CET): two real
hours without a picture, in the middle of the night shift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from storage import subscriptions as subscription_repo
from storage.models import Subscription


@pytest.mark.parametrize("minutes", [60, 30, 15, 20])
def test_the_repeated_hour_gets_its_pictures(minutes: int) -> None:
    interval = timedelta(minutes=minutes)
    first = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # 00:00 CEST on 25 October
    sub = Subscription(
        room_id="!c:x", incident="storm", interval_seconds=int(interval.total_seconds()),
        at_time="00:00", next_due_at=first, created_by="@a:x",
        created_at=first - interval, active=True,
    )  # fmt: skip
    slots = [first]
    for _ in range(int(timedelta(hours=6) / interval)):
        slots.append(subscription_repo.next_slot(sub, slots[-1]))
    gaps = {later - earlier for earlier, later in pairwise(slots)}
    assert gaps == {interval}, sorted(s.isoformat() for s in slots)
    # After downtime over the change, the due slot is the latest grid slot, in real time.
    now = datetime(2026, 10, 25, 1, 40, tzinfo=UTC)
    due = subscription_repo.due_slot(sub, now)
    assert due is not None and now - interval < due <= now, due
