"""A message deleted while the bot still waits for its room key.

An encrypted message whose key has not arrived waits in `pending_encrypted` with its
ciphertext (bot/undecryptable.py) and is handled once the key comes. Its sender can
delete it meanwhile (a RED report posted in the wrong room, taken back at once): the
redaction found no handled event and did nothing, and when the key arrived the stored
ciphertext was decrypted and the deleted report recorded, shown and alerted, with
nothing left to retract it. A redaction by the sender (or a member with the room's
`redact` power) now takes the waiting message out: it is never handled.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation
from storage import event_log, pending_encrypted, redactions
from storage.engine import Database
from storage.ids import EventId
from tests.unit.test_picture_follows_entries import (
    LIAISON,
    LIAISON2,
    REPORTER,
    REPORTER2,
    db,
    dispatcher,
    send,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

WAITING = EventId("$waiting-for-its-key")


async def _waiting(db: Database, room: str = LIAISON, sender: str = REPORTER) -> None:
    source = {"type": "m.room.encrypted", "event_id": WAITING, "sender": sender, "content": {}}
    async with db.transaction() as session:
        await pending_encrypted.add(session, WAITING, room, sender, source)


async def _still_waiting(db: Database) -> bool:
    async with db.session() as session:
        return any(row.event_id == WAITING for row in await pending_encrypted.all_pending(session))


async def test_a_message_deleted_before_its_key_came_is_never_handled(
    db: Database, dispatcher: Dispatcher
) -> None:
    await _waiting(db)
    await send(
        db, dispatcher, LIAISON, "", REPORTER, kind="redaction", relation=Relation(redacts=WAITING)
    )
    assert not await _still_waiting(db)
    async with db.session() as session:
        # Handled (as deleted): a decryption later, or a replay, does nothing with it.
        assert await event_log.is_processed(session, WAITING)
        assert await redactions.redacted(session, WAITING) is not None


async def test_another_member_cannot_take_a_waiting_message_out(
    db: Database, dispatcher: Dispatcher
) -> None:
    await _waiting(db)
    await send(
        db, dispatcher, LIAISON, "", REPORTER2, kind="redaction", relation=Relation(redacts=WAITING)
    )
    assert await _still_waiting(db)


async def test_a_redaction_in_another_room_leaves_a_waiting_message(
    db: Database, dispatcher: Dispatcher
) -> None:
    await _waiting(db)
    await send(
        db, dispatcher, LIAISON2, "", REPORTER, kind="redaction", relation=Relation(redacts=WAITING)
    )
    assert await _still_waiting(db)
