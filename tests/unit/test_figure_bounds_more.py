"""More ways a figure is given as a bound, after 8100570 (`meer dan 3`, `> 3`, `minstens`):
`max. 20`, `max 20`, `min. 20`, `maximum 20`, `tot 20`, `up to 20` before the number and
`20+`, `20 of meer`, `20 or more` after it. `gewonden: 20 of meer` was stored as exactly
20 (summed as such in the picture), `Max. 20 gewonden` and `Tot 20 gewonden` in free
text too, and `gewonden: max. 20` or `20+` refused the whole report as 'not a number'.
Each is an estimate now, as the other bounds; `totaal` is no `tot`."""

from __future__ import annotations

import pytest

from commands.report_parser import read_free_text, split_estimate
from tests.unit.test_report_parser import VOCAB, ok

FIELD_BOUNDS = [
    "max. 20", "max 20", "min. 20", "maximum 20", "minimum 20", "tot 20", "up to 20",
    "20+", "20 of meer", "20 or more", "20 of minder",
]  # fmt: skip


@pytest.mark.parametrize("value", FIELD_BOUNDS)
def test_a_bound_in_a_field_is_an_estimate(value: str) -> None:
    draft = ok("zorg", f"gemeente: Dordrecht\ngewonden: {value}\nAanrijding.")
    assert [(f.value, f.estimate) for f in draft.figures] == [(20.0, True)], draft.figures


@pytest.mark.parametrize(
    "text", ["Max. 20 gewonden in Dordrecht", "Tot 20 gewonden bij de aanrijding in Dordrecht"]
)
def test_a_bound_in_free_text_is_an_estimate(text: str) -> None:
    draft = read_free_text(text, VOCAB)
    assert draft is not None
    assert [(f.value, f.estimate) for f in draft.figures] == [(20.0, True)], draft.figures


@pytest.mark.parametrize("value", ["totaal 20", "maxima 20", "20"])
def test_words_that_only_start_like_a_bound_are_kept(value: str) -> None:
    assert split_estimate(value) == (value, False)
