"""Reading defects found reviewing session 18's reading changes (helper "review18b"):
each case is a message as a liaison types it, through the real path (dispatcher,
parser, database), read wrongly with confidence or lost."""

from __future__ import annotations

import pytest

from storage.metric_kinds import adds_up
from tests.support.chat import CoreChat, texts
from tests.unit.test_reading18 import ALICE, REAL, _report, _stored, chat

__all__ = ["chat"]  # the fixture, shared with test_reading18


async def _offered(chat: CoreChat, body: str) -> str:
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    return texts(result[0])


async def _place(chat: CoreChat, body: str) -> tuple[str | None, str]:
    """The municipality of the report `body` as stored, and the bot's reply."""
    entry, _, reply = await _report(chat, body)
    return entry.municipality, reply


# 1. An acronym before a town made it another name ("RTV Utrecht"), also where the
# acronym is a kind of building in that town: "opvang in AZC Dordrecht" gave no place.
@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("!melding opvang\nopvang in AZC Dordrecht, 40 mensen", "Dordrecht"),
        ("!melding opvang\nOpvang in MFC Dordrecht tot nader order.", "Dordrecht"),
        ("!melding opvang\nAZC Dordrecht ontruimd, bewoners naar sporthal.", "Dordrecht"),
        ("!melding opvang\nBewoners AZC Dordrecht ondergebracht in sporthal.", "Dordrecht"),
        # An organisation after a place word is still an organisation's name.
        ("!melding overig\nInterview gegeven bij RTV Utrecht.", None),
        ("!melding zorg\nGGD Utrecht meldt extra drukte op de spoedpost.", None),
    ],
)
async def test_a_building_acronym_before_a_town_leaves_the_town_a_place(
    chat: CoreChat, body: str, place: str | None
) -> None:
    stored, reply = await _place(chat, body)
    assert stored == place, reply


# 2. A district after its town ("Utrecht Overvecht") was read as another proper name.
@pytest.mark.parametrize(
    "body",
    [
        "!melding stroom\nStroomstoring Utrecht Overvecht, 300 huishoudens.",
        "!melding stroom\nstroomstoring in Utrecht Overvecht sinds 14.00",
        "!melding stroom\nUtrecht Overvecht: stroom uit sinds 14.00",
    ],
)
async def test_a_district_after_its_town_is_in_that_town(chat: CoreChat, body: str) -> None:
    place, reply = await _place(chat, body)
    assert place == "Utrecht", reply


async def test_free_text_offers_the_town_before_a_district(chat: CoreChat) -> None:
    reply = await _offered(chat, "stroomstoring Utrecht Overvecht, 300 huishoudens zonder stroom")
    assert "Utrecht (Utrecht)" in reply, reply


# 3. Free text "3 en 4 gewonden" was offered and stored as exactly 4 injured.
@pytest.mark.parametrize(
    "body", ["3 en 4 gewonden bij Dordrecht", "300 and 400 evacuees in Dordrecht"]
)
async def test_free_text_numbers_joined_by_en_are_no_exact_figure(
    chat: CoreChat, body: str
) -> None:
    await _offered(chat, body)
    await chat.handle(REAL, ALICE, "ja")
    stored = await _stored(chat)
    assert all(figures == [] for _, figures in stored), stored


# 4. "1 dode" was no figure while "2 doden" was: one death lost from the count.
@pytest.mark.parametrize(
    ("body", "metric", "value"),
    [
        ("1 dode en 3 gewonden in Dordrecht", "doden", 1.0),
        ("aanrijding N3 Dordrecht, 1 gewonde", "gewonden", 1.0),
        ("1 dode bij brand in Sliedrecht", "doden", 1.0),
    ],
)
async def test_a_singular_count_in_free_text_is_a_figure(
    chat: CoreChat, body: str, metric: str, value: float
) -> None:
    await _offered(chat, body)
    await chat.handle(REAL, ALICE, "ja")
    ((_, figures),) = await _stored(chat)
    assert (metric, value) in [(f.metric, f.value) for f in figures], figures


async def test_dead_fish_are_no_deaths(chat: CoreChat) -> None:
    await _offered(chat, "100 dode vissen in de haven van Dordrecht")
    await chat.handle(REAL, ALICE, "ja")
    stored = await _stored(chat)
    assert all(f.metric != "doden" for _, figures in stored for f in figures), stored


@pytest.mark.parametrize(("line", "metric"), [("dode: 1", "doden"), ("Gewonde: 1", "gewonden")])
async def test_a_singular_figure_key_is_the_vocabulary_figure(
    chat: CoreChat, line: str, metric: str
) -> None:
    _, figures, reply = await _report(chat, f"!melding zorg\ngemeente: Dordrecht\n{line}")
    assert [(f.metric, f.value) for f in figures] == [(metric, 1.0)], reply


# 5. "p.d." and "p/u" after a number were a unit of a stock: summed across sources.
@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("water uitgedeeld: 300 liter p.d.", "liter per dag"),
        ("water uitgedeeld: 300 liter p/d", "liter per dag"),
        ("geevacueerden: 200 p/u", "per uur"),
        ("geevacueerden: 200 p.u.", "per uur"),
    ],
)
async def test_a_rate_abbreviation_is_a_rate(chat: CoreChat, line: str, unit: str) -> None:
    _, figures, reply = await _report(chat, f"!melding water\ngemeente: Dordrecht\n{line}")
    assert [f.unit for f in figures] == [unit], reply
    assert not adds_up(figures[0].metric, figures[0].unit)


async def test_a_rate_abbreviation_in_free_text_is_a_rate(chat: CoreChat) -> None:
    reply = await _offered(chat, "evacuatie Dordrecht loopt: 200 geevacueerden p/u")
    assert "per uur" in reply, reply


# Found attacking: a count under "<something> <town>:" was filed at a location of that
# whole name with no municipality (out of the town's region picture), and an event word
# before the town ("Stroomuitval Dordrecht") became a location.
@pytest.mark.parametrize(
    ("body", "place", "location"),
    [
        ("!melding stroom\nStroomuitval Dordrecht: 1200 huishoudens", "Dordrecht", None),
        # The town is the municipality, not part of the location: "Sporthal De Schans
        # Dordrecht" beside "locatie: Sporthal De Schans" were two sources, summed.
        (
            "!melding opvang\nSporthal De Schans Dordrecht: 200 mensen",
            "Dordrecht",
            "Sporthal De Schans",
        ),
        (
            "!melding opvang\nlocatie: Sporthal De Schans\nSporthal De Schans Dordrecht: 200 mensen",
            "Dordrecht",
            "Sporthal De Schans",
        ),
        (
            "!melding opvang\nSporthal De Schans Den Bosch: 20 mensen",
            "'s-Hertogenbosch",
            "Sporthal De Schans",
        ),
    ],
)
async def test_a_count_under_a_name_with_its_town_is_in_that_town(
    chat: CoreChat, body: str, place: str, location: str | None
) -> None:
    entry, figures, reply = await _report(chat, body)
    assert (entry.municipality, entry.location) == (place, location), reply
    assert len(figures) == 1, reply


# Found attacking: "p.p.p.d." (per person per day) was a stock's unit, summed.
@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("noodwater: 3 liter p.p.p.d.", "liter per persoon per dag"),
        ("noodwater: 3 l p.p.", "l per persoon"),
    ],
)
async def test_a_per_person_rate_is_a_rate(chat: CoreChat, line: str, unit: str) -> None:
    _, figures, reply = await _report(chat, f"!melding water\ngemeente: Dordrecht\n{line}")
    assert [f.unit for f in figures] == [unit], reply
    assert not adds_up(figures[0].metric, figures[0].unit)


# Found attacking: "Den Bosch", as everyone calls 's-Hertogenbosch, was no place.
@pytest.mark.parametrize(
    "body",
    [
        "!melding stroom\nstroomstoring in Den Bosch, 400 huishoudens",
        "!melding stroom\nStroomstoring Den Bosch Oost",
    ],
)
async def test_den_bosch_is_s_hertogenbosch(chat: CoreChat, body: str) -> None:
    place, reply = await _place(chat, body)
    assert place == "'s-Hertogenbosch", reply


# Found attacking: a hotel brand first in free text hid the real place after it:
# "Best Western vol, gasten naar Eindhoven" was chatter (no place, no offer).
async def test_free_text_offers_the_place_after_a_hotel_brand(chat: CoreChat) -> None:
    reply = await _offered(chat, "Best Western vol, gasten naar Eindhoven")
    assert "Eindhoven" in reply and "Best (" not in reply, reply


# "bij Best Western" after a place word was read as Best (fixed with defect 1: the
# brand's second word makes it another name whatever stands before).
async def test_a_hotel_brand_after_a_place_word_is_no_place(chat: CoreChat) -> None:
    place, reply = await _place(
        chat, "!melding opvang\nGasten ondergebracht bij Best Western aan de A2."
    )
    assert place is None, reply


# Found attacking: a label typed in Title Case before a count became a location (and the
# figure lost its name): "Nog Vrij: 50 plekken" was 50 "plekken" at location "Nog Vrij",
# a date or a person the same. Before the counts-at-a-place reading it was a figure named
# as typed; it is again.
@pytest.mark.parametrize(
    ("line", "metric"),
    [
        ("Nog Vrij: 50 plekken", "nog_vrij"),
        ("Maandag 14 Dec: 200 mensen", "maandag_14_dec"),
        ("Dhr Jansen: 2 personen", "dhr_jansen"),
        ("Capaciteit Sporthal: 300 bedden", "capaciteit_sporthal"),
        ("Totaal Opgevangen: 245 mensen", "totaal_opgevangen"),
    ],
)
async def test_a_title_case_label_before_a_count_is_no_location(
    chat: CoreChat, line: str, metric: str
) -> None:
    entry, figures, reply = await _report(chat, f"!melding opvang\ngemeente: Dordrecht\n{line}")
    assert entry.location is None, reply
    assert [f.metric for f in figures] == [metric], reply


# Found attacking: "gemeente: Den Bosch" was stored as a municipality "Den Bosch", apart
# from 's-Hertogenbosch (which the text now reads): one town under two names.
async def test_gemeente_den_bosch_is_s_hertogenbosch(chat: CoreChat) -> None:
    place, reply = await _place(chat, "!melding opvang\ngemeente: Den Bosch\nOpvang vol.")
    assert place == "'s-Hertogenbosch", reply


# Found attacking: "geevacueerden: 40 + 12" was stored as exactly 40 (the unit "+ 12").
@pytest.mark.parametrize("line", ["geevacueerden: 40 + 12", "gewonden: 3 & 1"])
async def test_a_sum_without_words_is_refused(chat: CoreChat, line: str) -> None:
    _, result = await chat.handle(REAL, ALICE, f"!melding zorg\ngemeente: Dordrecht\n{line}")
    assert result is not None
    assert await _stored(chat) == [], texts(result[0])
    assert "totaal" in texts(result[0]), texts(result[0])


# Found attacking: "p/dag" kept as typed (a rate, but shown so); written out like p/u.
async def test_p_slash_dag_is_per_dag(chat: CoreChat) -> None:
    _, figures, reply = await _report(
        chat, "!melding opvang\ngemeente: Dordrecht\ngeevacueerden: 1.200 p/dag"
    )
    assert [f.unit for f in figures] == ["per dag"], reply


# Found attacking: free text naming two towns offered the first as the place: "20
# mensen van Dordrecht naar Sliedrecht gebracht" was offered in Dordrecht (a !melding
# names none).
async def test_free_text_naming_two_towns_offers_no_place(chat: CoreChat) -> None:
    reply = await _offered(chat, "20 mensen van Dordrecht naar Sliedrecht gebracht, opvang vol")
    assert "Dordrecht (" not in reply and "Sliedrecht (" not in reply, reply


# Found attacking: "COA Dordrecht: 40 mensen extra" (the COA's location in Dordrecht) was
# chatter: the town read as an organisation's name, nothing else made it an update.
async def test_a_coa_location_is_in_its_town(chat: CoreChat) -> None:
    reply = await _offered(chat, "COA Dordrecht: 40 mensen extra")
    assert "Dordrecht (Zuid-Holland Zuid)" in reply, reply


# Found attacking: a singular count before a time or a participle was lost.
@pytest.mark.parametrize(
    "body", ["dijk Goes 1 gewonde afgevoerd", "Stroom in Best hersteld, 1 gewonde gisteren"]
)
async def test_a_singular_count_before_a_participle_or_time_is_read(
    chat: CoreChat, body: str
) -> None:
    reply = await _offered(chat, body)
    assert "gewonde 1" in reply, reply


async def test_free_text_naming_a_town_of_several_words_offers_it(chat: CoreChat) -> None:
    """ "Bergen op Zoom" holds "Bergen": one town, offered (not two, none)."""
    reply = await _offered(chat, "stroomstoring in Bergen op Zoom, 300 huishoudens")
    assert "Bergen op Zoom (" in reply, reply


# Found attacking: free text never offered a town whose name starts with "'s-": its
# words are read without the apostrophe, the table's names with it.
@pytest.mark.parametrize(
    ("body", "place"),
    [
        ("40 geevacueerden in 's-Hertogenbosch", "'s-Hertogenbosch ("),
        ("stroom uit in 's-Gravenhage", "'s-Gravenhage ("),
        ("'S-HERTOGENBOSCH: 40 geevacueerden", "'s-Hertogenbosch ("),
    ],
)
async def test_free_text_offers_a_town_with_s(chat: CoreChat, body: str, place: str) -> None:
    reply = await _offered(chat, body)
    assert place in reply, reply
