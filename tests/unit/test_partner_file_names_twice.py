"""A partners file that names one organisation twice is refused whole (nothing of it is
loaded), and "twice" means what `organisations.name_key` means: the file check compared
`str.lower()`, so "Straße" and "STRASSE" or a decomposed "â" passed as two partners,
and on import the second silently overwrote the first's details (`find` calls them one)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from knowledge import network

PAIRS = [
    ("Straße Energie", "STRASSE ENERGIE"),
    ("Fryslân Water", unicodedata.normalize("NFD", "Fryslân Water")),
    ("GGD", "ggd"),
]


@pytest.mark.parametrize(("one", "other"), PAIRS)
def test_one_organisation_named_twice_is_refused(one: str, other: str) -> None:
    text = f"organisations:\n  - name: {one}\n    sectors: [drinkwater]\n  - name: {other}\n"
    result = network.read_text(text, Path("partners.yaml"))
    assert result.partners == [], result.partners
    assert [p.key for p in result.problems] == ["content.organisations_twice"]


def test_two_organisations_are_read() -> None:
    text = "organisations:\n  - name: Fryslân\n    sectors: [drinkwater]\n  - name: Fryslan\n"
    result = network.read_text(text, Path("partners.yaml"))
    assert [p.name for p in result.partners] == ["Fryslân", "Fryslan"] and not result.problems
