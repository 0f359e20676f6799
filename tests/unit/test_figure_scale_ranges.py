"""A range whose ends both carry a scale word (session 17): `3 duizend-4 duizend` was
stored as an exact 3 with the unit "duizend-4 duizend", and `3 duizend tot 4 duizend` as
an exact 3000 with the unit "tot 4 duizend": a wrong exact figure summed in the picture.
Now it is the range 3.000-4.000 (an estimate of its middle, as `3-4 duizend` is); what
reads as a range but is none (`4 duizend - 3 duizend`, `3 duizend-4`) is refused, never
stored as one of its ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import parse_report
from storage import bounds
from tests.unit.test_report_parser import VOCAB, ok

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)

SCALED_RANGES = [
    ("3 duizend-4 duizend", 3500.0, None),
    ("3 duizend - 4 duizend", 3500.0, None),
    ("3 duizend–4 duizend huishoudens", 3500.0, "huishoudens"),
    ("3 duizend tot 4 duizend", 3500.0, None),
    ("3 duizend à 4 duizend", 3500.0, None),
    ("3 duizend of 4 duizend", 3500.0, None),
    ("tussen 3 duizend en 4 duizend", 3500.0, None),
    ("3 duizend-4000", 3500.0, None),
    ("3 honderd-4 duizend", 2150.0, None),
    ("1,5 miljoen-2 miljoen", 1_750_000.0, None),
    ("3 thousand to 4 thousand", 3500.0, None),
    ("ongeveer 3 duizend-4 duizend", 3500.0, None),
]


@pytest.mark.parametrize(("value", "middle", "unit"), SCALED_RANGES)
def test_a_range_of_scale_words_is_an_estimate_of_its_middle(
    value: str, middle: float, unit: str | None
) -> None:
    draft = ok("stroom", f"gemeente: Dordrecht\nhuishoudens zonder stroom: {value}\nStoring.")
    assert [(f.value, f.unit, f.estimate) for f in draft.figures] == [(middle, unit, True)], (
        draft.figures
    )
    assert draft.figures[0].bound != bounds.EXACT


NO_RANGE = [
    "3 duizend-4",
    "3 duizend - 4",
    "4 duizend - 3 duizend",
    "4 duizend tot 3 duizend",
    "2 duizend-1 duizend",
    "3000-4 duizend",
    "4 - 3",
    "4 tot 3",
]


@pytest.mark.parametrize("value", NO_RANGE)
def test_what_reads_as_a_range_but_is_none_is_refused(value: str) -> None:
    result = parse_report(
        "stroom", ["gemeente: Dordrecht", f"huishoudens zonder stroom: {value}", "x"], NOW, VOCAB
    )
    assert isinstance(result, list), [(f.value, f.unit) for f in result.figures]
    assert any(value in p.en and value in p.nl for p in result), [p.en for p in result]


@pytest.mark.parametrize(
    ("value", "number", "unit"),
    [
        ("3 duizend", 3000.0, None),
        ("3 duizend huishoudens", 3000.0, "huishoudens"),
        ("2 à 3 duizend", 2500.0, None),
        ("3-4 duizend", 3500.0, None),
        ("120", 120.0, None),
    ],
)
def test_scaled_figures_and_ranges_read_as_before(
    value: str, number: float, unit: str | None
) -> None:
    draft = ok("stroom", f"gemeente: Dordrecht\nhuishoudens zonder stroom: {value}\nStoring.")
    assert [(f.value, f.unit) for f in draft.figures] == [(number, unit)], draft.figures
