"""Dates of birth after a name without a title (session 17): "Mag Jan de Vries
12-03-1948 mee?" and "Mag Jan Jansen 12-03-48 mee?" went into the published phrasing
as asked (only a title, a comma or brackets made a date one of birth), and so did a
name with an initial ("J. de Vries") or a particle. Now a date right after a name of
two or more words (capitals, particles, initials), bare or after a comma, is one of birth
when its year lies at least 16 years back, also with a two-digit year. Dates of the
crisis stay: "sinds 12-03", "12-03-2026 14:00" (which the phone rule ate as a number of
ten digits), a recent date after a place, a date after an event's name."""

from __future__ import annotations

from datetime import date

import pytest

from commands.questions import public_phrasing

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    ("asked", "kept_out"),
    [
        ("Mag Jan de Vries 12-03-1948 mee naar de opvang?", "1948"),
        ("Mag Jan de Vries, 12-03-1948 mee naar de opvang?", "1948"),
        ("Mag Jan Jansen 12-03-48 mee naar de opvang?", "12-03-48"),
        ("Mag Jan de Vries 12 maart 1948 mee naar de opvang?", "1948"),
        ("Mag Fatima El Amrani 5/6/50 mee naar de opvang?", "5/6/50"),
        ("Mag J. de Vries 12-03-1948 mee naar de opvang?", "1948"),
        ("Mag Piet van der Berg 1-2-1938 mee naar de opvang?", "1938"),
        ("Waar is Jan de Vries 12.03.48 opgevangen in de opvang?", "12.03.48"),
    ],
)
def test_a_date_of_birth_after_a_bare_name_is_cleaned_out(asked: str, kept_out: str) -> None:
    cleaned = public_phrasing(asked, TODAY)
    assert kept_out not in cleaned, cleaned
    assert "opvang" in cleaned and ("Vries" in cleaned or "mee" in cleaned), cleaned


@pytest.mark.parametrize(
    "asked",
    [
        "Is de opvang sinds 12-03 open?",
        "Is de opvang in Dordrecht 12-03-2026 14:00 open?",
        "Is de opvang Sporthal De Schans 12-03-2026 14:00 open?",
        "Is de opvang sinds 12-03-2026 14.00 uur open?",
        "Opvang De Schans 12-03-26 open?",
        "Geldt Koningsdag 27-04-2026 voor de opvang?",
        "Was Storm Ciara 09-02-2020 erger dan deze opvang?",
        "Geldt Watersnood Zeeland 01-02-1953 als voorbeeld voor de opvang?",
        "Bel Jan de Vries op 06-12345678 over de opvang.",
    ],
)
def test_dates_of_events_stay(asked: str) -> None:
    cleaned = public_phrasing(asked, TODAY)
    if "06-12345678" in asked:
        assert "06-12345678" not in cleaned and "Jan de Vries" in cleaned, cleaned
    else:
        assert cleaned == asked


def test_a_year_before_de_is_no_postcode() -> None:
    """ "1 februari 1953 de opvang": "1953 de" was cleaned as a postcode typed in lower
    case, and the year of the event went. "de" is Dutch's commonest word."""
    asked = "Geldt na de watersnood van 1 februari 1953 de opvang nog?"
    assert public_phrasing(asked, TODAY) == asked
    assert "3311" not in public_phrasing("Mag mevrouw naar 3311 DE in Dordrecht?", TODAY)
