"""A refused reaction (bot/untrusted.py) is answered only when it reacts to one of the
bot's own messages (a 👍 confirming a free-text offer, say) or to a free-text message
the bot offered to record (its author's 👍 records it): only those would the bot have
acted on. A 👍 from an unverified session under a colleague's message was met
with "Dit bericht heb ik niet verwerkt" in reply to the reaction, once for every
reaction, in every room: the bot had nothing to process there."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nio import ReactionEvent

from bot.untrusted import UntrustedSenders
from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId
from storage.models import OutboxMessage, PendingOffer
from tests.support.migrated import migrated_sqlite
from tests.support.senders import RecordingSender

ROOM = RoomId("!encrypted:x")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "refused.db")
    yield database
    await database.close()


def _reaction(event_id: str, to: str) -> ReactionEvent:
    event = ReactionEvent.from_dict(
        {
            "type": "m.reaction",
            "event_id": event_id,
            "sender": "@alice:x",
            "origin_server_ts": 1_700_000_000_000,
            "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": to, "key": "👍"}},
        }
    )
    assert isinstance(event, ReactionEvent)
    return event


async def test_a_refused_reaction_is_answered_only_under_the_bot_s_message(db: Database) -> None:
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                txn_id="offer",
                room_id=ROOM,
                kind="message",
                content={"msgtype": "m.notice", "body": "Zal ik dit als melding vastleggen?"},
                result_event_id="$bots-offer",
            )
        )
        session.add(
            PendingOffer(
                room_id=ROOM, message_event_id="$update", sender="@alice:x", body="Dijk houdt"
            )
        )
    client = SimpleNamespace(olm=object(), rooms={ROOM: SimpleNamespace(encrypted=True)})
    sender = RecordingSender()
    untrusted = UntrustedSenders(client, db, sender, "nl", "cross-signed", None)  # type: ignore[arg-type]
    assert await untrusted.refuse(ROOM, _reaction("$like", "$colleagues-message"))
    assert sender.submitted == []
    assert await untrusted.refuse(ROOM, _reaction("$confirm", "$bots-offer"))
    assert len(sender.submitted) == 1
    assert await untrusted.refuse(ROOM, _reaction("$own", "$update"))
    assert len(sender.submitted) == 2
    async with db.session() as session:
        assert await event_log.is_processed(session, EventId("$like"))
        assert await event_log.is_processed(session, EventId("$confirm"))
