"""Hostile review 17a: the portal's per-source chart line of a level must not name what
the room may not see.

A level (waterstand) is charted per source, its line named after the source's place,
location and organisation. A GREEN follow-up of an AMBER item carries the item's
`location_key` (storage/entries.py: "internal, never shown") and counts for the item
owner's organisation (`items.source_organisation`): a GREEN room saw the AMBER opener's
location in the line's legend.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage import portal_view, tlp
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    COORD_GREEN,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    post,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

SECRET = "Pompgemaal Kinderdijk Noord"


async def _green_lines(db: Database, metric: str) -> list[portal_view.Line]:
    access = tlp.RoomAccess(COORD_GREEN, True, "GREEN", "Gemeente Dordrecht")
    async with db.session() as session:
        room = portal_view.PortalRoom(access, "storm", "coordinator")
        lines, _ = await portal_view.figure_history(session, room, metric)
    return lines


async def test_a_green_follow_up_does_not_name_its_amber_items_location(
    db: Database, dispatcher: Dispatcher
) -> None:
    opener = (
        f"!melding water\ngemeente: Dordrecht\nlocatie: {SECRET}\n"
        "waterstand: 3,10 m NAP\ntlp: AMBER\nGeheime pomplocatie."
    )
    await post(db, dispatcher, LIAISON, opener, REPORTER)
    follow = "!melding water\nbetreft: M-1\ngemeente: Dordrecht\nernst: matig\nwaterstand: 2,95 m NAP\ntlp: GREEN\nPeil zakt."
    await post(db, dispatcher, LIAISON, follow, REPORTER)
    lines = await _green_lines(db, "waterstand")
    assert lines, "the GREEN follow-up's figure is charted"
    names = " | ".join(line.region for line in lines).lower()
    assert "kinderdijk" not in names and "pompgemaal" not in names, names


async def test_a_green_follow_up_is_one_source_with_the_green_reports_it_may_see(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The GREEN follow-up took the AMBER opener's location key, so a GREEN room saw it
    as a source apart from GGD's unlocated GREEN report of Dordrecht: a count of 2
    sources (summed 30 + 20) where the room sees one organisation at one place."""
    opener = (
        f"!melding opvang\ngemeente: Dordrecht\nlocatie: {SECRET}\n"
        "opgevangen: 100\ntlp: AMBER\nGeheime opvang."
    )
    await post(db, dispatcher, LIAISON, opener, REPORTER)
    plain = "!melding opvang\ngemeente: Dordrecht\nopgevangen: 20\ntlp: GREEN\nOpvang."
    await post(db, dispatcher, LIAISON, plain, REPORTER)
    follow = (
        "!melding opvang\nbetreft: M-1\ngemeente: Dordrecht\nernst: matig\n"
        "opgevangen: 30\ntlp: GREEN\nOpvang loopt."
    )
    await post(db, dispatcher, LIAISON, follow, REPORTER)
    lines = await _green_lines(db, "opgevangen")
    newest = [line.points[-1][1] for line in lines]
    assert newest == [30.0], [(line.region, line.points) for line in lines]
