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

_HOMES = {
    "storage.engine": ("Database", "DatabaseError", "default_sqlite_url"),
    "storage.ids": ("EventId", "RoomId", "UserId"),
}

__all__ = ["Database", "DatabaseError", "EventId", "RoomId", "UserId", "default_sqlite_url"]


def __getattr__(name: str) -> object:
    module = next((m for m, names in _HOMES.items() if name in names), None)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
