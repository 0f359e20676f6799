"""Persistence: SQLAlchemy models, engine, migrations and repositories.

Never imports matrix-nio: everything here takes and returns plain objects.

The names below are loaded on first use, so importing a small module of the
package (its errors, ids or vocabulary) does not load the database engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.lazy import lazy_names

if TYPE_CHECKING:
    from storage.engine import Database, DatabaseError, default_sqlite_url
    from storage.ids import EventId, RoomId, UserId

_HOMES = {
    "storage.engine": ("Database", "DatabaseError", "default_sqlite_url"),
    "storage.ids": ("EventId", "RoomId", "UserId"),
}

__all__ = ["Database", "DatabaseError", "EventId", "RoomId", "UserId", "default_sqlite_url"]


__getattr__ = lazy_names(__name__, _HOMES)
