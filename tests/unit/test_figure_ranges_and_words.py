"""Figures as liaisons type them on a phone (session 16's user check):

- a range, `gewonden: 3 à 4`, was stored as exactly 3 with the unit "à 4" (so summed and
  shown as an exact 3 in the picture), and `3-4`, `3 tot 4`, `tussen 3 en 4` refused the
  whole report as "not a number";
- `een stuk of 20`, a common Dutch way to say "about 20", refused the report;
- a count written in words (`twintig`, `vijfentwintig`) refused the report.

A range is an estimate now (never summed as exact): the middle, a whole number when both
ends are; a unit after it stays the unit. `een stuk of` is an estimate word, and number
words read as the number (text2num's Dutch and English)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import parse_report, read_free_text
from storage import bounds
from tests.unit.test_report_parser import VOCAB, ok

RANGES = [
    ("3 à 4", 4.0, None),
    ("3 a 4", 4.0, None),
    ("3-4", 4.0, None),
    ("3 - 4", 4.0, None),
    ("3–4", 4.0, None),
    ("3 tot 4", 4.0, None),
    ("tussen 3 en 4", 4.0, None),
    ("100-150 personen", 125.0, "personen"),
    ("1.000 à 1.500", 1250.0, None),
    ("3 to 4", 4.0, None),
    ("between 3 and 4", 4.0, None),
]


@pytest.mark.parametrize(("value", "middle", "unit"), RANGES)
def test_a_range_is_an_estimate_of_its_middle(value: str, middle: float, unit: str | None) -> None:
    draft = ok("zorg", f"gemeente: Dordrecht\ngewonden: {value}\nAanrijding.")
    assert [(f.value, f.unit, f.estimate, f.bound) for f in draft.figures] == [
        (middle, unit, True, bounds.ESTIMATE)
    ], draft.figures


@pytest.mark.parametrize("value", ["een stuk of 20", "Een stuk of 20"])
def test_een_stuk_of_is_an_estimate(value: str) -> None:
    draft = ok("zorg", f"gemeente: Dordrecht\ngewonden: {value}\nAanrijding.")
    assert [(f.value, f.estimate) for f in draft.figures] == [(20.0, True)], draft.figures


@pytest.mark.parametrize(
    ("value", "number", "estimate"),
    [
        ("twintig", 20.0, False),
        ("vijfentwintig", 25.0, False),
        ("drie", 3.0, False),
        ("ongeveer dertig", 30.0, True),
        ("een stuk of twintig", 20.0, True),
        ("twenty", 20.0, False),
        ("tweehonderd", 200.0, False),
    ],
)
def test_a_count_in_words_is_read(value: str, number: float, estimate: bool) -> None:
    draft = ok("evacuatie", f"gemeente: Papendrecht\ngeëvacueerd: {value}\nWoningen ontruimd.")
    assert [(f.value, f.estimate) for f in draft.figures] == [(number, estimate)], draft.figures


@pytest.mark.parametrize(
    ("value", "unit"), [("3 à 4 personen", "personen"), ("2-3 huizen", "huizen")]
)
def test_a_range_with_a_unit_keeps_it(value: str, unit: str) -> None:
    draft = ok("zorg", f"gemeente: Dordrecht\ngewonden: {value}\nAanrijding.")
    assert [(f.unit, f.estimate) for f in draft.figures] == [(unit, True)]


@pytest.mark.parametrize("value", ["een paar", "een handvol", "ongeveer een handvol", "veel"])
def test_words_that_are_no_count_are_refused(value: str) -> None:
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    result = parse_report("zorg", ["gemeente: Dordrecht", f"gewonden: {value}", "x"], now, VOCAB)
    assert isinstance(result, list), result


def test_a_dash_after_an_unknown_key_is_no_figure() -> None:
    """`Afsluiting: 14-16 uur` is a time span in the text, not a figure of 15 hours."""
    draft = ok("mobiliteit", "gemeente: Dordrecht\nAfsluiting: 14-16 uur\nA16 dicht.")
    assert draft.figures == []
    assert "14-16 uur" in draft.text


@pytest.mark.parametrize("value", ["4-3", "-3-4", "3-4-5"])
def test_what_is_no_range_is_refused_not_guessed(value: str) -> None:
    now = datetime(2026, 12, 5, 12, tzinfo=UTC)
    result = parse_report("zorg", ["gemeente: Dordrecht", f"gewonden: {value}", "x"], now, VOCAB)
    assert isinstance(result, list), result


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3 à 4 gewonden bij de aanrijding in Dordrecht", 4.0),
        ("100-150 huishoudens zonder stroom in Dordrecht", 125.0),
        ("tussen 100 en 150 huishoudens zonder stroom in Dordrecht", 125.0),
    ],
)
def test_a_range_in_free_text_is_an_estimate(text: str, value: float) -> None:
    draft = read_free_text(text, VOCAB)
    assert draft is not None
    assert [(f.value, f.estimate) for f in draft.figures] == [(value, True)], draft.figures


@pytest.mark.parametrize(
    ("municipalities", "region"),
    [
        ("Dordrecht, Zwijndrecht", "Zuid-Holland Zuid"),
        ("Dordrecht en Papendrecht", "Zuid-Holland Zuid"),
        ("Dordrecht / Sliedrecht", "Zuid-Holland Zuid"),
        ("Dordrecht, Zwolle", None),
        ("Dordrecht, Nergenshuizen", None),
    ],
)
def test_several_municipalities_of_one_region_give_that_region(
    municipalities: str, region: str | None
) -> None:
    """`gemeente: Dordrecht, Zwijndrecht` was "(regio onbekend)": out of its region's sums."""
    draft = ok("opvang", f"gemeente: {municipalities}\nSporthal open.")
    assert draft.region == region
