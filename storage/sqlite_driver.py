"""SQLite through aiosqlite with one thread hop per statement, and write
transactions that take the write lock when they begin.

aiosqlite runs every call on the connection's own thread and hands the result
back to the event loop: one "hop" (a queue put, a thread wake-up, a self-pipe
write, an event-loop turn). SQLAlchemy's stock adapter makes four of them for a
SELECT (create the cursor, execute, fetch all rows, close) and three for an
INSERT. On the report path that was some 27 hops for 7 statements, most of the
per-statement cost on a busy machine. The cursor here does all four steps in one
function on aiosqlite's thread: one hop per statement. Server-side (streaming)
cursors keep the stock adapter.

Write transactions (`Database.transaction()`) begin with `BEGIN IMMEDIATE`.
pysqlite's legacy mode begins a deferred transaction, and only before the first
INSERT/UPDATE/DELETE; a SAVEPOINT also begins a deferred one. A deferred
transaction that has read (it holds a snapshot) and then writes, after another
connection committed, fails at once with "database is locked": SQLite cannot
upgrade a stale snapshot, and busy_timeout does not apply to that upgrade.
`BEGIN IMMEDIATE` takes the write lock first (waiting up to busy_timeout), so
everything the transaction reads is what it writes against. The BEGIN is sent in
the same hop as the transaction's first statement. Read-only sessions
(`Database.session()`) and migrations keep pysqlite's default behaviour.

A statement run with the execution option COMMIT_OPTION commits the transaction in
its own hop, right after it ran: for the last statement of a transaction that is
committed next (each handled event's log entry or reply, bot/handling.py), the
commit then costs no hop of its own (`commit()` finds nothing open). Still on
aiosqlite's thread, never the event loop's. A commit that fails raises from that
statement, and the transaction is rolled back as after any failed statement.

A statement run with the execution option DEFER_OPTION is not sent at once: it is
kept, and run on aiosqlite's thread at the start of the transaction's next hop (the
next statement's, or the commit's), in order. For a write whose result nobody reads
and after which nothing in the transaction catches an error (each handled event's log
entry when replies follow it, bot/handling.py): a command then costs two hops, its
context read (with the BEGIN) and its log entry with its replies and the commit, not
three. A deferred statement that fails raises from the statement it went with, and
the whole transaction is rolled back; a rollback drops what was kept. Not for a
statement before a SAVEPOINT whose block catches errors: its failure would be caught
there, as if the block's own.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.engine import Connection
from sqlalchemy.util import await_only

# The execution option that marks a write transaction (see storage/engine.py).
WRITE_OPTION = "knooppunt_write"
BEGIN_WRITE = "BEGIN IMMEDIATE"
# The execution option of a statement after which its transaction commits (see above).
COMMIT_OPTION = "knooppunt_commit_after"
# The execution option of a statement that waits for the next hop (see above).
DEFER_OPTION = "knooppunt_defer"

_Result = tuple[Any, int, int | None, list[Any]]
# A statement as the cursor gets it: (operation, parameters, executemany or not).
_Statement = tuple[str, Any, bool]
_NOTHING: _Result = (None, -1, None, [])


def _execute(cursor: sqlite3.Cursor, statement: _Statement) -> None:
    operation, parameters, many = statement
    if many:
        cursor.executemany(operation, parameters)
    elif parameters is None:
        cursor.execute(operation)
    else:
        cursor.execute(operation, parameters)


def _run(
    conn: sqlite3.Connection,
    begin: str | None,
    deferred: list[_Statement],
    statement: _Statement | None,
    commit: bool,
) -> _Result:
    """On aiosqlite's thread: (BEGIN,) the deferred statements, the statement itself
    (fetch everything, close) if any, (COMMIT)."""
    if begin is not None and not conn.in_transaction:
        conn.execute(begin)
    result = _NOTHING
    cursor = conn.cursor()
    try:
        for kept in deferred:
            _execute(cursor, kept)
        if statement is not None:
            _execute(cursor, statement)
            description = cursor.description
            rows = cursor.fetchall() if description else []
            result = description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()
    if commit:
        conn.commit()
    return result


class OneHopCursor:
    """A DB-API cursor whose statement runs, and is read whole, in one hop.

    The rows are fetched on aiosqlite's thread and kept here, as SQLAlchemy's own
    adapter keeps them for a client-side cursor."""

    server_side = False

    def __init__(self, adapt_connection: OneHopConnection) -> None:
        self._adapt_connection = adapt_connection
        self._rows: collections.deque[Any] = collections.deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        # Set by `on_statement` for a statement run with COMMIT_OPTION or DEFER_OPTION.
        self.commit_after = False
        self.defer = False

    def _execute(self, operation: str, parameters: Any, many: bool) -> None:
        adapt = self._adapt_connection
        commit, self.commit_after = self.commit_after, False
        defer, self.defer = self.defer and not commit, False
        if adapt.committed_early:
            # Not silently in a transaction of its own: the last statement was not last.
            raise RuntimeError("a statement after the one that committed its transaction")
        if defer:
            adapt.deferred.append((operation, parameters, many))
            result = _NOTHING
        else:
            result = adapt.hop((operation, parameters, many), commit)
            adapt.committed_early = commit
        self.description, self.rowcount, self.lastrowid, rows = result
        self._rows = collections.deque(rows)

    def execute(self, operation: str, parameters: Any = None) -> None:
        self._execute(operation, parameters, False)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> None:
        self._execute(operation, seq_of_parameters, True)

    async def _async_soft_close(self) -> None:
        """Nothing to close: the statement was finished on the thread."""

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        pass

    def __iter__(self) -> Any:
        while self._rows:
            yield self._rows.popleft()

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    """aiosqlite's adapted connection with one-hop cursors and an optional
    `BEGIN IMMEDIATE` sent with the first statement of a write transaction."""

    __slots__ = ("begin_with", "committed_early", "deferred")

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        # Set when a write transaction begins, cleared when it ends (commit/rollback).
        self.begin_with: str | None = None
        # Set when a statement committed its transaction (COMMIT_OPTION), until the
        # transaction's own commit or rollback: no statement may run in between.
        self.committed_early = False
        # Statements run with DEFER_OPTION, waiting for the next hop.
        self.deferred: list[_Statement] = []

    def hop(self, statement: _Statement | None, commit: bool) -> _Result:
        """One trip to aiosqlite's thread: the deferred statements, then `statement`."""
        connection: Any = self._connection  # aiosqlite.Connection
        deferred, self.deferred = self.deferred, []
        try:
            result: _Result = await_only(
                # aiosqlite's private "run this on the connection's thread"; SQLAlchemy's
                # own adapter reaches into the same internals (`_tx`, `_conn`).
                connection._execute(
                    _run, connection._conn, self.begin_with, deferred, statement, commit
                )
            )
        except Exception as error:
            self._handle_exception(error)
        return result

    def cursor(self, server_side: bool = False) -> Any:
        if server_side:
            if self.deferred:
                self.hop(None, False)  # in order, before the stock adapter's statement
            return super().cursor(server_side=True)
        return OneHopCursor(self)

    def _in_transaction(self) -> bool:
        conn = self._connection._connection  # None once closed
        return conn is not None and conn.in_transaction

    def commit(self) -> None:
        if self.deferred:
            # The kept statements (with the BEGIN when they are all there is) and the
            # commit in one hop.
            self.hop(None, True)
        self.begin_with = None
        self.committed_early = False
        # No hop when SQLite has no transaction open (a read in pysqlite's legacy mode,
        # a write transaction that never ran a statement, or one committed just now).
        if self._in_transaction():
            super().commit()

    def rollback(self) -> None:
        self.begin_with = None
        self.committed_early = False
        self.deferred = []
        # The pool rolls back every connection it gets back: most have nothing open.
        if self._in_transaction():
            super().rollback()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DB-API module SQLAlchemy's aiosqlite dialect uses, making `OneHopConnection`s."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        # aiosqlite runs a thread per connection; it must not keep the process alive.
        connection._thread.daemon = True
        return OneHopConnection(self, await_only(connection))


def dbapi() -> OneHopDBAPI:
    """The `module=` for `create_async_engine` on a SQLite URL."""
    return OneHopDBAPI(aiosqlite, sqlite3)


def on_statement(
    _conn: Connection,
    cursor: Any,
    _statement: str,
    _parameters: Any,
    context: Any,
    _executemany: bool,
) -> None:
    """SQLAlchemy's "before_cursor_execute": a statement run with COMMIT_OPTION commits
    its transaction in the same hop; one with DEFER_OPTION waits for the next hop (see
    the module's docstring)."""
    if context is not None and isinstance(cursor, OneHopCursor):
        options = context.execution_options
        cursor.commit_after = bool(options.get(COMMIT_OPTION))
        cursor.defer = bool(options.get(DEFER_OPTION))


def on_begin(conn: Connection) -> None:
    """SQLAlchemy's "begin" event: a write transaction begins IMMEDIATE (with its
    first statement); any other keeps pysqlite's deferred, first-write BEGIN."""
    if conn.get_execution_options().get(WRITE_OPTION):
        adapted = conn.connection.dbapi_connection
        if isinstance(adapted, OneHopConnection):
            adapted.begin_with = BEGIN_WRITE
