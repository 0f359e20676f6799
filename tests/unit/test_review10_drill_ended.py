"""Review of round 1 (helper "review10", session 16): "oefening beëindigd" / "oefening
afgelast" count as real words since e1861d4 (a real emergency said as "OEFENING
BEËINDIGD: echte dijkdoorbraak" must not be refused). But "the drill has ended" is
also how a drill's own last inject reads (ENDEX), beside the drill marker: such a
drill message pasted into the real room was filed as a real extreme report (the real
coordinators alerted), and in the drill room it was refused as a real emergency.
The drill ending counts as real only where nothing else in the report marks a drill."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import incidents, rooms
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

REAL = RoomId("!real:x")
DRILL = RoomId("!drill:x")
ALICE = UserId("@alice:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "real.db", [(REAL, "liaison", "GGD")])
    async with database.transaction() as session:
        await incidents.open_incident(session, "oef", "Oefening", "test", exercise=True)
        await rooms.bind_as(
            session, DRILL, BindingView("liaison", "oef", "GGD", "AMBER", "AMBER"), "@admin:x"
        )
    yield CoreChat(database)
    await database.close()


ENDEX = [
    "!melding evacuatie\nOEFENING OEFENING OEFENING\ngemeente: Dordrecht\nernst: extreem\n"
    "Eindsituatie: dijk doorgebroken bij Wijk. Oefening beëindigd om 16:00.",
    "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\n"
    "Oefening oefening oefening: dijk doorgebroken. Oefening afgelast wegens storm.",
]


@pytest.mark.parametrize("body", ENDEX)
async def test_a_drill_inject_that_says_the_drill_ended_is_no_real_report(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])


@pytest.mark.parametrize("body", ENDEX)
async def test_it_is_recorded_in_the_drill_room(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])
