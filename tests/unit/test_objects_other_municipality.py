"""A report names an object known only in another municipality than the report's: it
is not linked (the picture would show that object's facts under this report: another
place's nursing home, its residents and emergency power), and the confirmation says
where the name is known and how to link it (name that municipality). A report without
a municipality, or in the object's own, links as before."""

from __future__ import annotations

from sqlalchemy import select

from storage import rooms
from storage.engine import Database
from storage.models import EntryObjectLink
from tests.unit.test_objects import COORD, LIAISON, Chat, db

__all__ = ["db"]


async def links(database: Database) -> list[tuple[int, str]]:
    async with database.session() as session:
        rows = (
            await session.execute(select(EntryObjectLink.entry_id, EntryObjectLink.object_id))
        ).all()
    return sorted((row[0], row[1]) for row in rows)


async def test_an_object_of_another_municipality_is_not_linked_and_the_reporter_is_told(
    db: Database,
) -> None:
    chat = Chat(db)
    reply = await chat.post(
        "!melding zorg\ngemeente: Gorinchem\nlocatie: Verpleeghuis Merwehof\nNoodstroom uit."
    )
    assert "Bekend object: Verpleeghuis Merwehof" not in reply, reply
    assert "Dordrecht" in reply and "Niet gekoppeld" in reply, reply
    assert await links(db) == []
    picture = await chat.post("!beeld storm", room=COORD)
    assert "Betrokken objecten" not in picture and "24 uur" not in picture
    # In its own municipality, or without one, it links as before.
    assert "Bekend object: Verpleeghuis Merwehof" in await chat.post(
        "!melding zorg\ngemeente: Dordrecht\nlocatie: Verpleeghuis Merwehof"
    )
    assert "Bekend object: Verpleeghuis Merwehof" in await chat.post(
        "!melding zorg\nlocatie: Verpleeghuis Merwehof"
    )


async def test_an_object_the_room_may_not_see_is_not_named_either(db: Database) -> None:
    """The AMBER Spaarne Gasthuis (Haarlem), named in a GREEN room's report about
    Beverwijk: not linked, and nothing of it (not even its municipality) said."""
    chat = Chat(db)
    async with db.transaction() as session:
        await rooms.bind(
            session, LIAISON, role="liaison", incident="storm", organisation="GGD",
            tlp_default="GREEN", clearance="GREEN", by="test",
        )  # fmt: skip
    reply = await chat.post("!melding zorg\ngemeente: Beverwijk\nlocatie: Spaarne Gasthuis")
    assert "Haarlem" not in reply and "Spaarne Gasthuis (" not in reply, reply
    assert await links(db) == []
