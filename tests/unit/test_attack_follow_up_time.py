"""A follow-up whose `tijd:` lies before the item's current state.

An item's current state is its latest entry by observed time (storage/items.py). A
liaison who learns late that the dike broke at 13:55 sends a follow-up of M-1 (moderate,
observed 14:00) with `ernst: extreem` and `tijd: 13:55`: the follow-up counts as the
earlier observation, M-1 stays the item's state and the picture's attention list
leaves the item out, while the confirmation said nothing. It now warns, naming the
later report and its time, so the liaison can correct the time.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.support.chat import dispatch
from tests.unit.test_picture_follows_entries import LIAISON, REPORTER, db, dispatcher, texts, view

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

NOW = datetime(2026, 12, 5, 13, 0, tzinfo=UTC)  # 14:00 in Amsterdam


async def _report(db: Database, dispatcher: Dispatcher, lines: list[str], at: datetime) -> str:
    body = "\n".join(["!melding water", "gemeente: Dordrecht", *lines])
    _, replies = await dispatch(db, dispatcher, view(LIAISON), REPORTER, body, at)
    assert "vastgelegd" in texts(replies), texts(replies)
    return texts(replies)


async def test_a_follow_up_observed_before_the_item_s_state_says_so(
    db: Database, dispatcher: Dispatcher
) -> None:
    await _report(db, dispatcher, ["ernst: matig", "Dijk lekt."], NOW)
    later = NOW + timedelta(minutes=20)
    told = await _report(
        db, dispatcher, ["betreft: M-1", "ernst: extreem", "tijd: 13:55", "Dijk door."], later
    )
    assert "M-1 is later waargenomen (05-12 14:00)" in told, told


async def test_a_follow_up_observed_after_it_says_nothing_of_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    await _report(db, dispatcher, ["ernst: matig", "tijd: 13:50", "Dijk lekt."], NOW)
    told = await _report(
        db, dispatcher, ["betreft: M-1", "ernst: extreem", "tijd: 13:55", "Dijk door."], NOW
    )
    assert "later waargenomen" not in told, told
