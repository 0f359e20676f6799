"""An edit whose original still waits for its room key (session 12's known gap, found
by the attack4 helper).

An encrypted report whose key has not arrived waits in `pending_encrypted`
(bot/undecryptable.py); its edit can be readable already (another session's key came
first, or the edit came after the key request was answered for it only). The edit was
handled at once: "het oorspronkelijke bericht ken ik niet", and when the key came the
original was recorded as first written (`tlp: amber`, moderate), the edit to
`tlp: rood` / `ernst: extreem` lost. A readable event that names a waiting one is now
parked beside it and handled after it, in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import AsyncClient, EncryptionError, Event, MegolmEvent

from bot.config import Settings
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage import event_log, pending_encrypted
from storage.engine import Database
from storage.ids import EventId, RoomId
from tests.support.rooms import storm_database
from tests.unit.test_unalerted_severe import ALICE, LIAISON, _report

BOT = "@bot:x"
ORIGINAL = "$original"


def _plain(event_id: str, body: str, ts: int, **content: Any) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": ALICE,
        "origin_server_ts": ts,
        "content": {"msgtype": "m.text", "body": body, **content},
    }


def _edit(event_id: str, body: str, ts: int) -> dict[str, Any]:
    return _plain(
        event_id,
        f"* {body}",
        ts,
        **{
            "m.new_content": {"msgtype": "m.text", "body": body},
            "m.relates_to": {"rel_type": "m.replace", "event_id": ORIGINAL},
        },
    )


def _encrypted(event_id: str, ts: int) -> MegolmEvent:
    source = {
        "type": "m.room.encrypted",
        "event_id": event_id,
        "sender": ALICE,
        "origin_server_ts": ts,
        "content": {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AwgA",
            "sender_key": "senderkey",
            "session_id": "session",
            "device_id": "DEVICE",
        },
    }
    event = MegolmEvent.from_dict(source)
    assert isinstance(event, MegolmEvent)
    return event


class _Keys:
    """The room keys the bot holds: the original's arrives when the test says so."""

    def __init__(self, plaintext: dict[str, Any]) -> None:
        self.plaintext = plaintext
        self.arrived = False

    def decrypt(self, event: MegolmEvent) -> Event:
        if not self.arrived:
            raise EncryptionError("no key yet")
        return Event.parse_decrypted_event(dict(self.plaintext))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "waiting.db", [(LIAISON, "liaison", "GGD")])
    yield database
    await database.close()


def _syncer(db: Database, keys: _Keys) -> Syncer:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = AsyncClient("http://127.0.0.1:9", BOT)
    client.olm = SimpleNamespace()  # type: ignore[assignment]
    client.decrypt_event = keys.decrypt  # type: ignore[method-assign,assignment]
    sender = OutboxSender(client, db, encryption=False)
    return Syncer(client, db, build_dispatcher(settings), sender, settings)


async def _entries(db: Database) -> list[tuple[str, str, int]]:
    from sqlalchemy import select

    from storage.models import SituationEntry

    async with db.session() as session:
        rows = await session.scalars(select(SituationEntry).order_by(SituationEntry.id))
        return [(row.tlp, row.severity, row.revision) for row in rows]


async def test_an_edit_of_a_message_waiting_for_its_key_is_applied_after_it(
    db: Database,
) -> None:
    keys = _Keys(_plain(ORIGINAL, _report("matig", "amber"), 1000))
    syncer = _syncer(db, keys)
    room = RoomId(LIAISON)
    await syncer._handle_event(room, _encrypted(ORIGINAL, 1000))
    edit = Event.parse_event(_edit("$edit", _report("extreem", "rood"), 2000))
    await syncer._handle_event(room, edit)
    async with db.session() as session:
        # Not handled yet: it waits beside the message it edits.
        assert not await event_log.is_processed(session, EventId("$edit"))
    keys.arrived = True
    await syncer.undecryptable.retry(syncer._handle_event)
    assert await _entries(db) == [("RED", "Extreme", 2)]
    async with db.session() as session:
        assert not await pending_encrypted.all_pending(session)
        assert await event_log.is_processed(session, EventId("$edit"))


async def test_two_edits_of_a_waiting_message_are_applied_in_order(db: Database) -> None:
    keys = _Keys(_plain(ORIGINAL, _report("matig", "amber"), 1000))
    syncer = _syncer(db, keys)
    room = RoomId(LIAISON)
    await syncer._handle_event(room, _encrypted(ORIGINAL, 1000))
    first = Event.parse_event(_edit("$edit1", _report("ernstig", "rood"), 2000))
    second = Event.parse_event(_edit("$edit2", _report("gering", "rood"), 3000))
    await syncer._handle_event(room, first)
    await syncer._handle_event(room, second)
    keys.arrived = True
    await syncer.undecryptable.retry(syncer._handle_event)
    assert await _entries(db) == [("RED", "Minor", 3)]


async def test_an_edit_of_a_message_whose_key_never_came_is_handled_once_it_is_given_up(
    db: Database,
) -> None:
    """The original is given up (its sender told it could not be read); the edit then
    goes as an edit of a message that left no entry goes: as the report it now is."""
    keys = _Keys(_plain(ORIGINAL, _report("matig", "amber"), 1000))
    syncer = _syncer(db, keys)
    syncer.undecryptable.grace = syncer.undecryptable.grace * 0  # give up at once
    room = RoomId(LIAISON)
    await syncer._handle_event(room, _encrypted(ORIGINAL, 1000))
    await syncer._handle_event(
        room, Event.parse_event(_edit("$edit", _report("extreem", "rood"), 2000))
    )
    await syncer.undecryptable.retry(syncer._handle_event)  # the original is given up
    await syncer.undecryptable.retry(syncer._handle_event)  # then the edit is handled
    async with db.session() as session:
        assert not await pending_encrypted.all_pending(session)
        assert await event_log.is_processed(session, EventId("$edit"))
    assert await _entries(db) == [("RED", "Extreme", 1)]


async def test_a_waiting_edit_is_handled_when_the_bot_starts_without_encryption(
    db: Database,
) -> None:
    """The bot restarts with encryption off while an edit waits beside its original:
    no key can come, so the original is given up (its sender told), and the edit, which
    the bot read already, is handled as after any give-up. Before, it was given up too,
    its sender told it could not be read: the report it made was lost (low)."""
    keys = _Keys(_plain(ORIGINAL, _report("matig", "amber"), 1000))
    syncer = _syncer(db, keys)
    room = RoomId(LIAISON)
    await syncer._handle_event(room, _encrypted(ORIGINAL, 1000))
    await syncer._handle_event(
        room, Event.parse_event(_edit("$edit", _report("extreem", "rood"), 2000))
    )
    syncer.client.olm = None  # the next run: encryption off
    await syncer.undecryptable.retry(syncer._handle_event)
    assert await _entries(db) == [("RED", "Extreme", 1)]
    async with db.session() as session:
        assert not await pending_encrypted.all_pending(session)
        assert await event_log.is_processed(session, EventId("$edit"))
