"""Attack on the drill words of a report (helper "attack14", session 16): a real
emergency said in other words than the ones listed.

In a room on a real incident a report whose words say OEFENING is refused ("leave the
word out"), unless they say it is real: "GEEN OEFENING", "OEFENING GESTAAKT". People in
a hurry write the emphasis Dutch uses ("GÉÉN OEFENING": accents make `geen` another
word for a regular expression), "NIET EEN OEFENING", "dit is geen oefening maar echt",
or that the drill ended ("OEFENING BEËINDIGD", "OEFENING AFGELAST"): each of these
refused the first report of a real emergency, an extreme one, at the worst moment. In
a drill room the same words still refuse (the real emergency does not become drill data).
"""

from __future__ import annotations

import pytest

from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, real_and_drill_chat_fixture, texts

REAL = RoomId("!real:x")
DRILL = RoomId("!drill:x")
ALICE = UserId("@alice:x")


chat = real_and_drill_chat_fixture(REAL, DRILL)


HEAD = "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\n"
SAID_REAL = [
    HEAD + "Dit is GÉÉN OEFENING: dijk doorgebroken bij Wijk.",
    HEAD + "géén oefening! Dijk doorgebroken.",
    HEAD + "NIET EEN OEFENING - dijk doorgebroken.",
    HEAD + "OEFENING BEËINDIGD: echte dijkdoorbraak.",
    HEAD + "OEFENING BEEINDIGD, echte dijkdoorbraak.",
    HEAD + "OEFENING AFGELAST, echte dijkdoorbraak.",
]


@pytest.mark.parametrize("body", SAID_REAL)
async def test_a_real_emergency_in_other_words_is_recorded_in_the_real_room(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    entries = await chat.entries()
    assert [e.severity for e in entries] == ["Extreme"], texts(result[0])


@pytest.mark.parametrize("body", SAID_REAL)
async def test_the_same_words_are_refused_in_the_drill_room(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])


# The drill's own marker as people type it when not in capitals: "Oefening oefening
# oefening" above an inject. Only OEFENING in capitals counted, so a drill inject
# pasted into a real room was filed as a real extreme report (the real coordinators
# alerted). A single "oefening" in a sentence stays ordinary text.
DRILL_REPEATED = [
    "!melding evacuatie\nOefening oefening oefening\ngemeente: Dordrecht\nernst: extreem\nDijk.",
    HEAD + "oefening, oefening, oefening: dijk doorgebroken.",
    "!report evacuation\nmunicipality: Dordrecht\nExercise exercise exercise: dike breach.",
]


@pytest.mark.parametrize("body", DRILL_REPEATED)
async def test_a_repeated_drill_marker_in_any_case_is_not_a_real_report(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])


@pytest.mark.parametrize("body", DRILL_REPEATED)
async def test_a_repeated_drill_marker_is_recorded_in_the_drill_room(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


# The same words on a line of their own above the fields, as "GEEN OEFENING" may stand:
# the line was read as the start of the text, so `ernst: extreem` below it became text
# and the report was stored as of unknown severity, no coordinator alerted.
@pytest.mark.parametrize(
    "said", ["GÉÉN OEFENING", "NIET EEN OEFENING", "OEFENING BEËINDIGD", "OEFENING AFGELAST"]
)
async def test_a_real_line_above_the_fields_keeps_the_fields(chat: CoreChat, said: str) -> None:
    body = f"!melding evacuatie\n{said}\ngemeente: Dordrecht\nernst: extreem\nDijk weg."
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    entries = await chat.entries()
    assert [(e.municipality, e.severity) for e in entries] == [("Dordrecht", "Extreme")], texts(
        result[0]
    )
