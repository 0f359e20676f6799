"""A message that mentions the bot is never met with silence (lead's user check, session
15): "Hoi allemaal, Knooppunt: !beeld graag" (a greeting, then Element's pill, then the
command) got no reply at all in a coordinator room, and neither did a mention of the bot
without a command ("Knooppunt, kun je het beeld geven?")."""

from __future__ import annotations

import pytest

from tests.support.chat import CoreChat
from tests.unit.test_attack_addressed_command import _addressed
from tests.unit.test_attack_formatting import COORD, chat

__all__ = ["chat"]  # fixture, imported for pytest


@pytest.mark.parametrize(
    "body",
    [
        "Hoi allemaal, Knooppunt: !beeld graag",
        "Goedemorgen, @bot:x !beeld",
        "Hoi, knooppunt, !beeld",
    ],
)
async def test_a_command_after_a_greeting_and_the_bot_s_name_is_answered(
    chat: CoreChat, body: str
) -> None:
    told = await _addressed(chat, COORD, body)
    assert "Situatiebeeld storm" in told and "graag" not in told, told


async def test_a_mention_of_the_bot_without_a_command_is_told_how_to_ask(chat: CoreChat) -> None:
    told = await _addressed(chat, COORD, "Knooppunt, kun je het beeld geven?")
    assert "!hulp" in told, told


async def test_a_message_that_does_not_mention_the_bot_stays_unanswered(chat: CoreChat) -> None:
    told = await _addressed(
        chat, COORD, "Hoi allemaal, kunnen we om 10 uur bellen?", mentions=False
    )
    assert told == "", told


@pytest.mark.parametrize("body", ["Knooppunt: dank je", "Knooppunt, bedankt!", "@bot:x 👍"])
async def test_thanks_to_the_bot_get_no_hint(chat: CoreChat, body: str) -> None:
    assert await _addressed(chat, COORD, body) == ""
