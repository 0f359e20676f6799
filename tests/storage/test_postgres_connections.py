"""PostgreSQL connections: what the server sees per transaction, and a closed one replaced.

Real server (the suite's own cluster), its log read back: the database is set to
`log_statement = all`, so every statement a session sends is one log line.

`pool_pre_ping` cost a round trip of its own (BEGIN; `;`; ROLLBACK) every time a
connection left the pool, before the transaction's own BEGIN: 6 BEGINs for 3
transactions on a warm pool. The pool now only asks the driver whether the socket is
still open (no round trip), and replaces a connection the server closed; a server
restart (every pooled connection closed under the pool) is survived the same way.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from tests.support.migrated import migrated_postgres_url
from tests.support.postgres import Postgres

pytestmark = pytest.mark.postgres

# One statement per log line: "LOG:  statement: BEGIN;" (simple protocol) or
# "LOG:  execute __asyncpg_stmt_1__: SELECT 1" (a prepared statement).
STATEMENT = re.compile(r"LOG:\s+(?:statement|execute [^:]*):\s*(.*)$")


async def _admin(server: Postgres) -> asyncpg.Connection:
    return await asyncpg.connect(host="127.0.0.1", port=server.port, user="postgres")


@pytest.fixture
async def logged(postgres: Postgres) -> AsyncIterator[tuple[Database, Postgres]]:
    url = await migrated_postgres_url(postgres)
    admin = await _admin(postgres)
    try:
        await admin.execute(f"ALTER DATABASE {make_url(url).database} SET log_statement = 'all'")
    finally:
        await admin.close()
    database = Database(url)
    yield database, postgres
    await database.close()


def _statements_since(server: Postgres, offset: int) -> list[str]:
    with (server.workdir / "log").open(encoding="utf-8", errors="replace") as log:
        log.seek(offset)
        lines = log.read().splitlines()
    found = (STATEMENT.search(line) for line in lines)
    return [match.group(1).strip().rstrip(";").upper() for match in found if match]


def _log_size(server: Postgres) -> int:
    return (server.workdir / "log").stat().st_size


async def _backend_pid(db: Database) -> int:
    async with db.transaction() as session:
        return int(await session.scalar(text("SELECT pg_backend_pid()")) or 0)


async def test_a_transaction_costs_no_extra_round_trip(logged: tuple[Database, Postgres]) -> None:
    db, server = logged
    await _backend_pid(db)  # the pool's first connection and the dialect's first queries
    offset = _log_size(server)
    for _ in range(3):
        async with db.transaction() as session:
            await session.execute(text("SELECT 1"))
    seen = _statements_since(server, offset)
    assert seen.count("BEGIN") == 3, seen
    assert seen.count("COMMIT") == 3, seen
    assert "ROLLBACK" not in seen, seen  # no ping transaction
    assert "" not in seen, seen  # no ping statement (";")
    assert len(seen) == 9, seen


async def _terminate(server: Postgres, pids: list[int]) -> None:
    admin = await _admin(server)
    try:
        for pid in pids:
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()
    await asyncio.sleep(0.3)  # the driver reads the server's goodbye and the socket's end


async def test_a_connection_closed_under_the_pool_is_replaced(
    logged: tuple[Database, Postgres],
) -> None:
    db, server = logged
    before = await _backend_pid(db)
    await _terminate(server, [before])
    after = await _backend_pid(db)  # no error: a new connection
    assert after != before


async def test_every_pooled_connection_closed_as_by_a_restart(
    logged: tuple[Database, Postgres],
) -> None:
    db, server = logged
    # Two connections in the pool: two transactions at once.
    gate = asyncio.Event()

    async def held() -> int:
        async with db.transaction() as session:
            pid = int(await session.scalar(text("SELECT pg_backend_pid()")) or 0)
            await gate.wait()
            return pid

    tasks = [asyncio.create_task(held()) for _ in range(2)]
    await asyncio.sleep(0.5)
    gate.set()
    pooled = [await task for task in tasks]
    assert len(set(pooled)) == 2
    await _terminate(server, pooled)
    again = await asyncio.gather(_backend_pid(db), _backend_pid(db))
    assert not set(again) & set(pooled)
    assert await db.ping()


async def test_a_server_restart_is_survived() -> None:
    # A cluster of its own: the suite's shared one is not restarted under other tests.
    with Postgres() as server:
        db = Database(server.create_database())
        try:
            before = await _backend_pid(db)
            # Same data, same port; with its log file (without one the new server would
            # hold on to the output pipe this call reads to its end).
            server._pg_ctl("-l", str(server.workdir / "log"), "-m", "fast", "-w", "restart")
            await asyncio.sleep(0.3)
            assert await _backend_pid(db) != before
        finally:
            await db.close()


async def test_marks_of_any_number_of_rooms_is_one_prepared_statement(
    logged: tuple[Database, Postgres],
) -> None:
    # An IN list of n parameters is a statement of its own for every n: each a prepare
    # (a round trip) and an entry in the driver's statement cache, pushing out others.
    db, _server = logged
    async with db.transaction() as session:
        await room_repo.note_event(session, RoomId("!r1:x"), "$last", 5)
    async with db.session() as session:
        found = await room_repo.marks(session, ["!r1:x", "!unknown:x"])
        assert found == {"!r1:x": room_repo.RoomMark("$last", False, False)}
        for count in (1, 2, 3, 7, 50):
            await room_repo.marks(session, [f"!r{i}:x" for i in range(count)])
        prepared = await session.scalar(
            text(
                "SELECT count(*) FROM pg_prepared_statements"
                " WHERE statement LIKE 'SELECT rooms.room_id, rooms.last_event_id%'"
            )
        )
    assert prepared == 1
