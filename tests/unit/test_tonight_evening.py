"""'vannacht 23:00' said in the evening itself. Since fc36390 'vannacht 23:00' is the
evening the night began (read the next morning: yesterday 23:00). Typed at 23:30 that
same evening it became 23:00 the day before, a whole day early, with no word: the
report sorted under an older state of its item. Before midnight the night's evening is
today."""

from __future__ import annotations

from datetime import datetime

import pytest

from commands.dutch_time import TimeError, parse_time
from storage.timezone import AMSTERDAM

MORNING = datetime(2026, 12, 5, 8, 0, tzinfo=AMSTERDAM)
LATE = datetime(2026, 12, 4, 23, 30, tzinfo=AMSTERDAM)


@pytest.mark.parametrize("said", ["vannacht 23:00", "vannacht 11 uur", "vannacht elf uur"])
def test_the_evening_of_tonight_is_today_before_midnight(said: str) -> None:
    assert parse_time(said, LATE).astimezone(AMSTERDAM) == datetime(
        2026, 12, 4, 23, 0, tzinfo=AMSTERDAM
    )
    # And the next morning it is yesterday evening, as fc36390 made it.
    assert parse_time(said, MORNING).astimezone(AMSTERDAM) == datetime(
        2026, 12, 4, 23, 0, tzinfo=AMSTERDAM
    )


def test_later_tonight_is_in_the_future_before_it_comes() -> None:
    with pytest.raises(TimeError):
        parse_time("vannacht 23:00", datetime(2026, 12, 4, 21, 0, tzinfo=AMSTERDAM))
