"""Hostile review 17a: the follow-up oracle (review 11, follow_up_rights.lowers_unseen)
through a follow-up's own time.

A follow-up from a room that may not see an item's severe state is recorded as an item
of its own and answered "as the follow-up the room sees it as". One with a `tijd:`
before the item's current state gets, joined to the item, the warning that the item's
later report stays its current state (`reports._behind_item`); recorded apart it got
none. The warning's presence told the room whether the item holds a severe state it may
not see.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation
from storage.engine import Database
from storage.timezone import AMSTERDAM
from tests.support.chat import dispatch
from tests.unit.test_attack15_unseen_state import VOLUNTEER, _recorded
from tests.unit.test_picture_follows_entries import db, dispatcher, texts
from tests.unit.test_review11_unseen_oracle import _shape, hidden_and_plain

__all__ = ["db", "dispatcher"]
pytestmark = pytest.mark.postgres


def _two_hours_ago() -> str:
    """A `tijd:` before the items' current states."""
    earlier = (datetime.now(UTC) - timedelta(hours=2)).astimezone(AMSTERDAM)
    return earlier.strftime("%d-%m-%Y %H:%M")


def _named_later(shape: str) -> str:
    """The item's latest report the room sees is named by code and time: the same shape
    either way."""
    return re.sub(r"M-\d+ is later waargenomen \([^)]*\)", "M-X later", shape)


async def test_a_follow_up_observed_earlier_is_answered_alike_with_or_without_a_hidden_state(
    db: Database, dispatcher: Dispatcher
) -> None:
    hidden, plain_item, room = await hidden_and_plain(db, dispatcher)
    when = _two_hours_ago()
    shapes = []
    for code in (hidden, plain_item):
        body = f"!melding stroom\nbetreft: {code}\ntijd: {when}\nWij delen dekens uit."
        _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
        text = texts(replies)
        shape = _shape(text, code, await _recorded(text))
        shapes.append(_named_later(shape))
    assert shapes[0] == shapes[1], shapes


async def test_an_edit_observed_earlier_is_answered_alike_with_or_without_a_hidden_state(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The same through an edit that adds `betreft:` to the room's own report."""
    hidden, plain_item, room = await hidden_and_plain(db, dispatcher)
    when = _two_hours_ago()
    shapes = []
    for code in (hidden, plain_item):
        first = f"!melding stroom\ngemeente: Dordrecht\ntijd: {when}\nWij delen dekens uit."
        original, replies = await dispatch(db, dispatcher, room, VOLUNTEER, first)
        own = await _recorded(texts(replies))
        edited = f"!melding stroom\nbetreft: {code}\ntijd: {when}\nWij delen dekens uit."
        _, replies = await dispatch(
            db, dispatcher, room, VOLUNTEER, edited, kind="edit",
            relation=Relation(replaces=original),
        )  # fmt: skip
        shape = _shape(texts(replies), code, own)
        shapes.append(_named_later(shape))
    assert "later" in shapes[1], shapes[1]
    assert shapes[0] == shapes[1], shapes
