"""Patterns over user text that were quadratic on long runs of blanks (helper "dupes19",
session 19): a pattern that starts with `\\s*` and needs something after the run tried
the whole run again from every blank in it, so one report with 20,000 spaces in a field
kept the bot busy for seconds (13 s for `gemeente:`). Bounded in CPU time (see
tests/support/timing.py), with the results they gave before."""

from __future__ import annotations

import pytest

from commands import dutch_time
from commands.report_parser import Vocabulary, text_municipality
from storage.regions import RegionTable, named_municipalities
from tests.support.timing import cpu_seconds

RUN = 20_000
VOCAB = Vocabulary(RegionTable())


@pytest.mark.parametrize(
    "value",
    [
        "Dordrecht" + " " * RUN + "x",
        " " * RUN + "x",
        "Dordrecht" + " \t" * (RUN // 2) + "Zwijndrecht",
    ],
    ids=["after a name", "alone", "blanks and tabs"],
)
def test_several_municipalities_are_read_in_linear_time(value: str) -> None:
    assert cpu_seconds(lambda: named_municipalities(value)) < 0.5


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Dordrecht", ["Dordrecht"]),
        ("Dordrecht, Zwijndrecht", ["Dordrecht", "Zwijndrecht"]),
        ("Dordrecht en Zwijndrecht", ["Dordrecht", "Zwijndrecht"]),
        (
            "Dordrecht/Zwijndrecht & Papendrecht + Sliedrecht",
            ["Dordrecht", "Zwijndrecht", "Papendrecht", "Sliedrecht"],
        ),
        ("Dordrecht AND Zwijndrecht", ["Dordrecht", "Zwijndrecht"]),
        ("Alphen aan den Rijn", ["Alphen aan den Rijn"]),
        ("Hendrik-Ido-Ambacht", ["Hendrik-Ido-Ambacht"]),
        ("Zuidplas enzovoort", ["Zuidplas enzovoort"]),
        (" ,  , Dordrecht ,", ["Dordrecht"]),
        ("Dordrecht" + " " * 50 + "x", ["Dordrecht" + " " * 50 + "x"]),
    ],
)
def test_several_municipalities_read_as_before(value: str, names: list[str]) -> None:
    assert named_municipalities(value) == names


# The hour word after a clock time ("14 uur", "16u"): `\s*(uur|u|…)\.?$` over a time
# value, 2.4 s for 20,000 blanks.
@pytest.mark.parametrize(
    "value", ["14" + " " * RUN + "x", " " * RUN + "14", "om 9" + " \t" * (RUN // 2) + "."]
)
def test_an_hour_word_is_found_in_linear_time(value: str) -> None:
    assert cpu_seconds(lambda: dutch_time._clock_notation(value)) < 0.5
    assert cpu_seconds(lambda: dutch_time._four_digit_clock(value)) < 0.5


@pytest.mark.parametrize(
    ("value", "clock"),
    [
        ("16u", "16:00"),
        ("16 uur", "16:00"),
        ("14.30 uur.", "14:30"),
        ("om 9 h", "om 9"),
        ("gisteren 2330 uur", "gisteren 2330"),
        ("16  hours", "16:00"),
        ("uur", ""),
        ("16 u x", "16 u x"),
    ],
)
def test_an_hour_word_is_taken_off_as_before(value: str, clock: str) -> None:
    assert dutch_time._clock_notation(value) == clock


# Whether a municipality's name opens its sentence: `[.!?:;\n]\s*$` searched in all the
# text before it, from every line break in a run of blank lines to the run's end.
def test_a_sentence_start_is_found_in_linear_time() -> None:
    text = "Stroom uit" + "\n " * (RUN // 2) + ",Utrecht"
    assert cpu_seconds(lambda: text_municipality(text, VOCAB)) < 0.5


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Stroomstoring. Utrecht meldt 300 huishoudens zonder stroom", None),
        ("Stroomstoring in Utrecht sinds 14.00", "Utrecht"),
        ("Stroomstoring\n  \nUtrecht zonder stroom", None),
        ("Opvang vol, Utrecht vraagt hulp", "Utrecht"),
        ("Opvang vol;   Utrecht vraagt hulp", None),
        ("Opvang vol:\u00a0Utrecht vraagt hulp", None),
        ("Stroom uit" + "\n " * 50 + ",Utrecht", "Utrecht"),
        ("Utrecht: 40 mensen opgevangen", "Utrecht"),
    ],
)
def test_a_sentence_start_is_read_as_before(text: str, place: str | None) -> None:
    assert text_municipality(text, VOCAB) == place
