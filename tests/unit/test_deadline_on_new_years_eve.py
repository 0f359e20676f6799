"""An action's deadline typed on 31 December for later that evening ("31-12 23:59")
was refused as lying in the future: `parse_ahead` read dates further ahead from 23:00
on the last day of the year, so a deadline after 23:10 that night had no reading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.record_time import parse_ahead
from storage.timezone import AMSTERDAM

EVE = datetime(2026, 12, 31, 10, 0, tzinfo=AMSTERDAM).astimezone(UTC)


@pytest.mark.parametrize("written", ["31-12 23:59", "31-12 23:30", "31 december 23:45"])
def test_a_deadline_late_on_new_years_eve_is_tonight(written: str) -> None:
    deadline = parse_ahead(written, EVE).astimezone(AMSTERDAM)
    assert (deadline.year, deadline.month, deadline.day) == (2026, 12, 31)
    assert deadline.hour == 23


def test_a_deadline_earlier_that_day_still_reads() -> None:
    deadline = parse_ahead("31-12 18:00", EVE).astimezone(AMSTERDAM)
    assert (deadline.year, deadline.month, deadline.day, deadline.hour) == (2026, 12, 31, 18)
