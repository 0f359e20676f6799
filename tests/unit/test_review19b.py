"""Regressions of session 19's reading rules found by a hostile review (helper
"review19b"): lines a liaison types that today's rules mis-handled, through the real
path (dispatcher, parser, database)."""

from __future__ import annotations

import pytest

from tests.support.chat import CoreChat, texts
from tests.unit.test_reading18 import ALICE, REAL, _report, _stored, chat

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


# 2. "gewonden: 3 bij Epe, 2 in Heerde" is two parts of a count in two places; free text
# (which reads a figure after its name since fdfe1bd) offered "gewonden 3" in Epe, and a
# 👍 stored 3 injured where 5 were reported, Heerde's 2 lost from its region's sum. A
# !melding refuses the line as parts of a count; free text offers no figure of it.
@pytest.mark.parametrize(
    "body",
    [
        "gewonden: 3 bij Epe, 2 in Heerde",
        "gewonden: 3 bij Epe en 2 in Heerde",
        "injured: 3 near Epe, 2 in Heerde",
    ],
)
async def test_free_text_offers_no_part_of_a_count_as_the_count(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(REAL, ALICE, body)
    await chat.handle(REAL, ALICE, "ja")
    for _, figures in await _stored(chat):
        assert [(f.metric, f.value) for f in figures if f.metric == "gewonden"] == [], (
            texts(result[0]) if result else None
        )
