"""Hostile review (session 17, review17b): a range typed with its unit against both ends
(`3m-4m`) was stored as an exact figure of its low end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable

VOCAB = Vocabulary(RegionTable())
NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


def _draft(line: str) -> ReportDraft:
    draft = parse_report("water", [line], NOW, VOCAB)
    assert isinstance(draft, ReportDraft), draft
    return draft


@pytest.mark.parametrize(
    "line",
    [
        # A range with its unit on both ends was one end, stored as an exact 3 m (unit
        # "m-4m"); before units could be typed against the number it stayed text.
        "waterstand: 3m-4m",
        "waterstand: 3 m - 4 m",
        "waterstand: 2,5m tot 3m",
        "temperatuur: 4°C-6°C",
    ],
)
def test_a_range_with_a_unit_on_both_ends_is_no_exact_figure(line: str) -> None:
    draft = _draft(line)
    assert draft.figures == [], draft.figures
    assert draft.text == line
