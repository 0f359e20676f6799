"""Attack 15: a follow-up from a room that cannot see an item's current state took a
severe item out of the coordinators' attention list.

The Brandweer opened an item as minor (GREEN) and raised it to extreme in an AMBER
follow-up: the coordinators were alerted and list it under "Aandacht". The Rode Kruis
liaison room, cleared for GREEN only, sees the opening report only. Its follow-up
(`betreft: M-1`, information, no severity) inherits the severity it can see - minor -
and, being the latest entry, became the item's state: the extreme item left the
attention list, though no one who could see it lowered it.
"""

from __future__ import annotations

import re

import pytest

from commands.dispatcher import Dispatcher, RoomView
from commands.message import Relation
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import dispatch
from tests.support.rooms import bind_room
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON2,
    REPORTER2,
    db,
    dispatcher,
    picture,
    send,
    texts,
)
from tests.unit.test_picture_items import attention

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

RED_CROSS = RoomId("!rodekruis:x")
RED_CROSS_BINDING = BindingView("liaison", "storm", "Rode Kruis", "GREEN", "GREEN")
VOLUNTEER = UserId("@rk-liaison:x")


async def _recorded(replies_text: str) -> str:
    found = re.search(r"Melding (M-\d+) vastgelegd", replies_text)
    assert found, replies_text
    return found.group(1)


async def _extreme_behind_a_minor_opening(db: Database, dispatcher: Dispatcher) -> str:
    opening = "!melding stroom\ngemeente: Dordrecht\nlocatie: Trafo Noord\nernst: gering\nStoring."
    _, replies = await send(db, dispatcher, LIAISON2, opening, REPORTER2)
    code = await _recorded(texts(replies))
    raise_it = f"!melding stroom\nbetreft: {code}\nernst: extreem\ntlp: amber\nVerpleeghuis uit."
    _, replies = await send(db, dispatcher, LIAISON2, raise_it, REPORTER2)
    await _recorded(texts(replies))
    assert "Verpleeghuis" in attention((await picture(db, dispatcher, COORD_RED)).text)
    return code


async def _red_cross(db: Database) -> RoomView:
    async with db.transaction() as session:
        await bind_room(session, RED_CROSS, RED_CROSS_BINDING)
    return RoomView(room_id=RED_CROSS, role="liaison", encrypted=True, binding=RED_CROSS_BINDING)


@pytest.mark.parametrize("severity", ["", "ernst: gering\n"])
async def test_a_follow_up_that_cannot_see_the_state_does_not_lower_it(
    db: Database, dispatcher: Dispatcher, severity: str
) -> None:
    code = await _extreme_behind_a_minor_opening(db, dispatcher)
    room = await _red_cross(db)
    body = f"!melding stroom\nbetreft: {code}\n{severity}Wij delen dekens uit bij de trafo."
    _, replies = await dispatch(db, dispatcher, room, VOLUNTEER, body)
    text = texts(replies)
    assert "vastgelegd" in text, text
    assert "extreem" not in text.lower() and "Verpleeghuis" not in text, text
    shown = attention((await picture(db, dispatcher, COORD_RED)).text)
    assert "Verpleeghuis" in shown or "dekens" in shown, shown


async def test_an_edit_that_names_the_item_does_not_lower_it_either(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await _extreme_behind_a_minor_opening(db, dispatcher)
    room = await _red_cross(db)
    first = "!melding stroom\ngemeente: Dordrecht\nWij delen dekens uit bij de trafo."
    original, replies = await dispatch(db, dispatcher, room, VOLUNTEER, first)
    assert "vastgelegd" in texts(replies), texts(replies)
    edited = f"!melding stroom\nbetreft: {code}\nWij delen dekens uit bij de trafo."
    _, replies = await dispatch(
        db, dispatcher, room, VOLUNTEER, edited, kind="edit",
        relation=Relation(replaces=original),
    )  # fmt: skip
    assert "extreem" not in texts(replies).lower(), texts(replies)
    shown = attention((await picture(db, dispatcher, COORD_RED)).text)
    assert "Verpleeghuis" in shown, shown
