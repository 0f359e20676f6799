"""An object fact that says nobody knows yet is no answer either way (`Fact.present`
None), however it is worded. Since 12755a5 only a value that is exactly 'onbekend', '?',
'n.b.', 'niet bekend' or holds the word 'onbekend' counted as unknown; the rest was read
by its first word: 'nog niet bekend', '? (navragen)', 'weet niet', 'te bevestigen' as
having the thing (a care home listed under 'met noodstroom' while its file says nobody
knows), and 'niet bekend, navragen', 'n.b. (navragen)', 'geen idee', 'not known yet' as
known to lack it."""

from __future__ import annotations

import pytest

from knowledge.objects import Fact

UNKNOWN = [
    "nog niet bekend",
    "? (navragen)",
    "weet niet",
    "te bevestigen",
    "wordt uitgezocht",
    "niet bekend, navragen",
    "n.b. (navragen)",
    "geen idee",
    "not known yet",
    "to be confirmed",
    "ja?",
]


@pytest.mark.parametrize("value", UNKNOWN)
def test_a_value_that_says_nobody_knows_is_unknown(value: str) -> None:
    assert Fact(text=value).present is None


@pytest.mark.parametrize(
    ("value", "present"),
    [
        ("ja", True),
        ("aanwezig, 48 uur", True),
        ("bekend bij de GGD: aggregaat aanwezig", True),
        ("aanwezig, n.b. alleen de keuken", True),
        ("nee", False),
        ("niet aanwezig", False),
        ("geen aggregaat, alleen accu", False),
        ("nee (gepland 2027)", False),
        ("onbekend", None),
        ("niet bekend", None),
    ],
)
def test_known_values_keep_their_reading(value: str, present: bool | None) -> None:
    assert Fact(text=value).present is present
