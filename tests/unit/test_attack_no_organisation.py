"""Attack on the picture's series tables (session 14, attack8): a room bound without
`org=` (optional in `!kamer bind`) on PostgreSQL.

The series tables' keys wrote a missing organisation as a NUL character, which
PostgreSQL text cannot hold: the first report from such a room made every later
`!beeld` of the incident fail ("Er ging bij mij iets mis"), for every room, and the
portal built its pages from tables that no longer took in new reports. SQLite took it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from commands.dispatcher import Dispatcher, RoomView
from commands.message import Relation
from storage.engine import Database
from storage.ids import RoomId
from storage.models import SeriesLatest
from storage.rooms import BindingView
from tests.support.chat import dispatch, texts
from tests.support.rooms import bind_room
from tests.unit.test_picture_follows_entries import (
    COORD_GREEN,
    COORD_RED,
    REPORTER2,
    db,
    dispatcher,
    picture,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

NO_ORG = RoomId("!zonder-org:x")
BINDING = BindingView("liaison", "storm", None, "GREEN", "AMBER")


async def _room(db: Database) -> RoomView:
    async with db.transaction() as session:
        await bind_room(session, NO_ORG, BINDING)
    return RoomView(room_id=NO_ORG, role="liaison", encrypted=True, binding=BINDING)


def _report(text: str, *lines: str, place: str = "Dordrecht") -> str:
    return "\n".join(["!melding opvang", f"gemeente: {place}", *lines, text])


async def test_a_report_from_a_room_without_organisation_is_in_every_picture(
    db: Database, dispatcher: Dispatcher
) -> None:
    room = await _room(db)
    for body in (
        _report("Sporthal zonder organisatie open.", "opvangplekken beschikbaar: 40"),
        _report("Dijk bij Zwijndrecht bezweken.", "ernst: extreem", place="Zwijndrecht"),
    ):
        _, replies = await dispatch(db, dispatcher, room, REPORTER2, body)
        assert "vastgelegd" in texts(replies), texts(replies)
    for reader in (COORD_RED, COORD_GREEN):
        shown = (await picture(db, dispatcher, reader)).text
        assert "Sporthal zonder organisatie open." in shown, shown
        assert "Dijk bij Zwijndrecht bezweken." in shown, shown
        assert "40" in shown, shown


async def test_a_row_kept_under_the_old_key_form_is_replaced_when_its_entry_moves(
    db: Database, dispatcher: Dispatcher
) -> None:
    """A SQLite database kept series rows under the old key (a NUL for no organisation):
    folding in a change of their entry replaces them instead of leaving them beside the
    new row (the report would show twice, once under a place it no longer names)."""
    if not db.is_sqlite:
        pytest.skip("PostgreSQL never held the old key form")
    room = await _room(db)
    event_id, replies = await dispatch(db, dispatcher, room, REPORTER2, _report("Eerste plek."))
    await picture(db, dispatcher, COORD_RED)  # the series rows are written
    async with db.transaction() as session:
        for row in await session.scalars(select(SeriesLatest)):
            row.key = row.key.replace("\x1e", "\x00")  # as the code before wrote it
    _, replies = await dispatch(
        db,
        dispatcher,
        room,
        REPORTER2,
        _report("Tweede plek.", place="Zwijndrecht"),
        kind="edit",
        relation=Relation(replaces=event_id),
    )
    assert "bijgewerkt" in texts(replies), texts(replies)
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert shown.count("Tweede plek.") == 1, shown
