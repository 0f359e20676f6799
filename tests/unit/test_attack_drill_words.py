"""Attacks on drill and reality in the words of a report (outside tester, session 10).

Dutch crisis partners mark every drill message "OEFENING OEFENING OEFENING", and a real
message sent during a drill "GEEN OEFENING" (NATO: "NO PLAY"). The room's binding alone
decided the mode: a drill inject pasted into a real liaison room became a real report
(an extreme one alerting the real coordinators), and a real emergency reported in a
drill room became drill data, seen only by the drill's players: a hidden severe report.
Both are now refused with the reason; nothing is stored.
"""

from __future__ import annotations

import pytest

from commands.message import Relation
from storage.ids import EventId, RoomId, UserId
from tests.support.chat import CoreChat, real_and_drill_chat_fixture, texts

REAL = RoomId("!real:x")
DRILL = RoomId("!drill:x")
ALICE = UserId("@alice:x")


chat = real_and_drill_chat_fixture(REAL, DRILL)


DRILL_MARKED = [
    "!melding evacuatie\nOEFENING OEFENING OEFENING\ngemeente: Dordrecht\nernst: extreem\nDijk.",
    "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nOEFENING - dijk doorgebroken.",
    "!melding evacuatie OEFENING\ngemeente: Dordrecht\nDijk doorgebroken.",
    "!report evacuation\nmunicipality: Dordrecht\nEXERCISE EXERCISE EXERCISE: dike breach.",
]


@pytest.mark.parametrize("body", DRILL_MARKED)
async def test_a_drill_message_in_a_real_room_is_not_a_real_report(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])
    assert "OEFENING" in texts(result[0]) or "EXERCISE" in texts(result[0])


REAL_IN_DRILL = [
    "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nGEEN OEFENING: echte brand sporthal.",
    "!melding evacuatie\nDit is geen oefening! Brand in sporthal De Schans.",
    "!report evacuation\nNO PLAY NO PLAY: real fire in the sports hall.",
]


@pytest.mark.parametrize("body", REAL_IN_DRILL)
async def test_a_real_emergency_in_a_drill_room_is_not_drill_data(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])
    assert "GEEN OEFENING" in texts(result[0]) or "NOT AN EXERCISE" in texts(result[0]).upper()


async def test_an_edit_that_marks_a_real_report_as_drill_is_refused(chat: CoreChat) -> None:
    original, _ = await chat.handle(REAL, ALICE, "!melding evacuatie\ngemeente: Dordrecht\nDijk.")
    edited = "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nOEFENING: dijk weg."
    await chat.handle(
        REAL, ALICE, edited, kind="edit", relation=Relation(replaces=EventId(original))
    )
    (entry,) = await chat.entries()
    assert entry.revision == 1 and "OEFENING" not in entry.text


PLAIN = [
    (REAL, "!melding evacuatie\ngemeente: Dordrecht\nDe oefening van gisteren is afgelast."),
    (DRILL, "!melding evacuatie\ngemeente: Dordrecht\nOEFENING: dijk doorgebroken."),
    (REAL, "!melding evacuatie\ngemeente: Dordrecht\nGEEN OEFENING: echte dijkdoorbraak."),
]


@pytest.mark.parametrize(("room", "body"), PLAIN)
async def test_words_that_fit_the_room_are_recorded(
    chat: CoreChat, room: RoomId, body: str
) -> None:
    _, result = await chat.handle(room, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


async def test_a_drill_report_starting_with_its_marker_keeps_its_fields(chat: CoreChat) -> None:
    """ "OEFENING OEFENING OEFENING" above the fields, as drill messages start: in the
    drill room the fields still count (before, the line turned them all into text)."""
    body = (
        "!melding evacuatie\nOEFENING OEFENING OEFENING\ngemeente: Dordrecht\nernst: extreem\nDijk."
    )
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    (entry,) = await chat.entries()
    assert (entry.municipality, entry.severity) == ("Dordrecht", "Extreme"), texts(result[0])


# A real emergency stops a drill: partners write "OEFENING GESTAAKT" (EXERCISE STOPPED)
# above the real report. Its word OEFENING refused it in the real room ("leave the word
# out"), so the first report of a real emergency was lost at the worst moment.
DRILL_STOPPED = [
    "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nOEFENING GESTAAKT: echte dijkdoorbraak.",
    "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nOEFENING AFGEBROKEN - dijk weg.",
    "!report evacuation\nmunicipality: Dordrecht\nseverity: extreme\nEXERCISE STOPPED: real dike breach.",
]


@pytest.mark.parametrize("body", DRILL_STOPPED)
async def test_a_real_report_that_stops_the_drill_is_recorded_in_the_real_room(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


@pytest.mark.parametrize("body", DRILL_STOPPED)
async def test_a_real_report_that_stops_the_drill_is_refused_in_the_drill_room(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])


async def test_a_drill_stopped_line_above_the_fields_keeps_the_fields(chat: CoreChat) -> None:
    """ "OEFENING GESTAAKT" on its own line above the fields, as "OEFENING OEFENING"
    may stand there: the fields below it still count (the severity alerts)."""
    body = "!melding evacuatie\nOEFENING GESTAAKT\ngemeente: Dordrecht\nernst: extreem\nDijk weg."
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    entries = await chat.entries()
    assert [(e.municipality, e.severity) for e in entries] == [("Dordrecht", "Extreme")], texts(
        result[0]
    )


# English warnings are often written in capitals, and "EXERCISE CAUTION" is their
# everyday phrase: a copied bulletin in a real room is no drill inject.
WARNING_PHRASES = [
    "!report evacuation\nmunicipality: Dordrecht\nGAS LEAK. RESIDENTS SHOULD EXERCISE CAUTION.",
    "!report water\nmunicipality: Dordrecht\nDIKE WEAK - EXERCISE EXTREME CAUTION near the river.",
]


@pytest.mark.parametrize("body", WARNING_PHRASES)
async def test_exercise_caution_in_a_real_room_is_recorded(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


# English health advice in capitals: "exercise" as physical activity, said so by the word
# before it (outdoor, strenuous, avoid ...) or after it (outdoors, indoors). A real
# smog or heat report copied from a bulletin was refused as a drill inject.
HEALTH_ADVICE = [
    "!report health\nmunicipality: Dordrecht\nSMOG ALERT. AVOID OUTDOOR EXERCISE.",
    "!report health\nmunicipality: Dordrecht\nHEAT WAVE: LIMIT STRENUOUS EXERCISE, DRINK WATER",
    "!report health\nmunicipality: Dordrecht\nASTHMA PATIENTS: NO PHYSICAL EXERCISE",
    "!report health\nmunicipality: Dordrecht\nPOOR AIR QUALITY - EXERCISE INDOORS ONLY",
    "!report health\nmunicipality: Dordrecht\nSMOG: PLEASE EXERCISE INDOORS",
]


@pytest.mark.parametrize("body", HEALTH_ADVICE)
async def test_english_health_advice_in_a_real_room_is_recorded(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


# The other direction: EXERCISE as a marker stays one wherever a drill inject puts it
# (first, last, after a colon, in brackets), and repeated also after health advice.
ENGLISH_DRILL = [
    "!report evacuation\nmunicipality: Dordrecht\nEXERCISE - dike breach at the river.",
    "!report evacuation\nmunicipality: Dordrecht\nDike breach at the river. EXERCISE",
    "!report evacuation\nmunicipality: Dordrecht\n[EXERCISE] dike breach, evacuate the street",
    "!report health\nmunicipality: Dordrecht\nSMOG. AVOID OUTDOOR EXERCISE. EXERCISE EXERCISE",
    "!report health\nmunicipality: Dordrecht\nTHIS IS AN EXERCISE: AVOID OUTDOOR ACTIVITY",
    "!report evacuation\nmunicipality: Dordrecht\nEXERCISE OUTSIDE ZWOLLE: dike breach",
    "!report evacuation\nmunicipality: Dordrecht\n*** EXERCISE *** INDOORS evacuation drill",
]


@pytest.mark.parametrize("body", ENGLISH_DRILL)
async def test_an_english_drill_marker_is_still_refused(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])


# Free text that reads as an update is offered as a report ("is dit een melding? ja/nee").
# Drill-marked words in a real room were refused only at the `ja`: the liaison was first
# asked to confirm a report the bot would refuse. Now the offer itself says why not, in
# the room's language, with the same exceptions as reports; nothing is offered.
FREE_DRILL = [
    "update stroom dordrecht: OEFENING nog 800 huishoudens zonder stroom",
    "OEFENING OEFENING OEFENING update stroom dordrecht: nog 800 huishoudens zonder stroom",
    "update stroom dordrecht: EXERCISE nog 800 huishoudens zonder stroom",
]


async def _offers(chat: CoreChat) -> int:
    from sqlalchemy import func, select

    from storage.models import PendingOffer

    async with chat.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(PendingOffer)) or 0)


@pytest.mark.parametrize("body", FREE_DRILL)
async def test_drill_marked_free_text_in_a_real_room_is_refused_at_the_offer(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    said = texts(result[0]) if result else ""
    assert "OEFENING" in said and "Vastleggen als melding" not in said, said
    assert await _offers(chat) == 0
    _, after = await chat.handle(REAL, ALICE, "ja")
    assert await chat.entries() == [], texts(after[0]) if after else ""


FREE_REAL = [
    "update stroom dordrecht: OEFENING GESTAAKT nog 800 huishoudens zonder stroom",
    "update stroom dordrecht: EXERCISE STOPPED nog 800 huishoudens zonder stroom",
    "update stroom dordrecht: nog 800 huishoudens zonder stroom, EXERCISE CAUTION",
]


@pytest.mark.parametrize("body", FREE_REAL)
async def test_free_text_that_stops_the_drill_is_still_offered_in_the_real_room(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result and await _offers(chat) == 1, texts(result[0]) if result else ""


async def test_real_free_text_in_a_drill_room_is_refused_at_the_offer(chat: CoreChat) -> None:
    body = "update stroom dordrecht: GEEN OEFENING nog 800 huishoudens zonder stroom"
    _, result = await chat.handle(DRILL, ALICE, body)
    said = texts(result[0]) if result else ""
    assert "GEEN OEFENING" in said and "Vastleggen als melding" not in said, said
    assert await _offers(chat) == 0


# Session 17: more health advice in capitals that was refused as a drill inject. EXERCISE
# as a verb after a negation or a modal ("DO NOT EXERCISE", "SHOULD NOT EXERCISE"), as a
# noun after a verb of advice with a quantifier ("AVOID ALL EXERCISE", "REFRAIN FROM
# EXERCISE", "NO SPORTS OR EXERCISE"), or advised against in the words after it
# ("EXERCISE NOT RECOMMENDED"); Dutch "LICHAMELIJKE OEFENING" is physical exercise.
MORE_HEALTH_ADVICE = [
    "!report health\nmunicipality: Dordrecht\nSMOG ALERT. DO NOT EXERCISE.",
    "!report health\nmunicipality: Dordrecht\nHEAT: STAY INSIDE, DO NOT EXERCISE",
    "!report health\nmunicipality: Dordrecht\nPLEASE DON'T EXERCISE TODAY",
    "!report health\nmunicipality: Dordrecht\nCHILDREN SHOULD NOT EXERCISE DURING THE HEAT",
    "!report health\nmunicipality: Dordrecht\nELDERLY SHOULDN'T EXERCISE",
    "!report health\nmunicipality: Dordrecht\nAVOID ALL EXERCISE UNTIL FURTHER NOTICE",
    "!report health\nmunicipality: Dordrecht\nREFRAIN FROM EXERCISE",
    "!report health\nmunicipality: Dordrecht\nNO SPORTS OR EXERCISE OUTSIDE",
    "!report health\nmunicipality: Dordrecht\nMINIMISE EXERCISE, KEEP WINDOWS CLOSED",
    "!report health\nmunicipality: Dordrecht\nSMOG - EXERCISE NOT RECOMMENDED",
    "!report health\nmunicipality: Dordrecht\nOUTDOOR SPORT: EXERCISE IS NOT ADVISED",
    "!melding gezondheid\ngemeente: Dordrecht\nSMOG: NIET SPORTEN, VERMIJD LICHAMELIJKE OEFENING",
    "!melding gezondheid\ngemeente: Dordrecht\nHITTE. GEEN ZWARE LICHAMELIJKE OEFENING BUITEN.",
    "!melding gezondheid\ngemeente: Dordrecht\nGeen oefening buiten, niet sporten.",
]


@pytest.mark.parametrize("body", MORE_HEALTH_ADVICE)
async def test_more_health_advice_in_a_real_room_is_recorded(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])


# And the markers beside such advice, or in the same places, stay markers.
DRILL_BESIDE_ADVICE = [
    "!report health\nmunicipality: Dordrecht\nDO NOT EXERCISE. EXERCISE EXERCISE EXERCISE",
    "!report health\nmunicipality: Dordrecht\nDO NOT PANIC. EXERCISE",
    "!report health\nmunicipality: Dordrecht\nDO NOT RESPOND - EXERCISE",
    "!report health\nmunicipality: Dordrecht\nEXERCISE: NOT A REAL DIKE BREACH, AVOID THE AREA",
    "!report health\nmunicipality: Dordrecht\nAVOID THE AREA (EXERCISE)",
    "!report health\nmunicipality: Dordrecht\nEXERCISE ONLY: dike breach",
    "!melding gezondheid\ngemeente: Dordrecht\nNIET SPORTEN. OEFENING",
    "!melding gezondheid\ngemeente: Dordrecht\nOEFENING: LICHAMELIJKE klachten na brand",
    "!melding gezondheid\ngemeente: Dordrecht\nDIT IS EEN OEFENING - VERMIJD LICHAMELIJKE INSPANNING",
]


@pytest.mark.parametrize("body", DRILL_BESIDE_ADVICE)
async def test_a_drill_marker_beside_health_advice_is_still_refused(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])
