"""Patterns over user text that were quadratic on long runs of blanks (helper "dupes19",
session 19): a pattern that starts with `\\s*` and needs something after the run tried
the whole run again from every blank in it, so one report with 20,000 spaces in a field
kept the bot busy for seconds (13 s for `gemeente:`). Bounded in CPU time (see
tests/support/timing.py), with the results they gave before."""

from __future__ import annotations

import pytest

from storage.regions import named_municipalities
from tests.support.timing import cpu_seconds

RUN = 20_000


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
