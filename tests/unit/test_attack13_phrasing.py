"""Attacks on the cleaned question that `--leer` adds to a Q&A and `--publish` makes a
Q&A of (outside attacker, session 15): `public_phrasing` took out Matrix ids, e-mail,
links and telephone numbers, but kept a bank account number (IBAN), a postcode with a
street and house number, and a date of birth. Municipality staff asking about one
resident write exactly these; names cannot be told from other words, but these can."""

from __future__ import annotations

import pytest

from commands.questions import public_phrasing


@pytest.mark.parametrize(
    ("asked", "kept_out"),
    [
        ("Kan de noodbetaling naar IBAN NL91ABNA0417164300 van mevrouw?", "0417164300"),
        ("Kan de noodbetaling naar iban: NL91 ABNA 0417 1643 00?", "0417"),
        ("Mag mevrouw (Dorpsstraat 12, 3311 AB Dordrecht) mee naar de opvang?", "3311 AB"),
        ("Mag mevrouw van de Dorpsstraat 12a mee naar de opvang?", "Dorpsstraat 12a"),
        ("Mag meneer, geboren 12-03-1950, mee naar de opvang?", "12-03-1950"),
        ("Mag meneer (geb. 1-3-1950) mee naar de opvang?", "1-3-1950"),
    ],
)
def test_personal_details_are_cleaned_out(asked: str, kept_out: str) -> None:
    cleaned = public_phrasing(asked)
    assert kept_out not in cleaned, cleaned
    assert "opvang" in cleaned or "noodbetaling" in cleaned, cleaned


def test_a_date_that_is_no_birth_date_stays() -> None:
    """The guard's other side: crisis questions name days ('tot 31-12-2027')."""
    cleaned = public_phrasing("Geldt de regeling tot 31-12-2027 voor de A15?")
    assert cleaned == "Geldt de regeling tot 31-12-2027 voor de A15?", cleaned
