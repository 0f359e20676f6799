"""Reading defects of liaison updates (session 19, helper "reading19"): each case is a
message as a liaison types it, through the real path (dispatcher, parser, database),
that was read as something the liaison did not say, or lost a figure they sent."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from storage.metric_kinds import adds_up
from tests.support.chat import CoreChat, texts
from tests.unit.test_reading18 import ALICE, REAL, _report, _stored, chat

__all__ = ["chat"]  # the fixture, shared with test_reading18

_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


async def _offered(chat: CoreChat, body: str) -> str:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    return texts(result[0])


async def _refused(chat: CoreChat, body: str) -> str:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert await _stored(chat) == [], texts(result[0])
    return texts(result[0])


async def _confirmed_figures(chat: CoreChat, body: str) -> list[tuple[str, float, str | None]]:
    await _offered(chat, body)
    await chat.handle(REAL, ALICE, "ja")
    ((_, figures),) = await _stored(chat)
    return [(f.metric, f.value, f.unit) for f in figures]


# 1. "Sporthal De Schans: 200" (no counted word) was a figure named after the shelter:
# 200 of what - people, beds, free places? A coordinator cannot tell, and the count of
# one shelter became a figure of its own name. It is refused with the reason (write what
# is counted); a measurement named after a place ("Waterstand Merwede: 230") stays.
@pytest.mark.parametrize(
    "line",
    [
        "Sporthal De Schans: 200",
        "Dorpshuis De Til: ca. 45",
        "Gemeente Dordrecht: 40",
    ],
)
async def test_a_bare_number_at_a_named_place_is_refused(chat: CoreChat, line: str) -> None:
    reply = await _refused(chat, f"!melding opvang\ngemeente: Dordrecht\n{line}")
    assert "wat" in reply and "mensen" in reply, reply


async def test_a_bare_level_named_after_a_place_is_still_a_figure(chat: CoreChat) -> None:
    _, figures, reply = await _report(chat, "!melding water\nWaterstand Merwede: 230")
    assert [(f.metric, f.value) for f in figures] == [("waterstand_merwede", 230.0)], reply


# 2. "Stand 14.00 uur: 12 gewonden" was a figure named `stand_14_00_uur` with the unit
# "gewonden": it is 12 injured, observed at 14:00.
@pytest.mark.parametrize(
    ("line", "metric", "value", "hour"),
    [
        ("Stand 14.00 uur: 12 gewonden", "gewonden", 12.0, 14),
        ("Stand 19u: 30 mensen", "mensen", 30.0, 19),
        ("Update 15.30u: 80 geevacueerden", "geevacueerden", 80.0, 15),
        ("Per 14.00 uur: 12 gewonden", "gewonden", 12.0, 14),
    ],
)
async def test_a_time_stamp_before_a_count_is_its_time(
    chat: CoreChat, line: str, metric: str, value: float, hour: int
) -> None:
    entry, figures, reply = await _report(chat, f"!melding zorg\ngemeente: Dordrecht\n{line}")
    assert [(f.metric, f.value) for f in figures] == [(metric, value)], reply
    assert entry.observed_at is not None
    assert entry.observed_at.astimezone(_AMSTERDAM).hour == hour, reply


async def test_a_time_stamp_before_a_bare_number_is_refused(chat: CoreChat) -> None:
    reply = await _refused(chat, "!melding zorg\ngemeente: Dordrecht\nStand 14.00 uur: 12")
    assert "wat" in reply, reply


# 3. "200 pp" (per person) was a stock of 200 "pp", summed across shelters; so was
# "2 liter pppd". A rate per person never adds up.
@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("maaltijden: 200 pp", "per persoon"),
        ("maaltijden: 2 p.p", "per persoon"),
        ("water: 2 liter pppd", "liter per persoon per dag"),
        ("water: 2 liter p.p.p.d", "liter per persoon per dag"),
        ("water: 3 liter pp/dag", "liter per persoon per dag"),
    ],
)
async def test_per_person_is_a_rate(chat: CoreChat, line: str, unit: str) -> None:
    _, figures, reply = await _report(chat, f"!melding opvang\ngemeente: Dordrecht\n{line}")
    assert [f.unit for f in figures] == [unit], reply
    assert not adds_up(figures[0].metric, figures[0].unit)


# 4. Free text "gewonden: 3 bij Epe" lost its figure: only "<number> <word>" was read.
@pytest.mark.parametrize(
    ("body", "figure"),
    [
        ("gewonden: 3 bij Epe", ("gewonden", 3.0, None)),
        ("geevacueerden: ca. 200 in Dordrecht", ("geevacueerden", 200.0, None)),
        ("evacuated: 120 people, Dordrecht", ("geevacueerden", 120.0, None)),
        ("doden 2, gewonden 14 (Dordrecht)", ("gewonden", 14.0, None)),
        ("doden 2, gewonden 14 (Dordrecht)", ("doden", 2.0, None)),
    ],
)
async def test_free_text_figure_after_its_name(
    chat: CoreChat, body: str, figure: tuple[str, float, None]
) -> None:
    assert figure in await _confirmed_figures(chat, body)


@pytest.mark.parametrize(
    "body",
    [
        "gewonden: 3 licht, 1 zwaar bij Epe",
        "gewonden: 3 en 4 in Dordrecht",
        "gewonden 2 dagen geleden opgenomen in Dordrecht",
    ],
)
async def test_free_text_figure_after_its_name_only_when_it_is_one(
    chat: CoreChat, body: str
) -> None:
    assert await _confirmed_figures(chat, body) == []


# 5. "Dijkdoorbraak Dordrecht: 200 woningen" was 200 homes at a location "Dijkdoorbraak"
# (an event, not a place); "Dijkdoorbraak bij Dordrecht" at "Dijkdoorbraak bij".
@pytest.mark.parametrize(
    "line",
    [
        "Dijkdoorbraak Dordrecht: 200 woningen",
        "Dijkdoorbraak bij Dordrecht: 200 woningen",
        "Gaslek in Dordrecht: 200 woningen",
    ],
)
async def test_an_event_before_the_town_is_no_location(chat: CoreChat, line: str) -> None:
    entry, figures, reply = await _report(chat, f"!melding water\n{line}")
    assert [(f.metric, f.value) for f in figures] == [("woningen", 200.0)], reply
    assert (entry.municipality, entry.location) == ("Dordrecht", None), reply


async def test_a_shelter_in_its_town_is_the_location(chat: CoreChat) -> None:
    entry, _, reply = await _report(
        chat, "!melding opvang\nSporthal De Schans in Dordrecht: 200 mensen"
    )
    assert (entry.municipality, entry.location) == ("Dordrecht", "Sporthal De Schans"), reply


async def test_free_text_dijkdoorbraak_is_about_water(chat: CoreChat) -> None:
    reply = await _offered(chat, "Dijkdoorbraak Dordrecht: 200 woningen")
    assert "(water" in reply, reply


# 6. Where patients were taken is not where the report is: "patiënten overgebracht naar
# ziekenhuis in Gorinchem" was stored in Gorinchem (the region's picture of Gorinchem).
@pytest.mark.parametrize(
    "body",
    [
        "!melding zorg\npatiënten overgebracht naar ziekenhuis in Gorinchem",
        "!melding zorg\n3 gewonden afgevoerd naar het Beatrixziekenhuis in Gorinchem.",
        "!melding zorg\nTwee bewoners vervoerd naar Gorinchem.",
        "!melding zorg\n2 injured taken to hospital in Gorinchem",
    ],
)
async def test_a_destination_is_no_place(chat: CoreChat, body: str) -> None:
    entry, _, reply = await _report(chat, body)
    assert entry.municipality is None, reply


async def test_the_place_before_a_destination_is_still_the_place(chat: CoreChat) -> None:
    entry, _, reply = await _report(
        chat,
        "!melding zorg\nBrand in Sliedrecht, 3 gewonden overgebracht naar ziekenhuis in Gorinchem",
    )
    assert entry.municipality == "Sliedrecht", reply


async def test_free_text_offers_no_destination_as_place(chat: CoreChat) -> None:
    reply = await _offered(
        chat, "3 gewonden afgevoerd naar Albert Schweitzer ziekenhuis in Dordrecht"
    )
    assert "Dordrecht (" not in reply, reply


# 7. "300 mensen geevacueerd" (no accent, a people word before the participle) was
# offered without its figure.
@pytest.mark.parametrize(
    ("body", "figure"),
    [
        ("300 mensen geevacueerd", ("geevacueerden", 300.0, None)),
        ("Ca 50 mensen geevacueerd uit flat in Zwijndrecht", ("geevacueerden", 50.0, None)),
        ("300 ppl evacuated in Dordrecht", ("geevacueerden", 300.0, None)),
        ("40 bewoners zijn geëvacueerd in Dordrecht", ("geevacueerden", 40.0, None)),
        ("3 mensen gewond bij aanrijding N3", ("gewonden", 3.0, None)),
    ],
)
async def test_free_text_people_before_a_participle(
    chat: CoreChat, body: str, figure: tuple[str, float, None]
) -> None:
    assert figure in await _confirmed_figures(chat, body)


async def test_people_who_must_still_be_evacuated_are_no_evacuees(chat: CoreChat) -> None:
    assert await _confirmed_figures(chat, "300 mensen moeten geevacueerd worden in Dordrecht") == []


# Found trying 30 lines of my own (see the report).
# a. "location: Dordrecht" (a municipality as location) was kept out of its region.
@pytest.mark.parametrize("field", ["location: Dordrecht", "locatie: dordrecht"])
async def test_a_municipality_as_location_is_the_municipality(chat: CoreChat, field: str) -> None:
    entry, _, reply = await _report(chat, f"!melding zorg\n{field}\ngewonden: 5")
    assert (entry.municipality, entry.region) == ("Dordrecht", "Zuid-Holland Zuid"), reply


# b. "Stroomstoring Zwijndrecht: 2300 aansluitingen" was a figure named after the event
# and the town, with no place; "Sporthal De Schans: 200 ppl" a figure named after it.
@pytest.mark.parametrize(
    ("body", "metric", "place"),
    [
        (
            "!melding stroom\nStroomstoring Zwijndrecht: 2300 aansluitingen",
            "aansluitingen",
            "Zwijndrecht",
        ),
        ("!melding opvang\nSporthal De Schans Dordrecht: 200 ppl", "mensen", "Dordrecht"),
    ],
)
async def test_more_counted_words(chat: CoreChat, body: str, metric: str, place: str) -> None:
    entry, figures, reply = await _report(chat, body)
    assert [f.metric for f in figures] == [metric], reply
    assert entry.municipality == place, reply


# c. "gewonden: 12, waarvan 3 ernstig" was refused as "no number" (without the comma it
# was read: 12 with a remark).
async def test_a_remark_after_a_comma_is_still_read(chat: CoreChat) -> None:
    _, figures, reply = await _report(
        chat, "!melding zorg\ngemeente: Dordrecht\ngewonden: 12, waarvan 3 ernstig"
    )
    assert [(f.metric, f.value) for f in figures] == [("gewonden", 12.0)], reply


# d. The stamp written with a clock's colon ("Stand 14:00: 12 gewonden") was a text line:
# the 12 injured were no figure, and every field line below it became text as well.
async def test_a_time_stamp_with_a_colon_before_a_count_is_its_time(chat: CoreChat) -> None:
    entry, figures, reply = await _report(
        chat, "!melding zorg\nStand 14:00: 12 gewonden\ngemeente: Dordrecht"
    )
    assert [(f.metric, f.value) for f in figures] == [("gewonden", 12.0)], reply
    assert entry.municipality == "Dordrecht", reply
    assert entry.observed_at is not None
    assert entry.observed_at.astimezone(_AMSTERDAM).hour == 14, reply


@pytest.mark.parametrize(
    "body",
    [
        "!melding zorg\ngemeente: Dordrecht\ntijd: 15:00\nStand 14.00 uur: 12 gewonden",
        "!melding zorg\ngemeente: Dordrecht\nStand 14.00 uur: 12 gewonden\ntijd: 15:00",
    ],
)
async def test_a_stamp_that_is_not_the_reports_time_is_refused(chat: CoreChat, body: str) -> None:
    reply = await _refused(chat, body)
    assert "Stand 14.00 uur" in reply, reply


async def test_a_stamp_before_a_sentence_stays_text(chat: CoreChat) -> None:
    entry, figures, reply = await _report(
        chat, "!melding zorg\ngemeente: Dordrecht\n\nUpdate 14.00 uur: situatie stabiel"
    )
    assert figures == [] and "situatie stabiel" in entry.text, reply


# e. Found in a second round: a figure after its name followed by the town or "near"
# ("gewonden:3 Dordrecht", "injured: 5 near Dordrecht") was still lost; evacuees taken
# to a shelter elsewhere ("geëvacueerd naar sporthal in Gorinchem") were offered there.
@pytest.mark.parametrize(
    ("body", "figure"),
    [
        ("gewonden:3 Dordrecht", ("gewonden", 3.0, None)),
        ("injured: 5 near Dordrecht", ("gewonden", 5.0, None)),
    ],
)
async def test_free_text_figure_after_its_name_before_a_town(
    chat: CoreChat, body: str, figure: tuple[str, float, None]
) -> None:
    assert figure in await _confirmed_figures(chat, body)


async def test_free_text_evacuated_to_a_town_offers_no_place(chat: CoreChat) -> None:
    reply = await _offered(chat, "300 inwoners geëvacueerd naar sporthal in Gorinchem")
    assert "Gorinchem (" not in reply, reply


# f. Free text with a field line under its first line ("3 gewonden bij brand" then
# "gemeente: Dordrecht") lost the figure of its first line: read as a report without its
# command, that line became the text and only the fields were read. Alone on a line the
# same words are offered with the figure.
@pytest.mark.parametrize(
    "body",
    [
        "3 gewonden bij brand\ngemeente: Dordrecht",
        "Stand 14.00 uur: 12 gewonden\ngemeente: Dordrecht",
    ],
)
async def test_free_text_first_line_keeps_its_figure_above_fields(
    chat: CoreChat, body: str
) -> None:
    figures = await _confirmed_figures(chat, body)
    assert [metric for metric, _, _ in figures] == ["gewonden"], figures


# g. Found checking fix 1: a figure's name typed in Title Case ("Zandzakken Geleverd:
# 500") is no place's name; it stays a figure named as typed, not refused as "500 what?".
async def test_a_title_case_figure_name_with_a_bare_number_stays_a_figure(
    chat: CoreChat,
) -> None:
    _, figures, reply = await _report(
        chat, "!melding water\ngemeente: Dordrecht\nZandzakken Geleverd: 500"
    )
    assert [(f.metric, f.value) for f in figures] == [("zandzakken_geleverd", 500.0)], reply


@pytest.mark.parametrize("line", ["Sporthal Schenkeldijk: 200", "Hotel Van der Valk: 40"])
async def test_a_bare_number_at_a_building_is_refused(chat: CoreChat, line: str) -> None:
    reply = await _refused(chat, f"!melding opvang\ngemeente: Dordrecht\n{line}")
    assert "wat" in reply, reply
