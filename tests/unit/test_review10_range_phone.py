"""Review of round 1 (helper "review10", session 16): a dash range in a count field
(`gewonden: 3-4`, commands/dutch_numbers.py `parse_range`) also read a phone number or
a code typed into the field: `gewonden: 06-12345678` was stored as an estimate of
6,172,842 injured, summed into the picture, where before it was refused as no number.
A count's end never starts with a 0 unless it is 0 itself; such a value is refused as
before and the liaison asked for the figure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import ReportDraft, parse_report
from tests.unit.test_report_parser import VOCAB

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)


@pytest.mark.parametrize("value", ["06-12345678", "078-6123456"])
def test_a_phone_number_in_a_count_is_refused(value: str) -> None:
    result = parse_report("zorg", ["gemeente: Dordrecht", f"gewonden: {value}", "x"], NOW, VOCAB)
    assert isinstance(result, list), result


@pytest.mark.parametrize(("value", "middle"), [("0-1", 1.0), ("0 à 2", 1.0), ("0,5-1,5", 1.0)])
def test_a_range_from_zero_stays_a_range(value: str, middle: float) -> None:
    result = parse_report("zorg", ["gemeente: Dordrecht", f"gewonden: {value}", "x"], NOW, VOCAB)
    assert isinstance(result, ReportDraft), result
    assert [(f.value, f.estimate) for f in result.figures] == [(middle, True)]
