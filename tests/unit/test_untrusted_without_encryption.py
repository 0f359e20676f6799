"""Plain text in an encrypted room is not acted on by a bot without encryption either
(bot/untrusted.py). Such a bot reads nothing of an encrypted room but what arrives in
the clear, which clients never send there: only the homeserver, or someone holding a
member's access token, can put it there under any name. `refuse` returned False
whenever nio had no key store, so a bot with encryption off filed an injected
'!melding' in an encrypted room as that member's report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nio import RoomMessageText

from bot.untrusted import UntrustedSenders
from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId
from tests.support.migrated import migrated_sqlite
from tests.support.senders import RecordingSender

ENCRYPTED = RoomId("!encrypted:x")
PLAIN = RoomId("!plain:x")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "refused.db")
    yield database
    await database.close()


def _text(event_id: str) -> RoomMessageText:
    event = RoomMessageText.from_dict(
        {
            "type": "m.room.message",
            "event_id": event_id,
            "sender": "@alice:x",
            "origin_server_ts": 1_700_000_000_000,
            "content": {"msgtype": "m.text", "body": "!melding water dijk doorgebroken"},
        }
    )
    assert isinstance(event, RoomMessageText)
    return event


async def test_plain_text_in_an_encrypted_room_is_refused_without_encryption(
    db: Database,
) -> None:
    rooms = {ENCRYPTED: SimpleNamespace(encrypted=True), PLAIN: SimpleNamespace(encrypted=False)}
    client = SimpleNamespace(olm=None, rooms=rooms)
    untrusted = UntrustedSenders(client, db, RecordingSender(), "nl", "cross-signed", None)  # type: ignore[arg-type]
    assert await untrusted.refuse(ENCRYPTED, _text("$injected"))
    assert not await untrusted.refuse(PLAIN, _text("$ordinary"))
    async with db.session() as session:
        assert await event_log.is_processed(session, EventId("$injected"))
        assert not await event_log.is_processed(session, EventId("$ordinary"))
