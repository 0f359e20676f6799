"""A figure given as a bound (leftovers10): `gewonden: meer dan 3`, `> 3`, `minstens 3`,
`ruim 200`, `bijna 50` were read as the exact figure (3, 200, 50) and summed as such in
the picture. A bound is no count: it is stored and shown as an estimate ("ca."), as the
hedged figures ("mogelijk 2") are since review7, in a field and in free text alike."""

from __future__ import annotations

import pytest

from commands.report_parser import read_free_text
from tests.unit.test_report_parser import VOCAB, ok

BOUNDS = [
    "meer dan 3",
    "> 3",
    ">3",
    "minstens 3",
    "ten minste 3",
    "ruim 3",
    "bijna 3",
    "minder dan 3",
    "at least 3",
    "more than 3",
]


@pytest.mark.parametrize("value", BOUNDS)
def test_a_bound_in_a_field_is_an_estimate(value: str) -> None:
    draft = ok("zorg", f"gemeente: Dordrecht\ngewonden: {value}\nAanrijding.")
    assert [(f.value, f.estimate) for f in draft.figures] == [(3.0, True)], draft.figures


@pytest.mark.parametrize(
    "text",
    [
        "Meer dan 3 gewonden bij de aanrijding in Dordrecht",
        "Minstens 3 gewonden in Dordrecht",
        "Ruim 3 gewonden in Dordrecht",
        "Bijna 3 gewonden in Dordrecht",
        "At least 3 injured in Dordrecht",
    ],
)
def test_a_bound_in_free_text_is_an_estimate(text: str) -> None:
    draft = read_free_text(text, VOCAB)
    assert draft is not None
    assert [(f.value, f.estimate) for f in draft.figures] == [(3.0, True)], draft.figures


def test_a_plain_figure_stays_exact() -> None:
    draft = ok("zorg", "gemeente: Dordrecht\ngewonden: 3\nAanrijding.")
    assert [(f.value, f.estimate) for f in draft.figures] == [(3.0, False)]
