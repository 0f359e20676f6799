"""Regressions of session 19's reading rules found by a hostile review (helper
"review19b"): lines a liaison types that today's rules mis-handled, through the real
path (dispatcher, parser, database)."""

from __future__ import annotations

import pytest

from tests.support.chat import CoreChat
from tests.unit.test_reading18 import _report, chat

__all__ = ["chat"]  # the fixture, shared with test_reading18


# 1. "Gewonden Dordrecht: 4" says what is counted (injured) and where: the rule that
# refuses a bare number under a place's name ("Sporthal De Schans: 200" - 200 what?)
# refused it with "4 wat?", and a liaison's valid report was lost (session 18 stored it).
@pytest.mark.parametrize(
    "line",
    [
        "Gewonden Dordrecht: 4",
        "Doden Dordrecht: 4",
        "Geevacueerden Dordrecht: 4",
        "Injured Dordrecht: 4",
    ],
)
async def test_a_known_count_named_with_its_town_is_no_bare_number(
    chat: CoreChat, line: str
) -> None:
    _, figures, reply = await _report(chat, f"!melding zorg\ngemeente: Dordrecht\n{line}")
    assert [f.value for f in figures] == [4.0], reply
