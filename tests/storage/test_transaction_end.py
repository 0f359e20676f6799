"""How `Database.transaction()` ends: commit on success, rollback on error or
cancellation, the connection back in the pool every time, a commit that is under way
finished even when the caller is cancelled. Its begin, commit and close take fewer
steps than SQLAlchemy's `async with session, session.begin()` (storage/engine.py);
these are that form's guarantees, on both backends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from storage import event_log, sync_state
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId

ROOM = RoomId("!end:x")
USER = UserId("@end:x")


def _idle(db: Database) -> bool:
    """No connection of the pool is out (each transaction's went back)."""
    return db.engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def _recorded(db: Database, event_id: str) -> bool:
    async with db.session() as session:
        return await event_log.is_processed(session, EventId(event_id))


async def test_success_commits_and_returns_the_connection(db: Database) -> None:
    async with db.transaction() as session:
        await event_log.record(session, EventId("$ok"), ROOM, USER, "replied", datetime.now(UTC))
    assert _idle(db)
    assert await _recorded(db, "$ok")
    assert not session.in_transaction()


async def test_error_rolls_back_raises_it_and_returns_the_connection(db: Database) -> None:
    with pytest.raises(LookupError, match="handler"):
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$no"), ROOM, USER, "replied", datetime.now(UTC)
            )
            raise LookupError("handler")
    assert _idle(db)
    assert not await _recorded(db, "$no")


async def test_failing_commit_raises_and_returns_the_connection(db: Database) -> None:
    async with db.transaction() as session:
        await event_log.record(session, EventId("$twice"), ROOM, USER, "replied", datetime.now(UTC))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await sync_state.set_next_batch(session, USER, "s-lost")
            # Sent with the commit (SQLite): the second copy fails there.
            await event_log.record(
                session, EventId("$twice"), ROOM, USER, "replied", datetime.now(UTC), defer=True
            )
    assert _idle(db)
    async with db.session() as session:
        assert await sync_state.get_next_batch(session, USER) != "s-lost"


async def test_cancelled_in_the_body_rolls_back(db: Database) -> None:
    entered = asyncio.Event()

    async def body() -> None:
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$cancel"), ROOM, USER, "replied", datetime.now(UTC)
            )
            entered.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(body())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _idle(db)
    assert not await _recorded(db, "$cancel")


async def test_cancelled_during_the_commit_finishes_it(db: Database) -> None:
    async def body() -> None:
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$late"), ROOM, USER, "replied", datetime.now(UTC)
            )
        await asyncio.sleep(30)

    task = asyncio.create_task(body())
    # Let the body run up to its end, then cancel while the commit's hop is under way.
    for _ in range(50):
        await asyncio.sleep(0)
        if task.done():
            break
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _idle(db)
    # Either the cancellation came before the end began (rolled back) or the end ran
    # to completion (committed): never half done, and the connection is back.
    async with db.transaction() as session:
        await sync_state.set_next_batch(session, USER, "after")
    assert _idle(db)
