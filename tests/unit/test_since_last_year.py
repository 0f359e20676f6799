"""`sinds=1-12 08:00` typed in mid-January was refused as lying in the future: a day
and month without a year reach back into last year only 31 days (a report's time), so
1 December was read as this year's. A `sinds=` filter only looks back: a date ahead in
this year means last year's."""

from __future__ import annotations

from datetime import UTC, datetime

from commands.reports import parse_since
from storage.timezone import AMSTERDAM

MID_JANUARY = datetime(2027, 1, 15, 10, 0, tzinfo=AMSTERDAM).astimezone(UTC)


def test_a_since_date_ahead_this_year_means_last_year() -> None:
    for written in ("1-12 08:00", "1 december"):
        since = parse_since(written, MID_JANUARY)
        assert since is not None, written
        local = since.astimezone(AMSTERDAM)
        assert (local.year, local.month, local.day) == (2026, 12, 1)


def test_a_written_future_year_is_still_refused() -> None:
    assert parse_since("1-12-2027 08:00", MID_JANUARY) is None


def test_a_recent_date_is_unchanged() -> None:
    since = parse_since("10-1 08:00", MID_JANUARY)
    assert since is not None
    assert since.astimezone(AMSTERDAM).year == 2027
