"""Hostile review (session 17, review17b): a range of a level was read as its middle
rounded up, as for people in need ("3 à 4 gewonden" is 4): "waterstand: 3 à 4" was a
water level of ~4, "temperatuur: 4 tot 5" ~5 degrees. A level's middle is exact. (With
a unit of more words, "3 à 4 m NAP", the line stays text.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable

VOCAB = Vocabulary(RegionTable())
NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "value", "unit"),
    [
        ("waterstand: 3 à 4", 3.5, None),
        ("temperatuur: 4 tot 5", 4.5, None),
        ("waterhoogte: 1 of 2", 1.5, None),
        # Counts keep the higher reading.
        ("gewonden: 3 à 4", 4.0, None),
        ("huishoudens zonder stroom: 100-150", 125.0, None),
    ],
)
def test_the_middle_of_a_levels_range(line: str, value: float, unit: str | None) -> None:
    draft = parse_report("water", [line], NOW, VOCAB)
    assert isinstance(draft, ReportDraft), draft
    [figure] = draft.figures
    assert (figure.value, figure.unit, figure.estimate) == (value, unit, True)
