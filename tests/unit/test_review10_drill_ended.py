"""Review of round 1 (helper "review10", session 16): "oefening beëindigd" / "oefening
afgelast" count as real words since e1861d4 (a real emergency said as "OEFENING
BEËINDIGD: echte dijkdoorbraak" must not be refused). But "the drill has ended" is
also how a drill's own last inject reads (ENDEX), beside the drill marker: such a
drill message pasted into the real room was filed as a real extreme report (the real
coordinators alerted), and in the drill room it was refused as a real emergency.
The drill ending counts as real only where nothing else in the report marks a drill."""

from __future__ import annotations

import pytest

from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, real_and_drill_chat_fixture, texts

REAL = RoomId("!real:x")
DRILL = RoomId("!drill:x")
ALICE = UserId("@alice:x")


chat = real_and_drill_chat_fixture(REAL, DRILL)


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
