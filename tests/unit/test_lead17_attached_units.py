"""Lead's user check, session 17: `waterstand: 3,05m` (the unit typed against the number,
as phones and hurried liaisons do) was no figure: the line, and every line after it,
became text, and the picture kept showing the previous report's 2,95 m as the current
water level. A unit symbol written against the number reads as the same figure with a
space between."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dutch_numbers import parse_figure
from commands.report_parser import ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable

VOCAB = Vocabulary(RegionTable())


@pytest.mark.parametrize(
    ("typed", "value", "unit"),
    [
        ("3,05m", 3.05, "m"),
        ("3,05m NAP", 3.05, "m NAP"),
        ("305cm", 305.0, "cm"),
        ("40mm", 40.0, "mm"),
        ("2km", 2.0, "km"),
        ("4°C", 4.0, "°C"),
        ("12m3", 12.0, "m3"),
        ("500kg", 500.0, "kg"),
        ("3,5MW", 3.5, "MW"),
    ],
)
def test_a_unit_against_the_number(typed: str, value: float, unit: str) -> None:
    assert parse_figure(typed) == (value, unit)


@pytest.mark.parametrize("typed", ["16u", "3x", "12a", "2e", "06-12345678", "3mei"])
def test_other_letters_against_a_number_are_no_figure(typed: str) -> None:
    assert parse_figure(typed) is None


def test_the_water_level_line_is_a_figure_and_the_sentence_stays_text() -> None:
    body = "waterstand: 3,05m\nwaterstand stijgt 5 cm per uur"
    draft = parse_report("water", body.split("\n"), datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert [(f.metric, f.value, f.unit) for f in draft.figures] == [("waterstand", 3.05, "m")]
    assert draft.text == "waterstand stijgt 5 cm per uur"
