"""Hostile review (session 17, review17b): a range of a level was read as its middle
rounded up, as for people in need ("3 à 4 gewonden" is 4): "waterstand: 3 à 4 m NAP"
was a water level of ~4 m, "temperatuur: 4 tot 5 °C" ~5 °C. A level's middle is exact."""

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
        ("waterstand: 3 à 4 m NAP", 3.5, "m NAP"),
        ("temperatuur: 4 tot 5 °C", 4.5, "°C"),
        ("waterhoogte: tussen 1 en 2 m", 1.5, "m"),
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
