"""Attack 15: a follow-up without a category kept its resolved item in view as open.

`!melding` + `betreft: M-1` + `status: opgelost` (a liaison closing their item from a
phone names no category) was stored as overig at an unknown place. The attention list
(per item) was right, but 'Laatste stand per categorie' kept M-1's line under water,
"extreem · nieuw", and `!beeld categorie=water` listed the resolved item under
Aandacht. A follow-up now takes the followed report's category, and its place when it
names none; the "no category" hint is for new items only.
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
from tests.unit.test_picture_items import attention

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

BREACH = "!melding water\ngemeente: Dordrecht\nernst: extreem\nDijk breekt bij de Kade."
CLOSED = "!melding\nbetreft: M-1\nstatus: opgelost\nDijk gedicht."


async def test_a_follow_up_without_category_closes_the_items_line(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(db, dispatcher, LIAISON, BREACH, REPORTER)
    _, replies = await send(db, dispatcher, LIAISON, CLOSED, REPORTER)
    confirmation = texts(replies)
    assert "vastgelegd" in confirmation and "Geen categorie" not in confirmation, confirmation
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld", ADMIN)
    whole = texts(replies)
    assert "Dijk breekt" not in whole and "Dordrecht · extreem · opgelost" in whole, whole
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld categorie=water", ADMIN)
    assert "Dijk breekt" not in attention(texts(replies)), texts(replies)


async def test_a_follow_up_keeps_the_category_and_place_it_names(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(db, dispatcher, LIAISON, BREACH, REPORTER)
    body = "!melding evacuatie\nbetreft: M-1\ngemeente: Zwijndrecht\nernst: extreem\nOntruiming."
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    text = texts(replies)
    assert "evacuatie" in text and "Plaats: Zwijndrecht" in text, text
