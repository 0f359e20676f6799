"""The picture's attention list is cut at `items.MAX_ATTENTION` (200) items, newest
first. In a crisis with more open severe or extreme items than that, the oldest ones,
open the longest, left the list without a word: the coordinators read the list as
complete. The picture now says when items were left out. (The limit is set to 2 here.)

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage import items
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    picture,
    send,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


async def _extreme(db: Database, dispatcher: Dispatcher, count: int) -> None:
    for n in range(count):
        body = f"!melding water\ngemeente: Dordrecht\nernst: extreem\nDijk {n} bezwijkt."
        await send(db, dispatcher, LIAISON, body, REPORTER)


async def test_a_cut_attention_list_says_items_were_left_out(
    db: Database, dispatcher: Dispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(items, "MAX_ATTENTION", 2)
    await _extreme(db, dispatcher, 3)
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "weggelaten" in shown, shown


async def test_a_whole_attention_list_says_nothing_of_it(
    db: Database, dispatcher: Dispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(items, "MAX_ATTENTION", 2)
    await _extreme(db, dispatcher, 2)
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "Dijk 0" in shown and "Dijk 1" in shown and "weggelaten" not in shown, shown
