"""A refused message (bot/untrusted.py) is recorded in the event log like any handled
one: its redelivery (a replayed sync batch, a restart before the token was stored) is
refused again in silence, with no second notice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nio import RoomMessageText
from sqlalchemy import func, select

from bot.untrusted import UntrustedSenders
from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite
from tests.support.senders import RecordingSender

ROOM = RoomId("!encrypted:x")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "refused.db")
    yield database
    await database.close()


async def test_a_redelivered_refused_message_gets_no_second_notice(db: Database) -> None:
    client = SimpleNamespace(olm=object(), rooms={ROOM: SimpleNamespace(encrypted=True)})
    sender = RecordingSender()
    untrusted = UntrustedSenders(client, db, sender, "nl", "cross-signed", None)  # type: ignore[arg-type]
    source = {
        "type": "m.room.message",
        "event_id": "$injected",
        "sender": "@alice:x",
        "origin_server_ts": 1_700_000_000_000,
        "content": {"msgtype": "m.text", "body": "!melding dijk doorgebroken"},
    }
    event = RoomMessageText.from_dict(source)
    assert await untrusted.refuse(ROOM, event)
    assert await untrusted.refuse(ROOM, RoomMessageText.from_dict(source))  # redelivered
    assert len(sender.submitted) == 1 and untrusted.refused == 1
    assert "onversleuteld" in str(sender.submitted[0].content["body"])
    async with db.session() as session:
        assert await event_log.is_processed(session, EventId("$injected"))
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert rows == 1
