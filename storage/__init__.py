"""Persistence: SQLAlchemy models, engine, migrations and repositories.

Never imports matrix-nio: everything here takes and returns plain objects.
"""

from storage.engine import Database, DatabaseError, default_sqlite_url
from storage.ids import EventId, RoomId, UserId

__all__ = ["Database", "DatabaseError", "EventId", "RoomId", "UserId", "default_sqlite_url"]
