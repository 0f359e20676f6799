"""A handled event's transaction commits with its last statement (storage/sqlite_driver.py,
COMMIT_OPTION): on SQLite the commit costs no round trip to aiosqlite's thread of its
own. The rows are committed all the same, a report's entry with them, and a failure
of the last statement still rolls the whole transaction back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.handling import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, RoomView
from commands.message import Message
from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import OutboxMessage, ProcessedEvent, SituationEntry
from storage.rooms import BindingView
from tests.support.rooms import storm_database_fixture

ROOM = RoomId("!ggd:x")
ALICE = UserId("@alice:x")


db = storm_database_fixture([(ROOM, "liaison", "GGD")])


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What each round trip to aiosqlite's thread ran (the function's name)."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counting(self: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    yield seen


def _view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
    return RoomView(room_id=room_id, role="liaison", binding=binding, encrypted=True)


def _message(event_id: str, body: str) -> Message:
    return Message(EventId(event_id), ROOM, ALICE, body, datetime.now(UTC))


async def _count(db: Database, model: Any) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_command_commits_with_its_reply_and_no_commit_round_trip(
    db: Database, hops: list[str]
) -> None:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"), savepoints=False)
    result = await process_message(db, dispatcher, _message("$help", "!help"), _view)
    assert result is not None and len(result[0]) == 1
    # The context (with BEGIN), then the log entry (deferred) with the reply and the
    # commit: two trips, not one per statement.
    assert hops == ["_run", "_run"], hops
    assert await _count(db, ProcessedEvent) == 1
    assert await _count(db, OutboxMessage) == 1


async def test_a_report_and_its_entry_are_committed_whole(db: Database, hops: list[str]) -> None:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"), savepoints=False)
    result = await process_message(
        db,
        dispatcher,
        _message("$r1", "!melding stroom\ngemeente: Dordrecht\nStroom uit."),
        _view,
    )
    assert result is not None
    assert "commit" not in hops  # committed with the last statement
    assert await _count(db, SituationEntry) == 1
    assert await _count(db, ProcessedEvent) == 1
    # Replayed: nothing new (the log entry was committed with the rest).
    again = await process_message(
        db,
        dispatcher,
        _message("$r1", "!melding stroom\ngemeente: Dordrecht\nStroom uit."),
        _view,
    )
    assert again is None
    assert await _count(db, SituationEntry) == 1


@pytest.mark.parametrize("how", ["last", "defer"])
async def test_a_failing_last_statement_rolls_everything_back(db: Database, how: str) -> None:
    async with db.transaction() as session:
        await event_log.record(session, EventId("$x"), ROOM, ALICE, "ignored", datetime.now(UTC))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$y"), ROOM, ALICE, "ignored", datetime.now(UTC)
            )
            # The same event again, as the last statement (committing it, or deferred to
            # the commit): refused, and nothing committed.
            await event_log.record(
                session, EventId("$x"), ROOM, ALICE, "ignored", datetime.now(UTC), **{how: True}
            )
    async with db.session() as session:
        assert await event_log.seen(session, "$y") is None


async def test_a_statement_after_the_last_one_is_refused_not_run_on_its_own(
    db: Database,
) -> None:
    """Were it run, it would be in a transaction of its own, apart from the rest."""
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$a"), ROOM, ALICE, "ignored", datetime.now(UTC), last=True
            )
            await event_log.record(
                session, EventId("$b"), ROOM, ALICE, "ignored", datetime.now(UTC)
            )
    async with db.session() as session:
        assert await event_log.seen(session, "$b") is None
    # The connection is fine afterwards: the next transaction commits as usual.
    async with db.transaction() as session:
        await event_log.record(session, EventId("$c"), ROOM, ALICE, "ignored", datetime.now(UTC))
    async with db.session() as session:
        assert await event_log.seen(session, "$c") is not None


async def test_a_deferred_statement_goes_with_the_next_one(db: Database, hops: list[str]) -> None:
    async with db.transaction() as session:
        await event_log.record(
            session, EventId("$d1"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
        )
        assert hops == []  # kept for the next statement's trip
        await event_log.record(
            session, EventId("$d2"), ROOM, ALICE, "ignored", datetime.now(UTC), last=True
        )
    assert hops == ["_run"]
    async with db.session() as session:
        assert await event_log.seen(session, "$d1") is not None
        assert await event_log.seen(session, "$d2") is not None


async def test_a_deferred_statement_is_seen_by_the_next_read(db: Database) -> None:
    async with db.transaction() as session:
        await event_log.record(
            session, EventId("$r"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
        )
        assert await event_log.seen(session, "$r") is not None


async def test_a_deferred_last_statement_goes_with_the_commit(
    db: Database, hops: list[str]
) -> None:
    async with db.transaction() as session:
        await event_log.record(
            session, EventId("$c"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
        )
    assert hops == ["_run"]  # the statement, its BEGIN and the commit in one trip
    async with db.session() as session:
        assert await event_log.seen(session, "$c") is not None


async def test_a_failing_deferred_statement_rolls_everything_back(db: Database) -> None:
    async with db.transaction() as session:
        await event_log.record(
            session, EventId("$x"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
        )
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$y"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
            )
            # A duplicate, deferred: refused with the statement after it.
            await event_log.record(
                session, EventId("$x"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
            )
            await event_log.record(
                session, EventId("$z"), ROOM, ALICE, "ignored", datetime.now(UTC), last=True
            )
    async with db.session() as session:
        assert await event_log.seen(session, "$y") is None
        assert await event_log.seen(session, "$z") is None
    # Nothing deferred is left over for the connection's next transaction.
    async with db.transaction() as session:
        await event_log.record(
            session, EventId("$w"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
        )
    async with db.session() as session:
        assert await event_log.seen(session, "$w") is not None
        assert await event_log.seen(session, "$z") is None


async def test_a_rolled_back_transaction_drops_its_deferred_statement(db: Database) -> None:
    with pytest.raises(ValueError):
        async with db.transaction() as session:
            await event_log.record(
                session, EventId("$gone"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
            )
            raise ValueError("handler failed")
    async with db.transaction() as session:
        await event_log.record(
            session, EventId("$kept"), ROOM, ALICE, "ignored", datetime.now(UTC), defer=True
        )
    async with db.session() as session:
        assert await event_log.seen(session, "$gone") is None
        assert await event_log.seen(session, "$kept") is not None
