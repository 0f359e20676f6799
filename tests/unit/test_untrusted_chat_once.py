"""Refusal notices for an unverified session (helper leftovers12, gaps 1, 2 and 5).

- Chat (no command) in a coordinator or curator room is never acted on, even from a
  trusted device; a notice for each such message from an unverified session is noise:
  one per room, sender and session (kept in the outbox's transaction ids, so a restart
  does not repeat it), still refused every time. A command gets its notice each time.
- The notice is encrypted for the room's trusted devices only (never in the clear,
  never keys for the refused device), so the refused session cannot read it: it names
  that session, for the person to recognise on a verified device (theirs, or an
  attacker's login), and says what an operator can do for clients without
  cross-signing (`encryption_trust: tofu`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import RoomMessageText
from sqlalchemy import func, select

from bot.untrusted import UntrustedSenders
from commands.i18n import t
from storage import event_log, rooms
from storage.engine import Database
from storage.ids import EventId, RoomId
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite
from tests.support.senders import RecordingSender

ROOM = RoomId("!coordinators:x")
PERSON = "@anna:x"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "refused.db")
    yield database
    await database.close()


class _Store:
    def get(self, room_id: str, sender_key: str, session_id: str) -> None:
        return None  # no session the bot trusts: the device is not verified


def _client() -> Any:
    device = SimpleNamespace(id="PHISHED1", curve25519="Y3VydmU", ed25519="ZWQ", deleted=False)
    devices = SimpleNamespace(active_user_devices=lambda user: [device])
    olm = SimpleNamespace(inbound_group_store=_Store())
    return SimpleNamespace(
        olm=olm, rooms={ROOM: SimpleNamespace(encrypted=True)}, device_store=devices
    )


def _decrypted(event_id: str, body: str, sender_key: str = "Y3VydmU") -> RoomMessageText:
    event = RoomMessageText.from_dict(
        {
            "type": "m.room.message",
            "event_id": event_id,
            "sender": PERSON,
            "origin_server_ts": 1_700_000_000_000,
            "content": {"msgtype": "m.text", "body": body},
        }
    )
    event.decrypted = True
    event.sender_key = sender_key
    event.session_id = "c2Vzc2lvbg"
    return event


async def _bind(db: Database, role: str) -> None:
    async with db.transaction() as session:
        await rooms.bind(
            session,
            ROOM,
            role=role,
            incident=None,
            organisation=None,
            tlp_default="GREEN",
            clearance="AMBER",
            by="@admin:x",
        )


async def _rows(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_chat_from_an_unverified_session_gets_one_notice_per_session(db: Database) -> None:
    await _bind(db, "coordinator")
    sender = RecordingSender()
    untrusted = UntrustedSenders(_client(), db, sender, "nl", "cross-signed", None)
    assert await untrusted.refuse(ROOM, _decrypted("$chat1", "Wie gaat er naar het overleg?"))
    assert await untrusted.refuse(ROOM, _decrypted("$chat2", "Ik ben er om 10 uur."))
    assert len(sender.submitted) == 1 and await _rows(db) == 1
    async with db.session() as session:  # both refused, both recorded as handled
        assert await event_log.is_processed(session, EventId("$chat2"))

    # After a restart (a new instance): still once.
    again = UntrustedSenders(_client(), db, sender, "nl", "cross-signed", None)
    assert await again.refuse(ROOM, _decrypted("$chat3", "Nog iemand koffie?"))
    assert await _rows(db) == 1

    # A command gets its notice every time: the person expects an answer to it.
    assert await again.refuse(ROOM, _decrypted("$cmd1", "!beeld"))
    assert await again.refuse(ROOM, _decrypted("$cmd2", "Knooppunt: !beeld"))
    assert await _rows(db) == 3

    # Another session of the same person: its own first notice.
    assert await again.refuse(ROOM, _decrypted("$chat4", "Hallo", sender_key="b3RoZXI"))
    assert await _rows(db) == 4


async def test_free_text_in_a_liaison_room_is_told_each_time(db: Database) -> None:
    await _bind(db, "liaison")  # free text there may be an update offered as a report
    sender = RecordingSender()
    untrusted = UntrustedSenders(_client(), db, sender, "nl", "cross-signed", None)
    assert await untrusted.refuse(ROOM, _decrypted("$u1", "update stroom: 800 zonder stroom"))
    assert await untrusted.refuse(ROOM, _decrypted("$u2", "update stroom: 700 zonder stroom"))
    assert await _rows(db) == 2


async def test_the_notice_names_the_refused_session_and_the_operators_remedy(
    db: Database,
) -> None:
    sender = RecordingSender()
    untrusted = UntrustedSenders(_client(), db, sender, "nl", "cross-signed", None)
    assert await untrusted.refuse(ROOM, _decrypted("$cmd", "!beeld"))
    body = str(sender.submitted[0].content["body"])
    assert "PHISHED1" in body  # recognisable on her verified device
    assert "tofu" in body  # what an operator can do for clients without cross-signing


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_refusal_text_tells_of_tofu_in_both_languages(lang: str) -> None:
    text = t(lang, "untrusted_device", session="ABC")  # type: ignore[arg-type]
    assert "ABC" in text and "encryption_trust: tofu" in text
