"""An organisation's name is at most 200 characters (the column's length). On
PostgreSQL a longer one in `!kamer koppel org=…` or `!org zet …` failed as a whole
("Er ging bij mij iets mis"); SQLite stored it. Both now refuse it briefly in the
room's language and store nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.models import Organisation, RoomBinding
from tests.support.chat import texts
from tests.unit.test_picture_follows_entries import ADMIN, COORD_RED, db, dispatcher, send

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest

LONG = "Veiligheidsregio " + "Zuid-Holland-Zuid " * 12  # 233 characters

COMMANDS = [
    f"!kamer koppel incident=storm org={LONG.replace(' ', '-')} rol=coordinator",
    f"!org zet {LONG}",
]


@pytest.mark.parametrize("body", COMMANDS)
async def test_an_organisation_name_over_200_characters_is_refused(
    db: Database, dispatcher: Dispatcher, body: str
) -> None:
    async with db.session() as session:
        before = await session.scalar(select(func.count()).select_from(Organisation))
        bound = (await session.get(RoomBinding, COORD_RED),)[0]
        organisation = bound.organisation if bound else None
    _, replies = await send(db, dispatcher, COORD_RED, body, ADMIN)
    text = texts(replies)
    assert "iets mis" not in text and "200" in text, text
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Organisation)) == before
        bound = await session.get(RoomBinding, COORD_RED)
        assert bound is not None and bound.organisation == organisation
