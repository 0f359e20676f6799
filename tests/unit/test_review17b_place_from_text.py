"""Hostile review (session 17, review17b): the place a `!melding` without `gemeente:`
takes from its text (`text_municipality`). Each case here was a wrong place."""

from __future__ import annotations

import pytest

from commands.report_parser import Vocabulary, text_municipality
from storage.regions import RegionTable

VOCAB = Vocabulary(RegionTable())


@pytest.mark.parametrize(
    "text",
    [
        # The word before a name was taken across a sentence end: "uit." made "Sluis 3"
        # (a lock) the municipality Sluis, in Zeeland.
        "Stroom valt uit. Sluis 3 is dicht.",
        "Hulp komt van. Bergen zandzakken gevuld.",
        # A road's direction is no place: the A2 towards Weert is not in Weert.
        "A2 dicht richting Weert",
        "File op de A15 richting Utrecht na dijkdoorbraak",
        "Verkeer omgeleid via Gorinchem",
        "Traffic diverted towards Utrecht",
        # A person's name after a title, a building's name after a capitalised article.
        "meneer Stein is opgehaald door de ambulance",
        "Mevrouw Best (82) geëvacueerd",
        "familie Goes heeft onderdak",
        "Opvang in sporthal De Bergen",
        "Storing bij gemaal De Sluis",
    ],
)
def test_no_false_place_from_text(text: str) -> None:
    assert text_municipality(text, VOCAB) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Stroom valt uit. In Sliedrecht 1200 huishoudens zonder stroom.", "Sliedrecht"),
        ("Schade in het Westland", "Westland"),
        ("de Hoeksche Waard is getroffen", "Hoeksche Waard"),
        ("Wateroverlast in De Ronde Venen", "De Ronde Venen"),
        ("Evacuatie in Den Haag gestart", "Den Haag"),
        ("Opvang in de kerk van Bergen", "Bergen"),
    ],
)
def test_real_places_from_text_still_read(text: str, place: str) -> None:
    assert text_municipality(text, VOCAB) == place


@pytest.mark.parametrize(
    "text",
    [
        # A province or a safety region of the same name is no municipality.
        "Provincie Utrecht meldt hoogwater op de Lek",
        "Storing in de regio Utrecht",
        "Veiligheidsregio Groningen schaalt op",
        "Waterstand in de provincie Groningen stijgt",
        # "Bergen (L)" is Bergen in Limburg; the table's Bergen is in Noord-Holland.
        "Storing in Bergen (L)",
        "Evacuatie in Bergen (Limburg) gestart",
    ],
)
def test_no_place_where_the_name_is_another_place(text: str) -> None:
    assert text_municipality(text, VOCAB) is None
