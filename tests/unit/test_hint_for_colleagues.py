"""The hint for a message that mentions the bot without a command (c5c6788) answers
only a message addressed to the bot, not one its colleagues were meant to read.

`mentions_bot` (bot/events.py) is also true when the bot's display name stands anywhere
in the body ("knooppunt" is an ordinary Dutch word: a motorway junction, a hub) and for
every reply to one of the bot's messages (Element puts the replied-to sender in
`m.mentions`). A coordinator writing "Knooppunt Joure staat vast" to the room, or
replying to the bot's picture to ask a colleague to act on it, got "Ik reageer op
commando's" in reply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.handling import process_message
from commands.message import Message, Relation
from storage.ids import EventId
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_addressed_command import _addressed
from tests.unit.test_attack_formatting import ALICE, COORD, chat

__all__ = ["chat"]  # fixture, imported for pytest


@pytest.mark.parametrize(
    "body",
    [
        "Knooppunt Joure staat helemaal vast, wie rijdt er om?",
        "Het knooppunt bij Hoogeveen is dicht.",
        "Zijn de knooppunten al vrijgegeven?",
    ],
)
async def test_the_bot_s_name_as_an_ordinary_word_gets_no_hint(chat: CoreChat, body: str) -> None:
    assert await _addressed(chat, COORD, body) == ""


async def test_a_reply_to_the_bot_s_message_for_a_colleague_gets_no_hint(
    chat: CoreChat,
) -> None:
    chat.count += 1
    message = Message(
        EventId(f"$m{chat.count}"),
        COORD,  # type: ignore[arg-type]
        ALICE,  # type: ignore[arg-type]
        "Jan, kun jij dit oppakken?",
        datetime.now(UTC),
        relation=Relation(reply_to=EventId("$the-bots-picture")),
        mentions_bot=True,  # Element names the replied-to sender in m.mentions
    )
    handled = await process_message(chat.db, chat.dispatcher, message, chat.view)
    assert handled is not None
    assert texts(handled[0]) == ""


async def test_a_message_addressed_to_the_bot_still_gets_the_hint(chat: CoreChat) -> None:
    assert "!hulp" in await _addressed(chat, COORD, "Knooppunt, kun je het beeld geven?")
    assert "!hulp" in await _addressed(chat, COORD, "@bot:x wat kun je?")
