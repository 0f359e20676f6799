"""Dates of birth without a keyword in the cleaned phrasing (helper leftovers16, gap 3).

`public_phrasing` cleaned a date of birth only after "geboren", "geb." or "born":
"Mevrouw Jansen (12-03-1961) wil …" went into the store as it was. Now a date is
cleaned when it stands where a date of birth stands — in brackets on its own, or right
after a person (a title and a name, or a name and a comma) — and its year makes it one:
at least 16 years back (a date in brackets of the last years is the crisis's own).
After a title and a name ("mevrouw Jansen 3-4-2015") it goes whatever its year. A date
in running text, and a date after the name of an event ("de watersnood (1 februari
1953)"), stays."""

from __future__ import annotations

from datetime import date

import pytest

from commands.questions import public_phrasing

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("asked", "kept_out"),
    [
        ("Mevrouw Jansen (12-03-1961) wil mee naar de opvang, mag dat?", "1961"),
        ("Meneer de Vries (12 maart 1961) wil mee naar de opvang, mag dat?", "maart 1961"),
        ("Mag dhr. Bakker, 03-10-1944, mee naar de opvang?", "1944"),
        ("Mag mw. El Amrani 5/6/1950 mee naar de opvang?", "1950"),
        ("Mag Jan Jansen, 12-03-1961, mee naar de opvang?", "1961"),
        ("Mag de bewoner (1-2-1938) mee naar de opvang?", "1938"),
        ("Mag mevrouw Jansen (3-4-2015) mee naar de opvang?", "2015"),  # a child
        ("Mag meneer Peters (12-03-61) mee naar de opvang?", "12-03-61"),
    ],
)
def test_a_bare_date_of_birth_is_cleaned_out(asked: str, kept_out: str) -> None:
    cleaned = public_phrasing(asked, TODAY)
    assert kept_out not in cleaned, cleaned
    assert "opvang" in cleaned, cleaned


@pytest.mark.parametrize(
    "asked",
    [
        "Geldt de regeling van de watersnood van 1 februari 1953 nog voor de opvang?",
        "Is de watersnood (1 februari 1953) een voorbeeld voor de opvang?",
        "Zijn de dijken sinds 1 februari 1953 verhoogd rond de opvang?",
        "Blijft de opvang open tot 31-12-2026?",
        "Geldt de opvang die op 14-07-2021 begon (14-07-2021) nog?",
        "Is de opvang na de storm (18 januari 2018) gesloten?",
        "Geldt de opvangregeling (versie 12-03-2024) nog?",
        "Geldt na De Watersnood, 1 februari 1953, de opvang nog?",
        "Kan mevrouw Jansen om 12.30 naar de opvang?",
    ],
)
def test_dates_of_the_crisis_stay(asked: str) -> None:
    assert public_phrasing(asked, TODAY) == asked
