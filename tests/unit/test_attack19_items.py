"""Attack 19: items and their lifecycle under edits, redactions and races.

Through the exactly-once core (event log, dispatcher) on a real SQLite database.
"""

from __future__ import annotations

from sqlalchemy import select

from commands.message import Relation
from storage.engine import Database
from storage.ids import EventId
from storage.models import RecordItem
from tests.support.chat import texts
from tests.unit.test_edits_and_redactions import Chat, db
from tests.unit.test_record import COORD as RECORD_COORD
from tests.unit.test_record import DECIDE, World, world

__all__ = ["db", "world"]  # fixtures, imported for pytest

SEVERE = "!melding water\ngemeente: Zwolle\nernst: ernstig\nDijk lekt."


async def test_an_edit_naming_an_edit_records_no_second_entry(db: Database) -> None:
    """The Matrix spec: an edit names the original, never an earlier edit (such an edit
    is ignored by servers and clients). The bot read one as an edit of a message that
    made no entry, i.e. as a new message: a second report M-2 beside M-1, the item
    twice in the picture and the coordinators alerted twice."""
    chat = Chat(db)
    original, _ = await chat.post(SEVERE)
    first_edit, replies = await chat.post(
        SEVERE.replace("lekt", "lekt sterk"), kind="edit", replaces=original
    )
    assert "bijgewerkt (revisie 2)" in texts(replies)
    replies = await chat.edit(first_edit, SEVERE.replace("lekt", "breekt"))
    assert "vastgelegd" not in texts(replies), texts(replies)
    assert "bewerking" in texts(replies).lower(), texts(replies)
    (entry,) = await chat.entries()
    assert entry.text == "Dijk lekt sterk." and entry.revision == 2
    # Also when the edit it names was refused (it made no revision).
    refused_edit, replies = await chat.post(
        SEVERE.replace("ernstig", "heel erg"), kind="edit", replaces=original
    )
    assert "niet opgeslagen" in texts(replies), texts(replies)
    replies = await chat.edit(refused_edit, SEVERE.replace("lekt", "breekt door"))
    assert "vastgelegd" not in texts(replies), texts(replies)
    assert len(await chat.entries()) == 1


async def test_an_edit_naming_a_decisions_edit_records_no_second_decision(world: World) -> None:
    reply, _ = await world.send(RECORD_COORD, DECIDE)
    assert "Besluit B-1 vastgelegd" in reply
    original = EventId(f"$e{world.n}")
    reply, _ = await world.send(
        RECORD_COORD,
        DECIDE.replace("blijft open", "blijft open tot 22u"),
        kind="edit",
        relation=Relation(replaces=original),
    )
    assert "B-1" in reply and "bijgewerkt" in reply, reply
    first_edit = EventId(f"$e{world.n}")
    reply, _ = await world.send(
        RECORD_COORD,
        DECIDE.replace("blijft open", "sluit"),
        kind="edit",
        relation=Relation(replaces=first_edit),
    )
    assert "B-2" not in reply, reply
    async with world.db.session() as session:
        decisions = (await session.scalars(select(RecordItem))).all()
    assert [d.code for d in decisions] == ["B-1"], [(d.code, d.text) for d in decisions]
