"""Figures written with a thousands comma (outside tester, session 14).

Numbers in reports are Dutch: `1.200` is twelve hundred and `1,5` one and a half. An
English-speaking liaison (`evacuees: 1,200`), or anyone pasting from an English system,
writes twelve hundred as `1,200`: it was stored as 1,2 evacuees, and summed per region
beside other partners' counts. A figure whose comma is followed by exactly three digits
can be read both ways; it is refused with both readings, so the liaison says which
(`1.200` or `1,2`), rather than guessed. `0,250` and `1,25` are decimals, as before.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.report_parser import ReportDraft, parse_report, read_free_text
from tests.unit.test_attack_formatting import VOCAB


@pytest.mark.parametrize(
    "line",
    [
        "evacuees: 1,200",
        "geëvacueerden: 1,200",
        "households without power: 12,500",
        "opvangplekken beschikbaar: ca. 1,500",
        "zandzakken: 2,000 stuks",
    ],
)
def test_a_thousands_comma_is_refused_with_both_readings(line: str) -> None:
    found = parse_report("opvang", [line, "Stand van zaken."], datetime.now(UTC), VOCAB)
    assert not isinstance(found, ReportDraft), found.figures
    said = " ".join(problem.nl for problem in found)
    assert "1.200" in said or "12.500" in said or "1.500" in said or "2.000" in said, said


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("waterstand: 1,25 m", 1.25),
        ("waterstand: 0,250 m", 0.25),
        ("geëvacueerden: 1.200", 1200.0),
        ("geëvacueerden: 1200", 1200.0),
        ("neerslag: 12,5 mm", 12.5),
    ],
)
def test_decimals_and_dutch_thousands_are_read_as_before(line: str, value: float) -> None:
    draft = parse_report("water", [line, "Stand."], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.figures[0].value == value


def test_free_text_takes_no_figure_it_cannot_read_one_way() -> None:
    """Free text is offered with what was understood: never 1,2 households."""
    free = read_free_text("Zwijndrecht: nog 1,200 huishoudens zonder stroom", VOCAB)
    assert free is not None
    assert [f.value for f in free.figures] in ([], [1200.0]), free.figures
