"""A command addressed to the bot by name (outside tester, session 14).

In Element a person who wants the bot's attention starts with its name: typing "@Kno"
and Tab puts a pill in front, and the message's body reads "Knooppunt: !beeld" (with
the bot in `m.mentions`). Other clients write the Matrix id ("@knooppunt:x !beeld").
Such a message is no command to the parser (it does not start with "!"), so in a
coordination room it got no answer at all and did nothing: a coordinator asking for
the picture in a crisis was met with silence. In a liaison room a `!melding` addressed
so became a free-text offer instead of the report it was. A command after the bot's
name, in a message that mentions the bot, is now the command.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.handling import process_message
from commands.message import Message, Relation
from storage.ids import EventId
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_formatting import ALICE, COORD, LIAISON, chat

__all__ = ["chat"]  # fixture, imported for pytest


async def _addressed(chat: CoreChat, room: str, body: str, *, mentions: bool = True) -> str:
    chat.count += 1
    message = Message(
        EventId(f"$m{chat.count}"), room, ALICE, body, datetime.now(UTC), mentions_bot=mentions
    )  # type: ignore[arg-type]
    handled = await process_message(chat.db, chat.dispatcher, message, chat.view)
    assert handled is not None
    return texts(handled[0])


@pytest.mark.parametrize(
    "body",
    ["Knooppunt: !beeld", "knooppunt, !beeld", "@bot:x !beeld", "@bot:x: !beeld", "Kp Bot: !beeld"],
)
async def test_a_command_after_the_bot_s_name_is_answered(chat: CoreChat, body: str) -> None:
    told = await _addressed(chat, COORD, body)
    assert "beeld" in told.lower() and "storm" in told, told


async def test_a_report_addressed_to_the_bot_is_recorded_as_a_report(chat: CoreChat) -> None:
    body = "Knooppunt: !melding water\ngemeente: Dordrecht\nernst: extreem\nDijk doorgebroken."
    told = await _addressed(chat, LIAISON, body)
    assert "vastgelegd" in told, told
    (entry,) = await chat.entries()
    assert (entry.category, entry.severity, entry.text) == (
        "water",
        "Extreme",
        "Dijk doorgebroken.",
    )


async def test_a_name_without_a_mention_or_a_command_is_left_as_it_was(chat: CoreChat) -> None:
    """Only a message that mentions the bot: "Jan: !beeld is leeg" between colleagues is
    not the bot's; and a mention without a command after the name stays what it was."""
    assert await _addressed(chat, COORD, "Jan: !beeld", mentions=False) == ""
    assert await _addressed(chat, COORD, "Knooppunt: dank je") == ""


async def test_an_edit_of_an_addressed_report_is_read_as_the_report(chat: CoreChat) -> None:
    """Element keeps the pill (and `m.mentions`) in the edit's new content: the edit was
    refused as "no longer a report" and the severity stayed as first written."""
    body = "Knooppunt: !melding water\ngemeente: Dordrecht\nernst: matig\nDijk zwak."
    await _addressed(chat, LIAISON, body)
    chat.count += 1
    edit = Message(
        EventId(f"$m{chat.count}"), LIAISON, ALICE, body.replace("matig", "extreem"),
        datetime.now(UTC), kind="edit", relation=Relation(replaces=EventId("$m1")),
        mentions_bot=True,
    )  # type: ignore[arg-type]  # fmt: skip
    handled = await process_message(chat.db, chat.dispatcher, edit, chat.view)
    assert handled is not None
    (entry,) = await chat.entries()
    assert entry.severity == "Extreme", texts(handled[0])


def test_an_edit_mentions_the_bot_only_as_its_new_content_says() -> None:
    from nio import RoomMessageText

    from bot.events import to_message

    def edit(mentions: dict[str, object]) -> dict[str, object]:
        new = {"msgtype": "m.text", "body": "Knooppunt: !beeld", **mentions}
        return {
            "type": "m.room.message", "event_id": "$e", "sender": "@a:x",
            "origin_server_ts": 1, "content": {
                "msgtype": "m.text", "body": "* Knooppunt: !beeld", "m.new_content": new,
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$o"},
            },
        }  # fmt: skip

    pill = edit({"m.mentions": {"user_ids": ["@bot:x"]}})
    read = to_message(RoomMessageText.from_dict(pill), "!r:x", "@bot:x")
    assert read is not None and read.mentions_bot
    plain = to_message(RoomMessageText.from_dict(edit({})), "!r:x", "@bot:x")
    assert plain is not None and not plain.mentions_bot


async def test_a_reply_to_an_emote_is_read_without_its_fallback(chat: CoreChat) -> None:
    """A reply's fallback quotes an emote (`/me …`) as "> * <@user> …": it was not taken
    off, so a `!melding` replying to one was no command and became a refused offer."""
    from commands.grammar import strip_reply_fallback

    body = "> * <@jan:x> is onderweg\n\n!melding water\nernst: extreem\nDijk doorgebroken."
    assert strip_reply_fallback(body).startswith("!melding water")
    told = await _addressed(chat, LIAISON, body, mentions=False)
    assert "vastgelegd" in told, told
