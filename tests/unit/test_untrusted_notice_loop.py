"""A refused m.notice gets no notice back (bot/untrusted.py).

Bots send m.notice and never answer one. A refusal notice in reply to another bot's
notice (a bridge or monitoring bot posting in the clear into an encrypted room, or a
second Knooppunt of a partner organisation whose device this bot does not trust)
is noise for every one of its messages, and between two bots that refuse each other
an endless exchange: each refusal is itself a notice from a device the other refuses.
The notice is still not acted on, and is recorded as handled."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import RoomMessageNotice, RoomMessageText
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


def _source(event_id: str, content: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": "@otherbot:x",
        "origin_server_ts": 1_700_000_000_000,
        "content": content,
    }


async def test_a_refused_notice_is_not_answered_with_a_notice(db: Database) -> None:
    client = SimpleNamespace(olm=object(), rooms={ROOM: SimpleNamespace(encrypted=True)})
    sender = RecordingSender()
    untrusted = UntrustedSenders(client, db, sender, "nl", "cross-signed", None)  # type: ignore[arg-type]
    notice = RoomMessageNotice.from_dict(
        _source("$notice", {"msgtype": "m.notice", "body": "Ik reageer op commando's."})
    )
    edit = RoomMessageText.from_dict(
        _source(
            "$notice-edit",
            {
                "msgtype": "m.notice",
                "body": "* bijgewerkt",
                "m.new_content": {"msgtype": "m.notice", "body": "bijgewerkt"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$notice"},
            },
        )
    )
    assert await untrusted.refuse(ROOM, notice)  # still not acted on
    assert await untrusted.refuse(ROOM, edit)
    assert sender.submitted == []
    async with db.session() as session:
        assert await event_log.is_processed(session, EventId("$notice"))
        assert await event_log.is_processed(session, EventId("$notice-edit"))
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert rows == 0


async def test_a_refused_text_message_is_still_answered(db: Database) -> None:
    client = SimpleNamespace(olm=object(), rooms={ROOM: SimpleNamespace(encrypted=True)})
    sender = RecordingSender()
    untrusted = UntrustedSenders(client, db, sender, "nl", "cross-signed", None)  # type: ignore[arg-type]
    text = RoomMessageText.from_dict(_source("$text", {"msgtype": "m.text", "body": "!beeld"}))
    assert await untrusted.refuse(ROOM, text)
    assert len(sender.submitted) == 1
