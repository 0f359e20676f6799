"""A report typed without its `!` in a room whose free text is off (session 14).

`!vrijetekst uit` stops the offers for chatter. A report typed without its command
("melding evacuatie" and its fields, or a phone's "! melding" with a space) is read
with its fields where free text is on; where it is off it got no answer at all and was
not recorded: an extreme report lost without a word. It is still not recorded (the
room chose so), but the liaison is told how to send it.
"""

from __future__ import annotations

import pytest

from storage.ids import UserId
from tests.support.chat import CoreChat, bound_views, texts
from tests.unit.test_attack_formatting import ALICE, LIAISON, chat

__all__ = ["chat"]  # fixture, imported for pytest

MOD = UserId("@mod:x")


@pytest.mark.parametrize(
    "body",
    [
        "! melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nDijk doorgebroken.",
        "melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nDijk doorgebroken.",
        "⚠️ Ernst: extreem\ngemeente: Dordrecht\nDijk doorgebroken.",
    ],
)
async def test_a_report_without_its_command_is_told_where_free_text_is_off(
    chat: CoreChat, body: str
) -> None:
    chat.view = bound_views(power_levels={MOD: 50})
    _, result = await chat.handle(LIAISON, MOD, "!vrijetekst uit")
    assert result is not None and "uit" in texts(result[0])
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None and "!melding" in texts(result[0]), "no word: the report is lost"
    assert await chat.entries() == []


async def test_chatter_stays_unanswered_where_free_text_is_off(chat: CoreChat) -> None:
    chat.view = bound_views(power_levels={MOD: 50})
    await chat.handle(LIAISON, MOD, "!vrijetekst uit")
    _, result = await chat.handle(LIAISON, ALICE, "Dordrecht: nog 800 huishoudens zonder stroom")
    assert result is not None and texts(result[0]) == ""
