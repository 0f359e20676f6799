"""Times written as four digits, as emergency services write them (session 14).

Dutch crisis services note times as `0745` or `1945 uur` (the time group of a
message). `tijd: 0745` was read by dateutil as the year 745 and refused as "more than a
year ago"; `deadline: 1600` the same. A bare four-digit time 0000-2359 is now the clock.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dutch_time import TimeError, parse_time
from commands.record_time import parse_ahead
from storage.timezone import AMSTERDAM

NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("0745", "05-12 07:45"),
        ("0745 uur", "05-12 07:45"),
        ("0745u", "05-12 07:45"),
        ("1945 uur", "04-12 19:45"),
        ("gisteren 2330", "04-12 23:30"),
        ("om 0915", "05-12 09:15"),
    ],
)
def test_a_four_digit_time_is_the_clock(text: str, local: str) -> None:
    assert parse_time(text, NOW).astimezone(AMSTERDAM).strftime("%d-%m %H:%M") == local


def test_a_four_digit_deadline_is_the_clock() -> None:
    assert parse_ahead("1600", NOW).astimezone(AMSTERDAM).strftime("%d-%m %H:%M") == "05-12 16:00"


@pytest.mark.parametrize("text", ["2400", "1299", "9999"])
def test_four_digits_that_are_no_clock_are_refused(text: str) -> None:
    with pytest.raises(TimeError):
        parse_time(text, NOW)


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("morgenochtend 8 uur", "06-12 08:00"),
        ("morgenvroeg 7u", "06-12 07:00"),
        ("morgenmiddag 2 uur", "06-12 14:00"),
        ("morgenavond 8 uur", "06-12 20:00"),
        ("morgenavond half 9", "06-12 20:30"),
    ],
)
def test_a_deadline_tomorrow_morning_or_evening_is_read(text: str, local: str) -> None:
    """`deadline: morgenochtend 8 uur` was refused as unreadable; `morgenavond 8 uur`
    must be 20:00, not 08:00."""
    assert parse_ahead(text, NOW).astimezone(AMSTERDAM).strftime("%d-%m %H:%M") == local


def test_tomorrow_morning_without_a_time_is_refused_as_such() -> None:
    with pytest.raises(TimeError) as refused:
        parse_ahead("morgenochtend", NOW)
    assert refused.value.reason == "no_time"
