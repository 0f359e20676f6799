"""A report sent as the caption of a photo.

Matrix (1.10) lets a file, image or video carry a caption: its `body`, when a
`filename` is given that differs from it. A liaison who sent a photo of the breach with
"!melding water / ernst: extreem / …" as its caption got no answer at all: the bot
read only text, notice and emote messages, so the report was silently dropped. The
caption is now read as the message (the file itself is not kept, and the reply says
so); a file without a caption stays unanswered as before.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from nio import Event

from bot.events import to_message
from commands.dispatcher import Dispatcher
from commands.message import Message
from storage.engine import Database
from storage.ids import UserId
from tests.unit.test_picture_follows_entries import (
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    texts,
    view,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest

REPORT = "!melding water\ngemeente: Dordrecht\nernst: extreem\nDijk doorgebroken, zie foto."
KEY = {"kty": "oct", "key_ops": ["encrypt", "decrypt"], "alg": "A256CTR", "k": "a", "ext": True}


def _source(content: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": "$photo",
        "sender": "@liaison:x",
        "origin_server_ts": 1_700_000_000_000,
        "content": content,
    }


def _plain(**content: Any) -> Event:
    return Event.parse_event(_source({"msgtype": "m.image", "url": "mxc://x/a", **content}))


def _encrypted(**content: Any) -> Event:
    file = {"url": "mxc://x/a", "key": KEY, "iv": "AAAA", "hashes": {"sha256": "x"}, "v": "v2"}
    return Event.parse_decrypted_event(_source({"msgtype": "m.image", "file": file, **content}))


@pytest.mark.parametrize("make", [_plain, _encrypted])
def test_a_caption_is_read_as_the_message(make: Any) -> None:
    message = to_message(make(body=REPORT, filename="dijk.jpg"), "!r:x", "@bot:x")
    assert message is not None and message.body == REPORT, message
    assert message.kind == "message" and message.msgtype == "m.image"


@pytest.mark.parametrize("make", [_plain, _encrypted])
def test_a_file_without_a_caption_is_no_message(make: Any) -> None:
    assert to_message(make(body="dijk.jpg"), "!r:x", "@bot:x") is None
    assert to_message(make(body="dijk.jpg", filename="dijk.jpg"), "!r:x", "@bot:x") is None


@pytest.mark.postgres
async def test_a_report_in_a_caption_is_recorded_and_says_the_file_is_not_kept(
    db: Database, dispatcher: Dispatcher
) -> None:
    read = to_message(_plain(body=REPORT, filename="dijk.jpg"), LIAISON, "@knooppunt:x")
    assert isinstance(read, Message)
    message = replace(read, sender=UserId(REPORTER), timestamp=datetime.now(UTC))
    async with db.transaction() as session:
        replies = await dispatcher.handle(message, view(LIAISON), session, message.timestamp)
    told = texts(replies)
    assert "Melding M-1 vastgelegd" in told and "Ernst: extreem" in told, told
    assert "dijk.jpg" in told, told


def test_an_edited_caption_is_an_edit() -> None:
    new = {"msgtype": "m.image", "body": REPORT, "filename": "dijk.jpg", "url": "mxc://x/a"}
    edit = _plain(
        body="* " + REPORT,
        **{"m.new_content": new, "m.relates_to": {"rel_type": "m.replace", "event_id": "$p"}},
    )
    message = to_message(edit, "!r:x", "@bot:x")
    assert message is not None and message.kind == "edit", message
    assert message.body == REPORT and message.relation.replaces == "$p"
