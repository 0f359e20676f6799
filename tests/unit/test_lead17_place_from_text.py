"""Lead's user check, session 17: `!melding stroom` + "stroomstoring in Sliedrecht sinds
14.30u …" was stored at an unknown place (the picture's line read "GGD ZHZ · -" and the
report stayed out of its region), while the same words as free text were offered as
Sliedrecht. A report without `gemeente:` takes the one municipality its text names as a
place (capitalised, after "in"/"bij"/… or inside a sentence); a follow-up keeps its
item's place, and words such as "Sluis 3 dicht" or "de buren" name no place."""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from commands.report_parser import Vocabulary, text_municipality
from storage.engine import Database
from storage.regions import RegionTable
from tests.unit.test_picture_follows_entries import (
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
VOCAB = Vocabulary(RegionTable())


@pytest.mark.parametrize(
    ("text", "place"),
    [
        (
            "stroomstoring in Sliedrecht sinds 14.30u, ca 1200 huishoudens zonder stroom.",
            "Sliedrecht",
        ),
        ("Wegen rond Gorinchem afgesloten", "Gorinchem"),
        ("Evacuatie in Den Haag gestart", "Den Haag"),
        ("inwoners van 's-Hertogenbosch geëvacueerd", "'s-Hertogenbosch"),
        ("Brand bij Bergen op Zoom", "Bergen op Zoom"),
        ("Sluis 3 dicht bij de haven", None),
        ("de buren helpen met zandzakken", None),
        ("putten leeggepompt", None),
        # A name heading its line before a colon is the place the line is about, as
        # "Utrecht: 40 mensen opgevangen" (session 18; this read None before).
        ("Goes: N3 dicht", "Goes"),
        ("Het gaat best goed", None),
        ("Stroom uit in Dordrecht en Zwijndrecht", None),
    ],
)
def test_the_one_place_a_text_names(text: str, place: str | None) -> None:
    assert text_municipality(text, VOCAB) == place


async def test_a_report_without_gemeente_takes_the_place_its_text_names(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = (
        "!melding stroom\nstroomstoring in Sliedrecht sinds 14.30u, 1200 huishoudens zonder stroom."
    )
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "Plaats: Sliedrecht (Zuid-Holland Zuid)" in texts(replies), texts(replies)


async def test_a_follow_up_keeps_its_items_place_whatever_its_text_names(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(
        db, dispatcher, LIAISON, "!melding opvang\ngemeente: Zwijndrecht\nDorpshuis open.", REPORTER
    )
    body = "!melding opvang\nbetreft: M-1\n20 mensen door naar een hotel in Dordrecht."
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "Plaats: Zwijndrecht" in texts(replies), texts(replies)


async def test_a_named_gemeente_wins_over_the_text(db: Database, dispatcher: Dispatcher) -> None:
    body = "!melding stroom\ngemeente: Dordrecht\nOok uitval in Sliedrecht gemeld."
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "Plaats: Dordrecht" in texts(replies), texts(replies)
