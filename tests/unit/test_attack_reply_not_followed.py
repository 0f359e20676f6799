"""A report sent as a reply to a report it cannot follow up.

A reply to a report (or to its confirmation) follows up its item; `betreft: M-7` does
the same and is refused when M-7 cannot be followed. A reply could not be followed
when the report was retracted, or belongs to the incident the room worked on before an
admin rebound it: then the reply was recorded as a new item without a word, and a
liaison's `status: opgelost` closed nothing while the confirmation looked like any
other (the extreme item stayed open, its reporter believing it closed). The
confirmation now says it is no follow-up, and why.

Through the exactly-once core (bindings as stored) on SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import incidents
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database
from tests.unit.test_attack_rebinding import rebind

LIAISON = RoomId("!liaison:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
EXTREME = "!melding stroom\ngemeente: Zwijndrecht\nernst: extreem\nTrafo uitgevallen."
CLOSING = "!melding stroom\nstatus: opgelost\nStroom terug."


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(
        tmp_path / "reply.db",
        [(LIAISON, "liaison", "Stedin"), (COORD, "coordinator", "VRZHZ")],
        active=True,
    )
    async with database.transaction() as session:
        await incidents.open_incident(session, "brand", "Brand", "test")
    yield database
    await database.close()


async def test_a_reply_to_a_report_of_the_room_s_earlier_incident_says_it_follows_nothing(
    db: Database,
) -> None:
    chat = CoreChat(db)
    first, _ = await chat.send_event(LIAISON, ALICE, EXTREME)
    await rebind(db, LIAISON, "liaison", "brand", "Stedin")
    _, replies = await chat.send_event(LIAISON, ALICE, CLOSING, reply_to=first)
    told = texts(replies)
    assert "vastgelegd" in told and "geen vervolg op M-1" in told and "storm" in told, told


async def test_a_reply_to_a_retracted_report_says_it_follows_nothing(db: Database) -> None:
    chat = CoreChat(db)
    first, _ = await chat.send_event(LIAISON, ALICE, EXTREME)
    await chat.send_event(LIAISON, ALICE, "", kind="redaction", redacts=first)
    _, replies = await chat.send_event(LIAISON, ALICE, CLOSING, reply_to=first)
    told = texts(replies)
    assert "geen vervolg op M-1" in told and "ingetrokken" in told, told


async def test_a_reply_that_follows_up_says_nothing_of_the_kind(db: Database) -> None:
    chat = CoreChat(db)
    first, _ = await chat.send_event(LIAISON, ALICE, EXTREME)
    _, replies = await chat.send_event(LIAISON, ALICE, CLOSING, reply_to=first)
    told = texts(replies)
    assert "vervolg op M-1" in told and "geen vervolg" not in told, told
