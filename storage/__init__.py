"""Persistence: SQLAlchemy models, engine, migrations and repositories.

Never imports matrix-nio: everything here takes and returns plain objects.

The names below are loaded on first use, so importing a small module of the
package (its errors, ids or vocabulary) does not load the database engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.engine import Database, DatabaseError, default_sqlite_url
    from storage.ids import EventId, RoomId, UserId

_HOME = {
    "Database": "storage.engine",
    "DatabaseError": "storage.engine",
    "default_sqlite_url": "storage.engine",
    "EventId": "storage.ids",
    "RoomId": "storage.ids",
    "UserId": "storage.ids",
}

__all__ = ["Database", "DatabaseError", "EventId", "RoomId", "UserId", "default_sqlite_url"]


def __getattr__(name: str) -> object:
    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
