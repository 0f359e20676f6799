"""Attack 15: another organisation's follow-up figure was added to the item's figure.

The GGD reports its shelter in Dordrecht with 120 free places (M-1). The Brandweer, on
site, follows it up (`betreft: M-1`) with "opvangplekken beschikbaar: 40": an update
of that same shelter's figure. A source was (organisation, place, metric), so the
Brandweer's 40 was a second source and "Cijfers per regio" said 160 (2 bronnen), a
confident figure four times the truth. A follow-up's figure now counts for the source
of the item it follows: the latest of the two, 40 (in the portal's chart too).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage import portal_view, tlp
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    ADMIN,
    COORD_RED,
    LIAISON,
    LIAISON2,
    REPORTER,
    REPORTER2,
    db,
    dispatcher,
    post,
    send,
    texts,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

SHELTER = "!melding opvang\ngemeente: Dordrecht\nopvangplekken beschikbaar: 120\nDe Schans open."
UPDATE = "!melding opvang\nbetreft: M-1\ngemeente: Dordrecht\nopvangplekken beschikbaar: 40\nVol."


def _figures(text: str) -> str:
    return text.split("Cijfers per regio", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize("command", ["!beeld", "!beeld sinds=1d"])
async def test_a_follow_up_figure_updates_the_items_source(
    db: Database, dispatcher: Dispatcher, command: str
) -> None:
    await post(db, dispatcher, LIAISON, SHELTER, REPORTER)
    await post(db, dispatcher, LIAISON2, UPDATE, REPORTER2)
    _, replies = await send(db, dispatcher, COORD_RED, command, ADMIN)
    figures = _figures(texts(replies))
    assert "160" not in figures and ": 40 " in figures and "(1 bron" in figures, figures


async def test_the_portal_chart_counts_the_follow_up_as_the_same_source(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(db, dispatcher, LIAISON, SHELTER, REPORTER)
    await post(db, dispatcher, LIAISON2, UPDATE, REPORTER2)
    access = tlp.RoomAccess(COORD_RED, True, "RED", "Veiligheidsregio")
    async with db.session() as session:
        room = portal_view.PortalRoom(access, "storm", "coordinator")
        lines, _ = await portal_view.figure_history(session, room, "opvangplekken_beschikbaar")
    (line,) = lines
    assert [total for _, total in line.points] == [120, 40], line.points
