"""Reading defects of liaison updates (session 18, helper "reading"): each case is a
message as a liaison types it, through the real path (dispatcher, parser, database),
that was read as something the liaison did not say."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.ids import RoomId, UserId
from storage.metric_kinds import adds_up
from storage.models import EntryFigure, SituationEntry
from tests.support.chat import CoreChat, real_and_drill_chat_fixture, texts

REAL = RoomId("!real:x")
DRILL = RoomId("!drill:x")
ALICE = UserId("@alice:x")


chat = real_and_drill_chat_fixture(REAL, DRILL)


async def _stored(chat: CoreChat) -> list[tuple[SituationEntry, list[EntryFigure]]]:
    async with chat.db.session() as session:
        entries = list(await session.scalars(select(SituationEntry).order_by(SituationEntry.id)))
        out = []
        for entry in entries:
            query = select(EntryFigure).where(EntryFigure.entry_id == entry.id)
            out.append((entry, list(await session.scalars(query))))
        return out


async def _report(chat: CoreChat, body: str) -> tuple[SituationEntry, list[EntryFigure], str]:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    stored = await _stored(chat)
    assert stored, texts(result[0])
    entry, figures = stored[-1]
    return entry, figures, texts(result[0])


# 1. A hotel brand or an organisation whose name holds a municipality's is no place
# statement: "Hotel Best Western" was stored in Best, "RTV Utrecht" in Utrecht.
@pytest.mark.parametrize(
    "body",
    [
        "!melding opvang\nGasten ondergebracht in Hotel Best Western aan de A2.",
        "!melding opvang\nHotel Best Western heeft nog 20 kamers vrij.",
        "!melding overig\nInterview gegeven aan RTV Utrecht over de situatie.",
        "!melding overig\nRTV Utrecht meldt files op de A12.",
        "!melding overig\nFC Utrecht stelt stadion beschikbaar als opvang.",
    ],
)
async def test_an_organisation_named_after_a_municipality_is_no_place(
    chat: CoreChat, body: str
) -> None:
    entry, _, reply = await _report(chat, body)
    assert entry.municipality is None, reply


@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("!melding stroom\nstroomstoring in Sliedrecht sinds 14.30u", "Sliedrecht"),
        ("!melding stroom\nin Best is de stroom uit", "Best"),
        ("!melding stroom\nIn Best is de stroom uit.", "Best"),
        ("!melding opvang\nUtrecht: 40 mensen opgevangen", "Utrecht"),
        ("!melding opvang\nOpvang in Utrecht Centraal voor gestrande reizigers.", "Utrecht"),
        ("!melding stroom\nStroomstoring Den Haag Zuid, 300 huishoudens.", "Den Haag"),
        # A shelter's name before its town: the town is the place.
        ("!melding opvang\nOpvang in Sporthal De Schans Dordrecht, 200 mensen.", "Dordrecht"),
    ],
)
async def test_a_place_statement_is_still_read(chat: CoreChat, body: str, place: str) -> None:
    entry, _, reply = await _report(chat, body)
    assert entry.municipality == place, reply


async def test_free_text_offers_the_town_after_a_shelters_name(chat: CoreChat) -> None:
    _, result = await chat.handle(
        REAL, ALICE, "opvang sporthal De Schans Dordrecht: 200 mensen, nog 50 plekken vrij"
    )
    assert result is not None
    assert "Dordrecht (Zuid-Holland Zuid)" in texts(result[0]), texts(result[0])


async def test_free_text_offers_no_place_for_a_hotel_brand(chat: CoreChat) -> None:
    """The free-text offer names the place it would record: the same reading."""
    _, result = await chat.handle(
        REAL, ALICE, "Opvang: 20 gasten ondergebracht in Hotel Best Western"
    )
    assert result is not None
    assert "Best" not in texts(result[0]).replace("Best Western", ""), texts(result[0])
    assert "Brabant" not in texts(result[0]), texts(result[0])


# 2. "Sporthal De Schans: 200 mensen." (a full stop) was text, without it a figure named
# after the shelter ("sporthal_de_schans" = 200 "mensen"). Both are a count of people at
# that location: the figure is named for what is counted, the shelter is the report's
# location (one source of figures, `entries.location_key`).
@pytest.mark.parametrize(
    "line",
    [
        "Sporthal De Schans: 200 mensen.",
        "Sporthal De Schans: 200 mensen",
        "Sporthal De Schans: 200 mensen!",
    ],
)
async def test_a_count_at_a_named_shelter_is_a_figure_at_that_location(
    chat: CoreChat, line: str
) -> None:
    entry, figures, reply = await _report(chat, f"!melding opvang\ngemeente: Dordrecht\n{line}")
    assert [(f.metric, f.value, f.unit) for f in figures] == [("mensen", 200.0, None)], reply
    assert (entry.location, entry.municipality) == ("Sporthal De Schans", "Dordrecht"), reply


async def test_an_estimated_count_at_a_shelter_keeps_its_estimate(chat: CoreChat) -> None:
    entry, figures, reply = await _report(
        chat, "!melding opvang\nDorpshuis De Til: ca. 45 personen."
    )
    assert [(f.metric, f.value, f.estimate) for f in figures] == [("mensen", 45.0, True)], reply
    assert entry.location == "Dorpshuis De Til", reply


async def test_a_count_under_a_municipality_heading_is_there(chat: CoreChat) -> None:
    entry, figures, reply = await _report(chat, "!melding opvang\nUtrecht: 40 mensen")
    assert [(f.metric, f.value) for f in figures] == [("mensen", 40.0)], reply
    assert entry.municipality == "Utrecht", reply


@pytest.mark.parametrize(
    "body",
    [
        # Two shelters in one report: one report has one location, so neither count is
        # filed under the other's name; both lines stay the report's text.
        "!melding opvang\nSporthal De Schans: 200 mensen\nDorpshuis De Til: 45 mensen",
        # A location named otherwise: the count is not moved there.
        "!melding opvang\nlocatie: Dorpshuis De Til\nSporthal De Schans: 200 mensen.",
    ],
)
async def test_counts_at_two_locations_stay_text(chat: CoreChat, body: str) -> None:
    entry, figures, reply = await _report(chat, body)
    assert figures == [], reply
    assert "Sporthal De Schans: 200 mensen" in entry.text, reply


async def test_a_measurement_named_after_a_place_is_still_its_own_figure(chat: CoreChat) -> None:
    """Only a count of people, places or homes is moved to a location: a level stays."""
    _, figures, reply = await _report(chat, "!melding water\nWaterstand Merwede: 230 centimeter")
    assert [(f.metric, f.value) for f in figures] == [("waterstand_merwede", 230.0)], reply


# 3. A rate ("300 liter per dag", "200 mensen per uur") is no stock: its unit says "per",
# and the picture shows sources of a rate low-high instead of their sum
# (storage/metric_kinds.adds_up). A field's rate of three words was text (a unit may be
# two words), and free text read "200 geëvacueerden per uur" as 200 evacuees, summed.
@pytest.mark.parametrize(
    ("line", "metric", "value", "unit"),
    [
        ("water uitgedeeld: 300 liter per dag", "water_uitgedeeld", 300.0, "liter per dag"),
        ("opgevangen: 200 mensen per uur", "opgevangen", 200.0, "mensen per uur"),
        ("geevacueerden: ca. 200 per uur", "geevacueerden", 200.0, "per uur"),
        ("geevacueerden: 200/uur", "geevacueerden", 200.0, "per uur"),
        ("instroom: 50 mensen/uur", "instroom", 50.0, "mensen/uur"),
    ],
)
async def test_a_rate_is_read_as_a_rate(
    chat: CoreChat, line: str, metric: str, value: float, unit: str
) -> None:
    _, figures, reply = await _report(chat, f"!melding water\ngemeente: Dordrecht\n{line}")
    assert [(f.metric, f.value, f.unit) for f in figures] == [(metric, value, unit)], reply
    assert not adds_up(figures[0].metric, figures[0].unit)


async def test_a_rate_in_free_text_is_a_rate(chat: CoreChat) -> None:
    _, result = await chat.handle(
        REAL, ALICE, "update evacuatie dordrecht: 200 geevacueerden per uur via de N3"
    )
    assert result is not None
    assert "per uur" in texts(result[0]), texts(result[0])
    await chat.handle(REAL, ALICE, "ja")
    ((_, figures),) = await _stored(chat)
    assert [(f.metric, f.value, f.unit) for f in figures] == [("geevacueerden", 200.0, "per uur")]


# 4. "gewonden: 3 en 4 duizend" was stored as exactly 3 (with the unit "en 4 duizend"). A
# figure the bot cannot read is refused with the reason, as other unreadable ranges are
# ("4 duizend - 3 duizend"); nothing is stored until the liaison writes it readably.
@pytest.mark.parametrize(
    "value", ["3 en 4 duizend", "3 and 4 thousand", "3 en 4", "300 en 400 personen"]
)
async def test_a_figure_joined_by_en_is_not_stored_as_its_first_number(
    chat: CoreChat, value: str
) -> None:
    _, result = await chat.handle(
        REAL, ALICE, f"!melding zorg\ngemeente: Dordrecht\ngewonden: {value}"
    )
    assert result is not None
    assert await _stored(chat) == [], texts(result[0])
    assert "niet opgeslagen" in texts(result[0]) and value in texts(result[0]), texts(result[0])


async def test_tussen_3_en_4_duizend_is_still_a_range(chat: CoreChat) -> None:
    _, figures, reply = await _report(
        chat, "!melding zorg\ngemeente: Dordrecht\ngewonden: tussen 3 en 4 duizend"
    )
    assert [(f.metric, f.value, f.estimate) for f in figures] == [("gewonden", 3500.0, True)], reply


# 5. A real emergency said in a drill room must not be filed as drill data nor pass
# unanswered: "THIS IS NO EXERCISE" was not read as real (only "not an exercise" was),
# and a message that only says "DIT IS GEEN OEFENING" got no answer at all.
@pytest.mark.parametrize(
    "body",
    [
        "!melding evacuatie\nTHIS IS NO EXERCISE: dike breach in Dordrecht",
        "!melding evacuatie\nTHIS IS NO EXERCISE\ngemeente: Dordrecht\nernst: extreem\nDijk weg.",
        "THIS IS NO EXERCISE dijk doorgebroken bij Dordrecht, 30 gewonden",
    ],
)
async def test_no_exercise_in_a_drill_room_is_refused_as_real(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert await _stored(chat) == [], texts(result[0])
    assert "GEEN OEFENING" in texts(result[0]), texts(result[0])
    assert "Vastleggen" not in texts(result[0]), texts(result[0])


@pytest.mark.parametrize(
    "body", ["DIT IS GEEN OEFENING", "THIS IS NO EXERCISE", "Dit is géén oefening!", "NO PLAY"]
)
async def test_a_bare_real_marker_in_a_drill_room_is_answered(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(DRILL, ALICE, body)
    assert result is not None
    assert "echte coördinatoren" in texts(result[0]), texts(result[0])
    assert await _stored(chat) == []


async def test_a_bare_real_marker_in_a_real_room_is_chatter(chat: CoreChat) -> None:
    _, result = await chat.handle(REAL, ALICE, "DIT IS GEEN OEFENING")
    assert result is not None
    assert texts(result[0]) == ""


# Found while trying updates: "gewonden: 3 licht, 1 zwaar" was stored as exactly 3
# injured (the unit "licht, 1 zwaar"); there are 4. A count given in parts is refused
# with the reason (write the total), as other figures the bot cannot read are.
@pytest.mark.parametrize(
    "line",
    [
        "gewonden: 3 licht, 1 zwaar",
        "gewonden: 3 licht en 1 zwaar",
        "geevacueerden: 40 volwassenen + 12 kinderen",
    ],
)
async def test_a_count_in_parts_is_not_stored_as_its_first_part(chat: CoreChat, line: str) -> None:
    _, result = await chat.handle(REAL, ALICE, f"!melding zorg\ngemeente: Dordrecht\n{line}")
    assert result is not None
    assert await _stored(chat) == [], texts(result[0])
    assert "totaal" in texts(result[0]), texts(result[0])


async def test_an_unknown_count_in_parts_stays_text(chat: CoreChat) -> None:
    """A figure the vocabulary does not know, with more than a short unit, is text."""
    line = "opgevangen: 20 volwassenen, 5 kinderen"
    entry, figures, reply = await _report(chat, f"!melding opvang\ngemeente: Dordrecht\n{line}")
    assert figures == [] and line in entry.text, reply


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("gewonden: 12 waarvan 3 kinderen", 12.0),
        ("gewonden: 3 (waarvan 1 ernstig)", 3.0),
        ("opvangplekken beschikbaar: 45 van 200", 45.0),
    ],
)
async def test_a_count_with_a_remark_is_still_read(chat: CoreChat, line: str, value: float) -> None:
    _, figures, reply = await _report(chat, f"!melding zorg\ngemeente: Dordrecht\n{line}")
    assert [f.value for f in figures] == [value], reply


async def test_a_count_under_gemeente_and_its_name_is_in_that_municipality(
    chat: CoreChat,
) -> None:
    entry, figures, reply = await _report(chat, "!melding opvang\nGemeente Dordrecht: 40 mensen")
    assert [(f.metric, f.value) for f in figures] == [("mensen", 40.0)], reply
    assert (entry.municipality, entry.location) == ("Dordrecht", None), reply
