"""The bot answers a message in a Matrix thread inside that thread.

Its replies to a threaded message went to the room's main timeline: the writer, reading
the thread, did not see the answer, and the main timeline filled with answers to
questions it never showed. A reply to a message in a thread now carries the thread
relation (Matrix spec, "Threading"): `rel_type: m.thread` with the thread's root, and
`m.in_reply_to` the message answered with `is_falling_back: false` (the bot's answers
are replies to the command, in the thread as in the main timeline). Messages to other rooms (a coordinator alert) are not in the
thread: it is not theirs.
"""

from __future__ import annotations

from typing import Any

from bot.events import to_message
from bot.handling import process_message
from tests.support.chat import CoreChat
from tests.unit.test_attack_threads import ALICE, COORD, LIAISON, _threaded, chat

__all__ = ["chat"]  # the fixture, imported for pytest


def test_a_threaded_message_knows_its_thread_root() -> None:
    for falls_back in (True, False):
        event = _threaded("$3", "@b:x", "ja", "$root", "$latest", falls_back)
        message = to_message(event, "!r:x", "@bot:x")
        assert message is not None and message.relation.thread_root == "$root"


async def _rows(chat: CoreChat, body: str, falls_back: bool = True) -> list[Any]:
    event = _threaded("$m1", ALICE, body, "$root", "$latest", falls_back)
    message = to_message(event, LIAISON, "@bot:x")
    assert message is not None
    result = await process_message(chat.db, chat.dispatcher, message, chat.view)
    assert result is not None
    return result[1]


async def test_a_reply_to_a_threaded_command_goes_into_the_thread(chat: CoreChat) -> None:
    await chat.handle(LIAISON, ALICE, "Overleg stroomstoring", event_id="$root")
    rows = await _rows(chat, "!help")
    assert rows
    for row in rows:
        assert row.content["m.relates_to"] == {
            "rel_type": "m.thread",
            "event_id": "$root",
            "is_falling_back": False,
            "m.in_reply_to": {"event_id": "$m1"},
        }, row.content


async def test_an_alert_to_another_room_stays_out_of_the_thread(chat: CoreChat) -> None:
    await chat.handle(LIAISON, ALICE, "Overleg stroomstoring", event_id="$root")
    report = "!melding stroom\ngemeente: Dordrecht\nernst: extreem\nZiekenhuis zonder stroom."
    rows = await _rows(chat, report)
    here = [r for r in rows if r.room_id == LIAISON]
    there = [r for r in rows if r.room_id == COORD]
    assert here and there, [(r.room_id, r.content) for r in rows]
    assert all(r.content["m.relates_to"]["rel_type"] == "m.thread" for r in here)
    assert all(r.content.get("m.relates_to", {}).get("rel_type") != "m.thread" for r in there), [
        r.content for r in there
    ]


async def test_a_message_outside_threads_gets_no_thread_relation(chat: CoreChat) -> None:
    _, result = await chat.handle(LIAISON, ALICE, "!help", event_id="$plain")
    assert result is not None
    for row in result[1]:
        assert row.content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$plain"}}


def test_a_thread_message_without_a_target_falls_back_to_the_root() -> None:
    from bot.sender import thread_relation

    assert thread_relation("$root", None) == {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": "$root"},
    }
