"""Attack on follow-up rights (session 11, review2): the room that opened an item is
its owner's room, whatever its organisation is called now.

The owner was decided by comparing organisation names only. A room whose binding's
organisation was renamed ('Brandweer' to 'Brandweer ZHZ': a config fix, a merger)
could no longer close or lower the items it had opened itself: 'another organisation
may not close M-1', and nobody else could either, so the item stayed in the
coordinators' attention list with its alert standing.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher, RoomView
from storage.engine import Database
from storage.rooms import BindingView
from tests.support.chat import dispatch
from tests.support.rooms import bind_room
from tests.unit.test_follow_up_confirmation import theirs_severe
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON2,
    REPORTER2,
    db,
    dispatcher,
    picture,
    texts,
)
from tests.unit.test_picture_items import attention, report

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

RENAMED = BindingView("liaison", "storm", "Brandweer ZHZ", "GREEN", "AMBER")


async def _renamed(db: Database) -> RoomView:
    async with db.transaction() as session:
        await bind_room(session, LIAISON2, RENAMED)
    return RoomView(room_id=LIAISON2, role="liaison", encrypted=True, binding=RENAMED)


async def test_a_room_closes_its_own_item_after_its_organisation_was_renamed(
    db: Database, dispatcher: Dispatcher
) -> None:
    own = await theirs_severe(db, dispatcher)
    room = await _renamed(db)
    body = report("stroom", [f"betreft: {own}", "status: opgelost", "Stroom terug."])
    _, replies = await dispatch(db, dispatcher, room, REPORTER2, body)
    text = texts(replies)
    assert "vastgelegd" in text and "niet afsluiten" not in text, text
    assert own not in attention((await picture(db, dispatcher, COORD_RED)).text)


async def test_a_room_lowers_its_own_item_after_its_organisation_was_renamed(
    db: Database, dispatcher: Dispatcher
) -> None:
    own = await theirs_severe(db, dispatcher, "ernstig")
    room = await _renamed(db)
    body = report("stroom", [f"betreft: {own}", "ernst: gering", "Valt mee."])
    _, replies = await dispatch(db, dispatcher, room, REPORTER2, body)
    text = texts(replies)
    assert "vastgelegd" in text and "niet lager" not in text, text
