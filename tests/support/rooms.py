"""A unit test's database: migrated SQLite with incident `storm` open and rooms bound."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId


async def storm_database(
    path: Path, bound: Sequence[tuple[RoomId, str, str]], *, active: bool = False
) -> Database:
    """`bound`: (room, role, organisation), each bound to `storm` with TLP default and
    clearance AMBER; `active` also marks them active (the bot is in the room)."""
    database = Database(f"sqlite+aiosqlite:///{path}")
    await database.migrate()
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
        for room_id, role, organisation in bound:
            await rooms.bind(
                session,
                room_id,
                role=role,
                incident="storm",
                organisation=organisation,
                tlp_default="AMBER",
                clearance="AMBER",
                by="test",
            )
            if active:
                (await rooms.get(session, room_id)).active = True  # type: ignore[union-attr]
    return database
