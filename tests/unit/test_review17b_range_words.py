"""Hostile review (session 17, review17b): ranges as Dutch keyboards type them. "3 á 4"
(the acute accent, next to the grave one) was an exact 3 with the unit "á 4", and
"tussen de 300 en 400" refused the whole report as no number."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable

VOCAB = Vocabulary(RegionTable())
NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("evacuees: 3 á 4", 4.0),
        ("evacuees: 3 á 4 duizend", 3500.0),
        ("evacuees: 3 duizend á 4 duizend", 3500.0),
        ("evacuees: tussen de 300 en 400", 350.0),
        ("gewonden: tussen de 3 en 4", 4.0),
        ("evacuees: between 300 and 400", 350.0),
    ],
)
def test_a_range_as_typed_is_an_estimate_of_its_middle(line: str, value: float) -> None:
    draft = parse_report("evacuatie", [line], NOW, VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert [(f.value, f.unit, f.estimate) for f in draft.figures] == [(value, None, True)]
