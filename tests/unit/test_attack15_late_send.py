"""Attack 15: a reply that waited in the outbox (homeserver down, a restart) went out
without saying it was late.

The dispatcher marks a reply late only when the message was already old when the bot
read it. A `!beeld` read at once and queued, then held up by an outage of the
homeserver for forty minutes, reached the room as if it were the current picture. The
sender now puts the same "(Late reactie op je bericht van …)" note in front of a reply
to its own message that is late at the send and was not when it was made; alerts into
other rooms and replies that already carry the note are left as they are.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.sender import OutboxSender
from storage import event_log, outbox
from storage.engine import Database
from storage.ids import EventId, UserId
from storage.models import OutboxMessage
from tests.unit.test_attack_plaintext_in_encrypted_room import ROOM, _PlainClient, db

__all__ = ["db"]  # fixture, imported for pytest

ASKED = EventId("$beeld")
PICTURE = "TLP:GREEN — Situatiebeeld storm"


async def _queued(
    db: Database,
    asked_ago: timedelta,
    queued_ago: timedelta,
    reply_to: str = ASKED,
    body: str = PICTURE,
) -> OutboxMessage:
    now = datetime.now(UTC)
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": f"<p>{body}</p>",
        "m.relates_to": {"m.in_reply_to": {"event_id": reply_to}},
    }
    async with db.transaction() as session:
        await event_log.record(
            session, ASKED, ROOM, UserId("@coordinator:x"), "beeld", now - asked_ago
        )
        row = await outbox.add(session, ROOM, "message", content, outbox.txn_id_for(ASKED), ASKED)
        assert row is not None
        row.created_at = now - queued_ago
    return row


async def _sent(db: Database, row: OutboxMessage) -> dict[str, Any]:
    client = _PlainClient()
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    await sender._perform(row)
    (content,) = client.sent
    return content


async def test_a_reply_held_up_in_the_outbox_says_it_is_late(db: Database) -> None:
    row = await _queued(db, timedelta(minutes=41), timedelta(minutes=40))
    content = await _sent(db, row)
    assert content["body"].startswith("(Late reactie op je bericht van "), content["body"]
    assert PICTURE in content["body"] and "Late reactie" in content["formatted_body"]


async def test_a_reply_sent_in_time_has_no_note(db: Database) -> None:
    row = await _queued(db, timedelta(seconds=2), timedelta(seconds=1))
    assert (await _sent(db, row))["body"] == PICTURE


async def test_a_reply_the_dispatcher_marked_late_gets_no_second_note(db: Database) -> None:
    row = await _queued(db, timedelta(hours=2), timedelta(minutes=30))
    assert (await _sent(db, row))["body"] == PICTURE


async def test_an_alert_in_reply_to_another_event_has_no_note(db: Database) -> None:
    row = await _queued(db, timedelta(minutes=41), timedelta(minutes=40), reply_to="$alert")
    assert (await _sent(db, row))["body"] == PICTURE


async def test_every_part_of_a_long_reply_gets_the_note(db: Database) -> None:
    """Session 17: only the first part got the note, so a reader who saw a later part
    alone (a notification, a part scrolled to) read the held-up picture as current.
    A later part has it under its "(2/3)" line, as its banner heads it."""
    later = "TLP:GREEN (2/3)\n• M-7 …"
    row = await _queued(db, timedelta(minutes=41), timedelta(minutes=40), body=later)
    content = await _sent(db, row)
    head, note, rest = content["body"].split("\n", 2)
    assert head == "TLP:GREEN (2/3)" and rest == "• M-7 …", content["body"]
    assert note.startswith("(Late reactie op je bericht van "), content["body"]
    assert "Late reactie" in content["formatted_body"]
    assert content["formatted_body"].index("(2/3)") < content["formatted_body"].index("Late")


async def test_a_later_part_the_dispatcher_marked_late_gets_no_second_note(db: Database) -> None:
    later = "TLP:GREEN (2/3)\n(Late reactie op je bericht van 04-12 10:00.)\n• M-7 …"
    row = await _queued(db, timedelta(hours=2), timedelta(minutes=30), body=later)
    assert (await _sent(db, row))["body"] == later
