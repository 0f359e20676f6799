"""One comparison of organisation names (`storage.organisations.name_key`): whether a
follow-up comes from the organisation that opened an item (who may close it) and
whether a report's organisation is the room's agree with `organisations.find`, which
finds one organisation for all these spellings. `str.casefold()` alone kept a
decomposed "â" (as some keyboards send it) or a trailing space apart, so an owner's own
follow-up was refused as another organisation's."""

from __future__ import annotations

import unicodedata

import pytest

from commands import follow_up_rights

SAME = [
    ("Fryslân", "FRYSLÂN"),
    ("Straße", "STRASSE"),
    ("Fryslân", unicodedata.normalize("NFD", "Fryslân")),
    ("GGD Fryslân", "GGD Fryslân "),
]
OTHER = [("Fryslân", "Fryslan"), ("GGD-Fryslân", "GGD Fryslân"), ("GGD", None)]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_spellings_of_one_organisation_are_the_same(one: str, other: str) -> None:
    assert follow_up_rights._same(one, other)


@pytest.mark.parametrize(("one", "other"), OTHER)
def test_other_names_are_other_organisations(one: str, other: str | None) -> None:
    assert not follow_up_rights._same(one, other)
