from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from commands.builtin import build_registry
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.i18n import TEXTS
from commands.message import Message, Reply
from commands.registry import Command, Handler
from storage.ids import EventId, RoomId, UserId

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ROOM = RoomView(room_id=RoomId("!r:x"))


def message(
    body: str, *, sender: str = "@alice:x", age: timedelta = timedelta(0), msgtype: str = "m.text"
) -> Message:
    return Message(
        event_id=EventId("$e"),
        room_id=RoomId("!r:x"),
        sender=UserId(sender),
        body=body,
        timestamp=NOW - age,
        msgtype=msgtype,
    )


def dispatcher(language: str = "nl") -> Dispatcher:
    return Dispatcher(build_registry(), CommandSettings(language=language, bot_user_id="@bot:x"))  # type: ignore[arg-type]


async def handle(
    body: str, d: Dispatcher | None = None, room: RoomView = ROOM, **kw: object
) -> list[Reply]:
    return await (d or dispatcher()).handle(message(body, **kw), room, None, NOW)  # type: ignore[arg-type]


def test_every_text_has_both_languages() -> None:
    for key, versions in TEXTS.items():
        assert set(versions) == {"nl", "en"}, key


async def test_help_in_both_names_and_languages() -> None:
    (nl,) = await handle("!hulp")
    (en,) = await handle("!help", dispatcher("en"))
    assert "Commando's" in nl.text and "!hulp" in nl.text
    assert "Commands" in en.text and "!help" in en.text
    assert nl.reply_to == "$e" and nl.room_id == "!r:x" and not nl.notify


async def test_help_for_one_command_has_usage_and_example() -> None:
    (reply,) = await handle("!help hulp")
    assert "Gebruik: !hulp [commando]" in reply.text
    assert "Voorbeeld:" in reply.text
    assert "Ook: !help" in reply.text


async def test_unknown_command_suggests_the_close_one() -> None:
    (reply,) = await handle("!hlep")
    assert "Onbekend commando: !hlep" in reply.text
    assert "Bedoelde je !hulp?" in reply.text or "Bedoelde je !help?" in reply.text
    (far,) = await handle("!xyzzyq")
    assert "Bedoelde" not in far.text


async def test_user_text_is_escaped_and_shortened() -> None:
    (reply,) = await handle("!<img src=x onerror=alert(1)>" + "y" * 5000)
    assert "<img" not in reply.html and "&lt;img" in reply.html
    assert len(reply.text) < 300


async def test_own_messages_and_notices_are_never_commands() -> None:
    assert await handle("!help", sender="@bot:x") == []
    assert await handle("!help", msgtype="m.notice") == []


async def test_plain_text_is_ignored_in_rooms_but_answered_in_direct_chats() -> None:
    assert await handle("hallo allemaal") == []
    (hint,) = await handle("hallo", room=RoomView(room_id=RoomId("!r:x"), is_direct=True))
    assert "!hulp" in hint.text
    municipality = RoomView(room_id=RoomId("!r:x"), role="municipality")
    assert await handle("gewoon een mededeling", room=municipality) == []
    assert len(await handle("waar is de opvang?", room=municipality)) == 1


async def test_late_reply_says_when_the_message_was_sent() -> None:
    (reply,) = await handle("!help", age=timedelta(minutes=30))
    assert reply.text.startswith("(Late reactie op je bericht van 23-11 12:30.)")
    (prompt,) = await handle("!help", age=timedelta(seconds=10))
    assert not prompt.text.startswith("(Late")


def with_command(name_nl: str, name_en: str, handler: Handler, **options: Any) -> Dispatcher:
    """A dispatcher with the built-in commands and one more, `!name_nl` / `!name_en`."""
    registry = build_registry()
    spelled = {"nl": f"!{name_nl}", "en": f"!{name_en}"}
    summary = {"nl": "x", "en": "x"}
    registry.add(Command(name_nl, name_en, summary, spelled, spelled, handler, **options))
    return Dispatcher(registry, CommandSettings(bot_user_id="@bot:x"))


async def test_handler_crash_becomes_a_short_apology() -> None:
    async def boom(ctx, parsed):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError

    d = with_command("boem", "boom", boom)
    (reply,) = await handle("!boom", d)
    assert "er is niets opgeslagen" in reply.text


async def test_refusal_says_why() -> None:
    async def secret(ctx, parsed):  # type: ignore[no-untyped-def]
        return []

    d = with_command("geheim", "secret", secret, permission=lambda ctx: "alleen beheerders.")
    (reply,) = await handle("!secret", d)
    assert reply.text == "Dat mag hier niet: alleen beheerders."
    (help_reply,) = await handle("!help", d)
    assert "!geheim" not in help_reply.text


async def test_help_list_follows_each_askers_permissions() -> None:
    """`!help`'s list is rendered once per language, prefix and set of allowed commands
    (commands/help.py): one dispatcher, a command allowed in one room and refused in the
    next, in turn, in both languages; each list is what that room may use, and two
    equal asks give equal lists."""

    async def secret(ctx, parsed):  # type: ignore[no-untyped-def]
        return []

    def only_in_the_staff_room(ctx):  # type: ignore[no-untyped-def]
        return None if ctx.room.room_id == "!staff:x" else "alleen de staf."

    d = with_command("geheim", "secret", secret, permission=only_in_the_staff_room)
    staff = RoomView(room_id=RoomId("!staff:x"))
    for _ in range(2):
        (open_list,) = await handle("!help", d, staff)
        (closed_list,) = await handle("!help", d)
        assert "!geheim" in open_list.text and "!geheim" in open_list.html
        assert "!geheim" not in closed_list.text and "!geheim" not in closed_list.html
        assert open_list.text.replace("\n• !geheim — x", "") == closed_list.text
    english = Dispatcher(d.registry, CommandSettings(language="en", bot_user_id="@bot:x"))
    (english_list,) = await handle("!help", english, staff)
    assert "!secret" in english_list.text and "!geheim" not in english_list.text


def test_duplicate_command_names_are_refused() -> None:
    registry = build_registry()
    with pytest.raises(ValueError):
        registry.add(
            Command(
                "hulp",
                "x",
                {"nl": "", "en": ""},
                {"nl": "", "en": ""},
                {"nl": "", "en": ""},
                registry.commands[0].handler,
            )
        )
