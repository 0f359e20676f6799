"""Counters of committed writes, per kind of table, for in-process caches (the portal).

A `WriteWatch` listens on an engine: every INSERT, UPDATE or DELETE statement sent
through it is noted on its connection, and when that connection's transaction has
committed and the connection goes back to the pool, the counter of each kind of
table it wrote moves on. A cache that stores the counter it read BEFORE reading the
database, and trusts its copy only while the counter is unchanged, never serves
what a later commit changed: a read that raced the commit is dropped by the bump
after it. Watching the engine's statements (not one module's functions) means no
write path can slip past it, however it is written.

Only this process's writes are seen: caches built on it keep a short time limit
as well, for writes by another process on the same database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine

# Kinds of tables a cache may depend on.
ENTRIES = "entries"  # what a picture shows: situation entries, their figures, record items
ACCESS = "access"  # what a portal link opens: the link, its room and the room's binding

_TABLES: Mapping[str, str] = {
    "entries": ENTRIES,
    "entry_figures": ENTRIES,
    "record_items": ENTRIES,
    # A page lists the open questions: one withdrawn by its asker leaves it at once.
    "open_questions": ENTRIES,
    "portal_links": ACCESS,
    "room_bindings": ACCESS,
    "rooms": ACCESS,
}
# Room columns the bot writes on every sync batch that no view depends on: an UPDATE
# setting only these is not an access change (else every report would empty the cache).
_ROOM_BOOKKEEPING = frozenset({"last_event_id", "last_event_ts", "greeted"})

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?(\w+)"?',
    re.IGNORECASE,
)
_SET = re.compile(r"\bSET\s+(.*?)(?:\bWHERE\b|\bRETURNING\b|$)", re.IGNORECASE | re.DOTALL)
_COLUMN = re.compile(r'"?(\w+)"?\s*=')

_WROTE = "knooppunt.write_watch.wrote"  # kinds written in the open transaction
_COMMITTED = "knooppunt.write_watch.committed"  # kinds committed, not yet counted


def kind_of(statement: str) -> str | None:
    """The kind of table a statement writes, or None (a read, or a table no cache uses)."""
    found = _WRITE.match(statement)
    if found is None:
        return None
    table = found.group(1).lower()
    kind = _TABLES.get(table)
    if table == "rooms" and statement.lstrip()[:6].upper() == "UPDATE":
        assigned = _SET.search(statement)
        columns = {c.lower() for c in _COLUMN.findall(assigned.group(1))} if assigned else set()
        if columns and columns <= _ROOM_BOOKKEEPING:
            return None
    return kind


class WriteWatch:
    """How many commits wrote each kind of table since this watch started."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.counts: dict[str, int] = {ENTRIES: 0, ACCESS: 0}
        self._callbacks: list[Callable[[frozenset[str]], None]] = []
        sync = engine.sync_engine
        self._listening: list[tuple[Any, str, Any]] = [
            (sync, "before_cursor_execute", self._statement),
            (sync, "commit", self._commit),
            (sync, "rollback", self._rollback),
            (sync.pool, "checkin", self._checkin),
        ]
        for target, name, listener in self._listening:
            event.listen(target, name, listener)

    def close(self) -> None:
        """Stop listening (the engine lives on)."""
        for target, name, listener in self._listening:
            if event.contains(target, name, listener):
                event.remove(target, name, listener)
        self._listening = []

    def on_change(self, callback: Callable[[frozenset[str]], None]) -> None:
        """Call `callback` with the kinds counted, each time counters move (in the
        thread that returned the connection: the event loop's, for an async engine)."""
        self._callbacks.append(callback)

    def count(self, kind: str) -> int:
        return self.counts[kind]

    def bump(self, kind: str) -> None:
        """Count a change by hand (a change this watch cannot see, and tests)."""
        self.counts[kind] += 1

    def _statement(
        self, conn: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
    ) -> None:
        kind = kind_of(statement)
        if kind is not None:
            conn.info.setdefault(_WROTE, set()).add(kind)

    def _commit(self, conn: Any) -> None:
        wrote = conn.info.pop(_WROTE, None)
        if wrote:
            conn.info.setdefault(_COMMITTED, set()).update(wrote)

    def _rollback(self, conn: Any) -> None:
        try:
            info = conn.info
        except exc.PendingRollbackError:
            # A statement cancelled halfway (a stop while a read waits) left the
            # connection invalid: its info cannot be read now, and the checkin below
            # drops what it wrote anyway. Raised here, it replaced the cancellation.
            return
        info.pop(_WROTE, None)

    def _checkin(self, _dbapi_connection: Any, record: Any) -> None:
        # Back in the pool: the commit has finished, so a read started from now on sees
        # it. (The `commit` event comes before the database has committed.)
        if record is None:
            return
        record.info.pop(_WROTE, None)  # written, never committed: nothing changed
        kinds = frozenset(record.info.pop(_COMMITTED, ()))
        for kind in kinds:
            self.counts[kind] += 1
        if kinds:
            for callback in self._callbacks:
                callback(kinds)
