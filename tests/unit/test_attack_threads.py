"""Attack with threads (outside tester, session 11).

A message in a Matrix thread carries `m.relates_to: {rel_type: m.thread, event_id:
<root>, is_falling_back: true, m.in_reply_to: <the thread's latest event>}`. The
`m.in_reply_to` is only a fallback for clients without threads (Matrix spec, "Fallback
for unthreaded clients"): the sender replied to nothing. The bot read it as a real
reply, so a report typed in a thread became a follow-up of whatever report happened to
be the thread's latest message: another organisation's or another place's item,
updated or even closed (`status: opgelost`) by words about something else. An extreme
report then left the picture's open severe items. Now a threaded message that falls
back is read as a reply to the thread's root (a thread on report M-1 is about M-1); an
explicit reply inside a thread (`is_falling_back` false) stays a reply to its target.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from nio import Event

from bot.events import to_message
from bot.handling import process_message
from commands.message import Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")


def _threaded(
    event_id: str, sender: str, body: str, root: str, latest: str, falls_back: bool
) -> Event:
    return Event.parse_event(
        {
            "type": "m.room.message",
            "event_id": event_id,
            "sender": sender,
            "origin_server_ts": int(time.time() * 1000),
            "content": {
                "msgtype": "m.text",
                "body": body,
                "m.relates_to": {
                    "rel_type": "m.thread",
                    "event_id": root,
                    "is_falling_back": falls_back,
                    "m.in_reply_to": {"event_id": latest},
                },
            },
        }
    )


def test_a_threaded_message_that_falls_back_replies_to_the_thread_root() -> None:
    message = to_message(_threaded("$3", "@b:x", "ja", "$root", "$latest", True), "!r:x", "@bot:x")
    assert message is not None and message.relation.reply_to == "$root"


def test_an_explicit_reply_inside_a_thread_keeps_its_target() -> None:
    message = to_message(_threaded("$3", "@b:x", "ja", "$root", "$m1", False), "!r:x", "@bot:x")
    assert message is not None and message.relation.reply_to == "$m1"


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "thread.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def _in_thread(chat: CoreChat, event: Event) -> Any:
    message = to_message(event, LIAISON, "@bot:x")
    assert message is not None
    result = await process_message(chat.db, chat.dispatcher, message, chat.view)
    assert result is not None
    return result


async def test_a_report_in_a_thread_does_not_close_the_thread_s_latest_report(
    chat: CoreChat,
) -> None:
    """A thread "Overleg stroom": Alice reports an extreme outage in it (M-1), Bob then
    reports in the same thread that power is back in another town. Bob replied to
    nothing; M-1 must stay an open extreme item in the coordinators' picture."""
    await chat.handle(LIAISON, ALICE, "Overleg stroomstoring", event_id="$root")
    alice = "!melding stroom\ngemeente: Dordrecht\nernst: extreem\nZiekenhuis zonder stroom."
    replies, _ = await _in_thread(chat, _threaded("$m1", ALICE, alice, "$root", "$root", True))
    assert "M-1" in texts(replies), texts(replies)
    bob = "!melding stroom\ngemeente: Zwijndrecht\nstatus: opgelost\nStroom weer terug."
    replies, _ = await _in_thread(chat, _threaded("$m2", BOB, bob, "$root", "$m1", True))
    assert "M-2" in texts(replies), texts(replies)
    _, result = await chat.handle(COORD, ALICE, "!beeld")
    assert result is not None
    picture = "\n".join(r.text for r in result[0] if isinstance(r, Reply))
    attention = picture.split("Aandacht: ernstig of extreem", 1)[-1].split("\n\n")[0]
    assert "Aandacht" in picture and "M-1" in attention, picture
    # Bob's words are his own report: no follow-up of M-1, no severity taken from it.
    (bob_entry,) = [e for e in await chat.entries() if e.id == 2]
    assert bob_entry.severity != "Extreme", bob_entry.severity
