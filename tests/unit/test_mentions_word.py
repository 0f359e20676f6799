"""`mentions_bot` by the bot's display name as a word, not as a substring (leftovers13).

The display name was matched anywhere in the body: a bot named "Kno" was mentioned by
"knoop" and "Knooppunt Joure", one named "bot" by "robot" and "botsing" (a collision,
a word crisis staff write daily). A mention is the name as a word (an Element pill puts
exactly that in the body), the user id, or `m.mentions`."""

from __future__ import annotations

import pytest
from nio import Event

from bot.events import to_message


def _said(body: str, **content: object) -> Event:
    return Event.parse_event(
        {
            "type": "m.room.message",
            "event_id": "$1",
            "sender": "@alice:x",
            "origin_server_ts": 1_700_000_000_000,
            "content": {"msgtype": "m.text", "body": body, **content},
        }
    )


def _mentions(body: str, name: str) -> bool:
    message = to_message(_said(body), "!r:x", "@bot:x", name)
    assert message is not None
    return message.mentions_bot


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("De knoop is doorgehakt, we evacueren.", "Kno"),
        ("Een botsing op de A15 bij Gorinchem.", "bot"),
        ("De robot van de brandweer zoekt in het pand.", "Bot"),
        ("Knooppunten Joure en Heerenveen staan vast.", "Knooppunt"),
    ],
)
def test_the_name_inside_another_word_is_no_mention(body: str, name: str) -> None:
    assert not _mentions(body, name)


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Knooppunt: !beeld", "Knooppunt"),
        ("Hoi allemaal, knooppunt: !beeld graag", "Knooppunt"),
        ("Bot, wat is het beeld?", "bot"),
        ("Kan Knooppunt-Zuid dit doen?", "Knooppunt-Zuid"),
        ("@bot:x !beeld", "Knooppunt"),
    ],
)
def test_the_name_as_a_word_or_the_id_is_a_mention(body: str, name: str) -> None:
    assert _mentions(body, name)
