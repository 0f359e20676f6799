"""Lead's user check, session 17: a follow-up that names its category but no place lost
the item's place.

`!melding opvang` + `betreft: M-2` + `opvangplekken beschikbaar: 0` (the liaison
repeats the category, as the first report had it) was stored at an unknown place: the
picture kept M-2's Zwijndrecht line as the latest state beside a placeless "-" line, and
the region's sum kept the 45 places M-2 had reported next to a "?" row of 0, so the
coordinators read 45 free places that were gone. A follow-up takes the followed item's
place whenever it names none, category word or not.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    ADMIN,
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    post,
    send,
    texts,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

OPENED = (
    "!melding opvang\ngemeente: Zwijndrecht\nlocatie: Dorpshuis\n"
    "opvangplekken beschikbaar: 45\nDorpshuis open als noodopvang."
)
FULL = "!melding opvang\nbetreft: M-1\nopvangplekken beschikbaar: 0\nernst: matig\nDorpshuis vol."


async def test_a_follow_up_naming_its_category_keeps_the_items_place(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(db, dispatcher, LIAISON, OPENED, REPORTER)
    _, replies = await send(db, dispatcher, LIAISON, FULL, REPORTER)
    confirmation = texts(replies)
    assert "Plaats: Zwijndrecht" in confirmation and "Dorpshuis" in confirmation, confirmation
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld", ADMIN)
    whole = texts(replies)
    assert "opvangplekken beschikbaar · ?" not in whole, whole
    assert "opvangplekken beschikbaar · Zuid-Holland Zuid: 0" in whole, whole
    assert "Dorpshuis open als noodopvang" not in whole, whole


async def test_a_follow_up_naming_another_category_keeps_it_and_the_place(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(db, dispatcher, LIAISON, OPENED, REPORTER)
    body = "!melding evacuatie\nbetreft: M-1\nernst: ernstig\nDorpshuis wordt ontruimd."
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    text = texts(replies)
    assert "evacuatie" in text and "Plaats: Zwijndrecht" in text, text
