"""New Year's night, the busiest night for the emergency services: a report typed at
00:30 on 1 January about "31-12 23:45" was refused as lying in the future (the year
left out was read as the new one). A day and month without a year mean the last such
day before now, as a clock time without a day means the last such time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dutch_time import TimeError, parse_time
from commands.record_time import parse_ahead
from storage.timezone import AMSTERDAM

NEW_YEAR = datetime(2027, 1, 1, 0, 30, tzinfo=AMSTERDAM).astimezone(UTC)


@pytest.mark.parametrize("written", ["31-12 23:45", "31/12 23.45 uur", "31 december 23:45"])
def test_new_years_eve_typed_after_midnight_is_last_year(written: str) -> None:
    moment = parse_time(written, NEW_YEAR).astimezone(AMSTERDAM)
    assert (moment.year, moment.month, moment.day, moment.hour) == (2026, 12, 31, 23)


def test_a_written_year_is_kept_and_the_future_still_refused() -> None:
    with pytest.raises(TimeError):
        parse_time("31-12-2027 23:45", NEW_YEAR)
    with pytest.raises(TimeError):
        parse_time("2-1 10:00", NEW_YEAR)  # tomorrow, not last year's 2 January


def test_an_earlier_day_of_this_year_is_this_year() -> None:
    moment = parse_time("1-1 00:10", NEW_YEAR).astimezone(AMSTERDAM)
    assert (moment.year, moment.month, moment.day) == (2027, 1, 1)


def test_a_deadline_still_looks_ahead() -> None:
    """An action's deadline (`parse_ahead`) is the next such day, not last year's."""
    deadline = parse_ahead("31-12 18:00", NEW_YEAR).astimezone(AMSTERDAM)
    assert (deadline.year, deadline.month, deadline.day) == (2027, 12, 31)
