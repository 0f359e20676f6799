"""A kept deletion lapses (session 17): kept for ever, it could be carried out days later,
when a session of the person became trusted, long after the report or answer it took
back had been acted on. And a phished login's deletion stayed waiting for that moment:
the person verifying some session a week later carried out what the attacker sent.

Now a deletion not counted within `HELD_FOR` of its refusal lapses: it is dropped, never
carried out (not by a verification, not by a 👍), and the person is told in the room,
under the message they deleted, that it still counts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage import held_redactions as store
from storage import outbox
from storage.engine import Database
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite
from tests.unit.test_held_redactions import PERSON, ROOM, _client, _reaction, _refused

# How long a refused deletion is kept (bot/held_redactions.py `HELD_FOR`).
HELD_FOR = timedelta(hours=24)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "lapse.db")
    yield database
    await database.close()


def _later(by: timedelta) -> Any:
    moment = datetime.now(UTC) + by
    return lambda: moment


async def _notices(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def _held(db: Database) -> list[store.Held]:
    async with db.session() as session:
        return await store.pending(session)


async def test_a_verification_after_the_lapse_carries_out_nothing(db: Database) -> None:
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    held.now = _later(HELD_FOR + timedelta(minutes=1))
    client.olm.verified.add("OLDPHONE")  # verified, but long after
    await held.recheck([PERSON])
    assert handler.handled == []
    assert await _held(db) == []
    rows = await _notices(db)
    lapsed = [r for r in rows if "verlopen" in str(r.content.get("body"))]
    assert len(lapsed) == 1, [r.content.get("body") for r in rows]
    relates = lapsed[0].content["m.relates_to"]["m.in_reply_to"]["event_id"]
    assert relates == "$report"  # under the message they deleted, which still counts
    await held.recheck([PERSON])  # told once
    assert len([r for r in await _notices(db) if "verlopen" in str(r.content.get("body"))]) == 1


async def test_within_the_bound_it_still_counts(db: Database) -> None:
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    held.now = _later(HELD_FOR - timedelta(minutes=5))
    client.olm.verified.add("OLDPHONE")
    await held.recheck([PERSON])
    assert len(handler.handled) == 1


async def test_a_thumbs_up_after_the_lapse_carries_out_nothing(db: Database) -> None:
    client = _client({"LAPTOP"})
    untrusted, held, handler = await _refused(db, client)
    notice = untrusted.sender.submitted[0]  # type: ignore[attr-defined]
    async with db.transaction() as session:
        await outbox.mark_sent_by_txn(session, notice.txn_id, "$notice")
    held.now = _later(HELD_FOR + timedelta(hours=1))
    assert await held.confirm(ROOM, _reaction("$r1", "$notice", "👍"))
    assert handler.handled == []
    assert await _held(db) == []


async def test_the_lapse_is_told_without_any_device_check(db: Database) -> None:
    """Nobody verifies anything: the sweep after a sync drops it and tells the person."""
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    assert await held.lapse() == 0  # not yet
    held.now = _later(HELD_FOR + timedelta(minutes=1))
    assert await held.lapse() == 1
    assert await _held(db) == [] and handler.handled == []
    assert any("verlopen" in str(r.content.get("body")) for r in await _notices(db))


async def test_a_lapse_after_a_moderator_deleted_the_message_says_nothing(db: Database) -> None:
    from storage import redactions

    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    async with db.transaction() as session:
        await redactions.mark(session, "$report", ROOM, "@mod:x", "$modred", datetime.now(UTC))
    held.now = _later(HELD_FOR + timedelta(minutes=1))
    assert await held.lapse() == 1
    assert await _held(db) == [] and handler.handled == []
    assert not any("verlopen" in str(r.content.get("body")) for r in await _notices(db))
