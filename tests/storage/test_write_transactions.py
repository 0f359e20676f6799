"""A write transaction that reads and then writes never fails with "database is locked".

SQLite, real database file, two connections of the pool: one write transaction
reads (inside a savepoint, as the dispatcher runs a handler), another connection
commits a write meanwhile, then the first writes. With a deferred transaction the
first one held a stale snapshot and its write failed at once ("database is
locked"; busy_timeout does not apply to that upgrade). Write transactions now
begin IMMEDIATE (storage/sqlite_driver.py): the second writer waits for the
first instead. Also end to end: a follow-up report (`betreft:` reads the item
before the entry is written) while another writer commits.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from bot.handling import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, RoomView
from commands.message import Message
from storage import items
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import KeyValue, SituationEntry
from storage.rooms import BindingView
from tests.support.rooms import storm_database

ROOM = RoomId("!ggd:x")
ALICE = UserId("@alice:x")
# Long enough for the other writer to commit, if nothing stops it, before we write.
PAUSE = 0.3


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "locks.db", [(ROOM, "liaison", "GGD")])
    yield database
    await database.close()


async def _other_writer(db: Database, key: str) -> float:
    """Commit one write on another connection; the moment it committed."""
    async with db.transaction() as session:
        session.add(KeyValue(key=key, value="x", updated_at=datetime.now(UTC)))
    return time.monotonic()


async def test_read_then_write_in_a_savepoint_while_another_commits(db: Database) -> None:
    other: asyncio.Task[float] | None = None
    async with db.transaction() as session:
        async with session.begin_nested():
            await session.scalar(select(func.count()).select_from(SituationEntry))
            other = asyncio.create_task(_other_writer(db, "other-1"))
            await asyncio.sleep(PAUSE)  # the other connection tries to commit now
            await session.execute(
                text("INSERT INTO kv (key, value, updated_at) VALUES ('mine-1', 'y', :now)"),
                {"now": datetime.now(UTC)},
            )
        written = time.monotonic()
    assert other is not None
    committed = await other
    # The other writer waited for this transaction (it began IMMEDIATE), it did not
    # slip in between our read and our write.
    assert committed >= written
    async with db.session() as session:
        keys = set(await session.scalars(select(KeyValue.key)))
    assert {"mine-1", "other-1"} <= keys


async def test_read_then_write_without_a_savepoint_is_not_split(db: Database) -> None:
    """The plain case: what the transaction read is what it writes against."""
    other: asyncio.Task[float] | None = None
    async with db.transaction() as session:
        before = await session.scalar(select(func.count()).select_from(KeyValue))
        other = asyncio.create_task(_other_writer(db, "other-2"))
        await asyncio.sleep(PAUSE)
        session.add(KeyValue(key="mine-2", value=str(before), updated_at=datetime.now(UTC)))
        await session.flush()
        still = await session.scalar(select(func.count()).select_from(KeyValue))
        assert still == (before or 0) + 1  # only our own row: nobody wrote in between
    assert other is not None
    await other


async def test_a_read_session_does_not_hold_up_writers(db: Database) -> None:
    """Reads stay deferred: a long read session does not take the write lock."""
    async with db.session() as reader:
        await reader.scalar(select(func.count()).select_from(SituationEntry))
        started = time.monotonic()
        await asyncio.wait_for(_other_writer(db, "other-3"), timeout=2)
        assert time.monotonic() - started < 1.0


def _view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
    return RoomView(room_id=room_id, role="liaison", binding=binding, encrypted=True)


async def test_a_follow_up_report_is_recorded_while_another_writer_commits(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Savepoints as in bench/portal.py and the console: the handler's reads are inside
    # a transaction that SQLite has begun, before the entry is written.
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"), savepoints=True)
    now = datetime.now(UTC)
    first = Message(
        EventId("$first"), ROOM, ALICE, "!melding stroom\ngemeente: Dordrecht\nStroom uit.", now
    )
    result = await process_message(db, dispatcher, first, _view)
    assert result is not None and "vastgelegd" in result[0][0].text  # type: ignore[union-attr]
    others: list[asyncio.Task[float]] = []
    real_follow_target = items.follow_target

    async def follow_target_then_pause(*args: object, **kwargs: object) -> object:
        found = await real_follow_target(*args, **kwargs)  # type: ignore[arg-type]
        others.append(asyncio.create_task(_other_writer(db, "other-4")))
        await asyncio.sleep(PAUSE)
        return found

    monkeypatch.setattr(items, "follow_target", follow_target_then_pause)
    follow_up = Message(
        EventId("$second"),
        ROOM,
        ALICE,
        "!melding stroom\ngemeente: Dordrecht\nbetreft: M-1\nStroom deels terug.",
        now,
    )
    result = await process_message(db, dispatcher, follow_up, _view)
    assert result is not None
    replies, _queued = result
    assert "vastgelegd" in replies[0].text, replies[0].text  # type: ignore[union-attr]
    assert others
    await others[0]
    async with db.session() as session:
        entry = await session.scalar(
            select(SituationEntry).where(SituationEntry.source_event_id == "$second")
        )
    assert entry is not None and entry.item_id == 1
