"""Attack on scheduled pictures (helper attack9, session 14): a subscription of a room
the bot was kicked from. While it is out nothing is queued for the room (a row there
could never be sent and would sit in the outbox); back in (a kick is often a mistake,
the binding is kept) the posts resume with one picture, not one per missed slot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import outbox, rooms
from storage.engine import Database
from tests.unit.test_attack_scheduled_public import ROOM, subscribed_coordinator_room
from tests.unit.test_scheduler import RecordingSender, scheduler


async def _rows(db: Database) -> int:
    async with db.session() as session:
        return len([r for r in await outbox.pending(session) if r.room_id == ROOM])


async def test_no_posts_while_out_and_one_after_coming_back(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    await db.migrate()
    try:
        first = datetime.now(UTC) + timedelta(hours=1)
        async with db.transaction() as session:
            await subscribed_coordinator_room(session, first)
            await rooms.mark_left(session, ROOM, "kicked")
        for hour in range(5):
            await scheduler(db, RecordingSender()).tick(first + timedelta(hours=hour))
        assert await _rows(db) == 0
        async with db.transaction() as session:
            await rooms.mark_joined(session, ROOM, first + timedelta(hours=5))
        for minute in (0, 10, 20):
            later = first + timedelta(hours=6, minutes=minute)
            await scheduler(db, RecordingSender()).tick(later)
        assert await _rows(db) == 1
    finally:
        await db.close()
