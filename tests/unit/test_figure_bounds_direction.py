"""The short bounds (review8: `max. 20`, `tot 20`, `20+`, `20 of meer`) keep their
direction, as the long ones do since migration 0032 (`meer dan 3` is '> 3'): merged
together, `gewonden: 20 of meer` was shown 'ca. 20' and `max. 20` 'ca. 20', though the
liaison said at least and at most."""

from __future__ import annotations

import pytest

from commands.report_parser import split_bound
from storage import bounds


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("max. 20", bounds.AT_MOST),
        ("max 20", bounds.AT_MOST),
        ("maximum 20", bounds.AT_MOST),
        ("tot 20", bounds.AT_MOST),
        ("up to 20", bounds.AT_MOST),
        ("20 of minder", bounds.AT_MOST),
        ("20 or less", bounds.AT_MOST),
        ("min. 20", bounds.AT_LEAST),
        ("minimum 20", bounds.AT_LEAST),
        ("20+", bounds.AT_LEAST),
        ("20 of meer", bounds.AT_LEAST),
        ("20 or more", bounds.AT_LEAST),
        ("20 en meer", bounds.AT_LEAST),
        ("20 (schatting)", bounds.ESTIMATE),
        ("meer dan 20", bounds.OVER),
        ("20", bounds.EXACT),
    ],
)
def test_a_short_bound_keeps_its_direction(value: str, kind: str) -> None:
    assert split_bound(value) == ("20", kind)
