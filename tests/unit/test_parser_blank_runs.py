"""Report lines with a long run of blanks inside a value are read in linear time (note13,
from attack5). The field patterns ended a value with a lazy `(.*?)\\s*$`, which tries the
trailing `\\s*$` at every step through the run, and the estimate suffix was searched
from every blank of the run: quadratic. Within the 8,000-character limit one line held
the bot (every room) for 0.25-0.3 s, a figure line with two runs for 0.9 s.

The bound is a ratio against the same shapes at a tenth of the length, each the best of
a few runs: linear code grows about tenfold, quadratic about a hundredfold. The limit
(40) leaves room for a noisy shared machine on both sides.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from commands.record import _read
from commands.report_parser import ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable

VOCAB = Vocabulary(RegionTable())
NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
LIMIT = 40

# B: the run of blanks. Each shape stays under the 8,000 characters at its long size.
SHAPES = [
    "gemeente: a{B}b",  # a value with blanks inside it
    "gemeente:a{B}b",  # the tight form (no blank after the colon)
    "gemeente = a{B}b",  # the equals form
    "ernst: **x{B}y**",  # emphasis around a value
    "tijd: gisteren{B}14:30",
    "opvangplekken: 120{B}bedden{B}x",  # a figure: the estimate suffix is searched
    "opvangplekken: ca.{B}120{B}(schatting)x",
]


def _best(run: Callable[[], object], times: int = 5) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _report(shape: str, blank: str, length: int) -> Callable[[], object]:
    body = shape.replace("{B}", blank * length)
    return lambda: parse_report("water", body.split("\n"), NOW, VOCAB)


@pytest.mark.parametrize("blank", [" ", "\t"])
@pytest.mark.parametrize("shape", SHAPES)
def test_a_report_line_with_a_long_blank_run_is_read_in_linear_time(shape: str, blank: str) -> None:
    short, long = _best(_report(shape, blank, 350)), _best(_report(shape, blank, 3_500))
    assert long < LIMIT * max(short, 1e-5), (shape, short, long)


@pytest.mark.parametrize("blank", [" ", "\t"])
def test_a_record_field_with_a_long_blank_run_is_read_in_linear_time(blank: str) -> None:
    def record(length: int) -> Callable[[], object]:
        line = "besloten door: ROT" + blank * length + "x"
        return lambda: _read("decision", [], [line, "Sporthal blijft open"], "nl")

    short, long = _best(record(700)), _best(record(7_000))
    assert long < LIMIT * max(short, 1e-5), (short, long)


def test_values_read_as_before() -> None:
    body = [
        "gemeente:   Dordrecht   ",
        "ernst=extreem",
        "tlp:rood",
        "opvangplekken beschikbaar: ca. 120   (schatting)",
        "Sporthal   ingericht.",
    ]
    draft = parse_report("opvang", body, NOW, VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.municipality, draft.severity, draft.tlp) == ("Dordrecht", "Extreme", "RED")
    (figure,) = draft.figures
    assert (figure.value, figure.estimate) == (120, True), figure
    assert draft.text == "Sporthal   ingericht."
