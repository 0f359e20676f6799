"""`evacués: 3 duizend` was stored as 3 with the unit "duizend" (summed as 3 in the
picture); a scale word after the number multiplies it now."""

from __future__ import annotations

import pytest

from tests.unit.test_report_parser import ok


@pytest.mark.parametrize(
    ("value", "number", "unit"),
    [
        ("3 duizend", 3000.0, None),
        ("2,5 duizend", 2500.0, None),
        ("1,2 miljoen", 1_200_000.0, None),
        ("3 thousand", 3000.0, None),
        ("4 honderd", 400.0, None),
        ("3 duizend huishoudens", 3000.0, "huishoudens"),
        ("ca. 3 duizend", 3000.0, None),
    ],
)
def test_a_scale_word_multiplies(value: str, number: float, unit: str | None) -> None:
    draft = ok("stroom", f"gemeente: Dordrecht\nhuishoudens zonder stroom: {value}\nStoring.")
    assert [(f.value, f.unit) for f in draft.figures] == [(number, unit)], draft.figures


def test_a_range_of_thousands_multiplies_both_ends() -> None:
    draft = ok("stroom", "gemeente: Dordrecht\nhuishoudens zonder stroom: 2 à 3 duizend\nStoring.")
    assert [(f.value, f.estimate) for f in draft.figures] == [(2500.0, True)], draft.figures
