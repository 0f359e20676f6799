"""An edit addressed to the bot (leftovers10): a new message mentions the bot by its
`m.mentions`, by its Matrix id in the body, or by its display name; an edit counted
only through `m.mentions` inside `m.new_content`. An edit typed by a client that writes
the id ("@bot:x !beeld") or puts `m.mentions` on the edit event itself was no command."""

from __future__ import annotations

from typing import Any

import pytest
from nio import RoomMessageText

from bot.events import to_message


def _edit(body: str, outer: dict[str, Any], inner: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "m.room.message", "event_id": "$e", "sender": "@a:x", "origin_server_ts": 1,
        "content": {
            "msgtype": "m.text", "body": f"* {body}", **outer,
            "m.new_content": {"msgtype": "m.text", "body": body, **inner},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$o"},
        },
    }  # fmt: skip


PILL = {"m.mentions": {"user_ids": ["@bot:x"]}}


@pytest.mark.parametrize(
    ("body", "outer", "name"),
    [
        ("@bot:x !beeld", {}, None),
        ("Knooppunt: !beeld", PILL, None),
        ("Knooppunt: !beeld", {}, "Knooppunt"),
    ],
)
def test_an_edit_mentions_the_bot_as_a_new_message_does(
    body: str, outer: dict[str, Any], name: str | None
) -> None:
    read = to_message(RoomMessageText.from_dict(_edit(body, outer, {})), "!r:x", "@bot:x", name)
    assert read is not None and read.kind == "edit" and read.mentions_bot


def test_an_edit_without_any_mention_does_not() -> None:
    read = to_message(RoomMessageText.from_dict(_edit("Jan: !beeld", {}, {})), "!r:x", "@bot:x")
    assert read is not None and not read.mentions_bot
