"""A redaction cannot make the bot take back a report or an answer while its sender has
a session the bot does not trust (helper leftovers12, gap 6 of session 15).

Redactions travel in the clear (the homeserver must read them), so nothing says which
device sent one: a phished password and a new login could delete a curator's `!antwoord`
(taking the answer back from every asker) or a liaison's report. Under `cross-signed`,
in an encrypted room, a redaction counts only while every session of its sender that the
bot knows is trusted; otherwise it is recorded as handled and not acted on, with one
notice when it named a message the bot acted on. A stolen access token of a trusted
session still passes (nothing in the event tells it apart)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import RedactionEvent

from bot.untrusted import UntrustedSenders
from commands.render import plain
from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId
from tests.support.migrated import migrated_sqlite
from tests.support.redaction_events import redaction, two_session_client
from tests.support.senders import RecordingSender

ROOM = RoomId("!curators:x")
PERSON = "@curator:x"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "redacted.db")
    yield database
    await database.close()


def _client(verified: set[str]) -> Any:
    return two_session_client(ROOM, verified, "PHISHED1", "cGhp")


def _redaction(event_id: str, redacts: str) -> RedactionEvent:
    return redaction(event_id, redacts, PERSON)


async def _acted_on(db: Database, event_id: str) -> None:
    """The bot replied to `event_id` (an `!antwoord`'s confirmation)."""
    from bot.sender import queue_reply

    async with db.transaction() as session:
        await queue_reply(session, ROOM, plain("Verstuurd."), f"r:{event_id}", event_id, event_id)


async def test_a_redaction_is_refused_while_the_sender_has_an_untrusted_session(
    db: Database,
) -> None:
    await _acted_on(db, "$answer")
    sender = RecordingSender()
    untrusted = UntrustedSenders(_client({"LAPTOP"}), db, sender, "nl", "cross-signed", None)
    assert await untrusted.refuse(ROOM, _redaction("$red1", "$answer"))
    async with db.session() as session:
        assert await event_log.is_processed(session, EventId("$red1"))
    assert len(sender.submitted) == 1
    body = str(sender.submitted[0].content["body"])
    assert "PHISHED1" in body and "LAPTOP" not in body

    # A redaction of chat the bot never acted on: refused too, in silence.
    assert await untrusted.refuse(ROOM, _redaction("$red2", "$chat"))
    assert len(sender.submitted) == 1


async def test_a_redaction_counts_when_every_session_is_trusted(db: Database) -> None:
    client = _client({"LAPTOP", "PHISHED1"})
    untrusted = UntrustedSenders(client, db, RecordingSender(), "nl", "cross-signed", None)
    assert not await untrusted.refuse(ROOM, _redaction("$red", "$answer"))
    tofu = UntrustedSenders(_client(set()), db, RecordingSender(), "nl", "tofu", None)
    assert not await tofu.refuse(ROOM, _redaction("$red3", "$answer"))
    client.rooms[ROOM] = SimpleNamespace(encrypted=False)  # nothing judged by device there
    other = UntrustedSenders(_client(set()), db, RecordingSender(), "nl", "cross-signed", None)
    other.client.rooms[ROOM] = SimpleNamespace(encrypted=False)
    assert not await other.refuse(ROOM, _redaction("$red4", "$answer"))
