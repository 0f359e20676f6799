"""Attack on the outbox during a homeserver outage (outside tester, session 10).

Synapse answers an internal error with HTTP 500 and `M_UNKNOWN`; a reverse proxy in
front of a restarting Synapse answers 502/503 with an HTML page (matrix-nio makes that
an error with no code). The sender took `M_UNKNOWN` as a refusal for good (the reply
was dropped at the first try) and counted the others as failed attempts (dropped after
twelve, about seven minutes of backoff): a severe report's alert to the coordinators,
a confirmation or a curator's answer queued before such an outage was lost. A server
error is now waited out like an unreachable server; a refusal (4xx) still ends a row.
(A partial outage, one worker broken: tests/unit/test_partial_outage.py.)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from nio import ErrorResponse

from bot.backoff import Backoff
from bot.sender import MAX_ATTEMPTS, OutboxSender
from storage import outbox
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite

ROOM = RoomId("!coord:x")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "outage.db")
    yield database
    await database.close()


class _Client:
    """Answers `failures` sends with `error` (its HTTP status as nio keeps it), then takes them."""

    def __init__(self, failures: int, error: ErrorResponse, status: int) -> None:
        self.failures, self.error, self.status = failures, error, status
        self.tries = 0
        self.sent = 0
        self.rooms: dict[str, object] = {}

    async def room_send(self, room_id: str, *args: object, **kwargs: object) -> object:
        self.tries += 1
        if self.tries <= self.failures:
            self.error.transport_response = SimpleNamespace(status=self.status)  # type: ignore[assignment]
            return self.error
        self.sent += 1
        return SimpleNamespace(event_id="$sent")


async def _send_through(db: Database, client: _Client) -> OutboxMessage:
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    async with db.transaction() as session:
        row = await outbox.add(session, ROOM, "message", {"body": "alert"}, outbox.txn_id_for("a"))
    assert row is not None
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row])
    for _ in range(400):
        if client.sent or client.tries > client.failures + 2:
            break
        await asyncio.sleep(0.01)
        sender.wake()
    stop.set()
    await task
    async with db.session() as session:
        stored = await session.get(OutboxMessage, row.id)
    assert stored is not None
    return stored


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ErrorResponse("Internal server error", "M_UNKNOWN"), 500),  # Synapse's own 500
        (ErrorResponse("unknown error"), 502),  # a proxy's HTML page: no code
        (ErrorResponse("unknown error"), 503),
    ],
)
async def test_a_reply_outlives_a_long_server_error(
    db: Database, error: ErrorResponse, status: int
) -> None:
    client = _Client(MAX_ATTEMPTS + 3, error, status)
    stored = await _send_through(db, client)
    assert client.sent == 1, (client.tries, stored.last_error)
    assert stored.failed_at is None


async def test_a_refusal_still_ends_the_row(db: Database) -> None:
    """A 4xx refusal does not go away by waiting: the row is given up (and logged)."""
    client = _Client(1, ErrorResponse("nope", "M_FORBIDDEN"), 403)
    stored = await _send_through(db, client)
    assert client.sent == 0 and stored.failed_at is not None


async def test_a_row_failing_while_only_other_rooms_go_through_is_kept(db: Database) -> None:
    """While the homeserver takes other rooms' rows, one it answers 500 every time may
    be its room's broken worker (tests/unit/test_partial_outage.py): the other rooms go
    on, and the row is not given up after MAX_ATTEMPTS (before, it was: a room on a
    broken worker lost its alerts). A row whose own room goes on is given up there."""

    class _OneBad(_Client):
        async def room_send(self, room_id: str, *args: object, **kwargs: object) -> object:
            content = args[1] if len(args) > 1 else kwargs.get("content")
            if isinstance(content, dict) and content.get("body") == "bad":
                self.tries += 1
                self.error.transport_response = SimpleNamespace(status=500)  # type: ignore[assignment]
                return self.error
            self.sent += 1
            return SimpleNamespace(event_id=f"$ok{self.sent}")

    client = _OneBad(0, ErrorResponse("Internal server error", "M_UNKNOWN"), 500)
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    async with db.transaction() as session:
        bad = await outbox.add(session, ROOM, "message", {"body": "bad"}, outbox.txn_id_for("b"))
    assert bad is not None
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for n in range(60):
        async with db.transaction() as session:
            other = RoomId(f"!other{n % 3}:x")
            row = await outbox.add(
                session, other, "message", {"body": "ok"}, outbox.txn_id_for(f"o{n}")
            )
        sender.submit([row] if row is not None else [])
        sender.wake()
        await asyncio.sleep(0.01)
        await sender.record_sent()
        if client.tries > 3 * MAX_ATTEMPTS:
            break
    stop.set()
    await task
    async with db.session() as session:
        stored = await session.get(OutboxMessage, bad.id)
    assert client.tries > MAX_ATTEMPTS and client.sent >= 5, (client.tries, client.sent)
    assert stored is not None and stored.failed_at is None


class _SlowRefusal(_Client):
    """Refuses for good, but only once `release` is set: the send is under way meanwhile."""

    def __init__(self) -> None:
        super().__init__(1, ErrorResponse("nope", "M_FORBIDDEN"), 403)
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def room_send(self, room_id: str, *args: object, **kwargs: object) -> object:
        self.started.set()
        await self.release.wait()
        return await super().room_send(room_id, *args, **kwargs)


async def test_a_row_refused_while_the_table_was_read_is_not_sent_again(db: Database) -> None:
    """The table is read again while a row is under way (a wake-up for a greeting, a
    schedule): the read puts the row back in the queue. A sent or voided row is
    remembered as done; a row refused for good was not, so its copy went out again
    right after the refusal (on a busy machine `test_a_refusal_still_ends_the_row`
    failed now and then for this)."""
    client = _SlowRefusal()
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    async with db.transaction() as session:
        row = await outbox.add(session, ROOM, "message", {"body": "alert"}, outbox.txn_id_for("b"))
    assert row is not None
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row])
    await asyncio.wait_for(client.started.wait(), 5)
    sender.wake()  # rows queued elsewhere: the loop reads the table, the row still pending
    for _ in range(20):
        await asyncio.sleep(0.01)
    client.release.set()
    for _ in range(50):
        await asyncio.sleep(0.01)
    stop.set()
    await task
    async with db.session() as session:
        stored = await session.get(OutboxMessage, row.id)
    assert stored is not None and stored.failed_at is not None
    assert (client.tries, client.sent) == (1, 0)
