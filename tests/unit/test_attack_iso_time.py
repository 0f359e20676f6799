"""Dates written year first (ISO 8601, as systems, exports and e-mails write them).

The time reader reads dates day first, as the Dutch write them ("04-12-2026" is 4
December). dateutil told so read "2026-12-04 14:30" as year, day, month: 12 April, a
report eight months old, and "2026-12-06" (tomorrow) as 12 June, in the past, so not
refused. A follow-up escalating an item (`ernst: extreem`, `tijd: 2026-12-05 13:50`)
then counted as older than the item's first report and never became its state: the
extreme item stayed out of the picture's attention list. The same reader serves the
`geldig tot:` of answers and Q&As.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dispatcher import Dispatcher
from commands.dutch_time import TimeError, parse_time, read_date
from storage.engine import Database
from storage.timezone import AMSTERDAM
from tests.support.chat import dispatch
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    texts,
    view,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "written",
    ["2026-12-04 14:30", "2026/12/04 14.30", "2026-12-04T14:30:00+01:00", "04-12-2026 14:30"],
)
def test_a_date_is_read_year_first_only_when_it_starts_with_its_year(written: str) -> None:
    local = parse_time(written, NOW).astimezone(AMSTERDAM)
    assert (local.month, local.day, local.hour, local.minute) == (12, 4, 14, 30), local


def test_tomorrow_written_year_first_lies_in_the_future() -> None:
    with pytest.raises(TimeError):
        parse_time("2026-12-06 10:00", NOW)


def test_a_valid_until_date_written_year_first() -> None:
    assert read_date("2027-01-05").date().isoformat() == "2027-01-05"
    assert read_date("05-01-2027").date().isoformat() == "2027-01-05"


async def test_an_escalation_timed_year_first_is_the_item_s_state(
    db: Database, dispatcher: Dispatcher
) -> None:
    first = "\n".join(["!melding water", "gemeente: Dordrecht", "ernst: matig", "Dijk lekt."])
    _, replies = await dispatch(db, dispatcher, view(LIAISON), REPORTER, first, NOW)
    assert "Melding M-1 vastgelegd" in texts(replies), texts(replies)
    later = NOW.replace(hour=13)
    escalation = "\n".join(
        [
            "!melding water",
            "betreft: M-1",
            "ernst: extreem",
            "tijd: 2026-12-05 13:50",  # 12:50 UTC, after M-1
            "Dijk doorgebroken.",
        ]
    )
    _, replies = await dispatch(db, dispatcher, view(LIAISON), REPORTER, escalation, later)
    assert "Melding M-2 vastgelegd" in texts(replies), texts(replies)
    _, replies = await dispatch(
        db, dispatcher, view(COORD_RED), REPORTER, "!beeld storm", later.replace(minute=5)
    )
    shown = texts(replies)
    assert "Dijk doorgebroken" in shown.split("Laatste stand", 1)[0], shown
