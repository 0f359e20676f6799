"""Migration 0029 on SQLite and PostgreSQL: outbox rows get `curators_only` (false for
rows queued before) and `source_event_id` an index; down and up again keep the rows."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.engine import Database
from tests.support.migrated import migrate_to

_ROW = (
    "INSERT INTO outbox (txn_id, room_id, kind, content, source_event_id, created_at, "
    "attempts, tlp, tlp_shared) VALUES ('kp1.a', '!r:x', 'message', '{\"body\": \"x\"}', "
    "'$e1', '2026-12-04 10:00:00', 0, 'GREEN', 'GREEN')"
)


async def _rows(db: Database, query: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query))).all()]


async def _outbox_indexes(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_indexes("outbox"))
    return {str(index["name"]) for index in found}


async def test_0029_marks_old_rows_for_everyone_and_indexes_their_events(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0028", up=True)
        async with db.engine.begin() as conn:
            await conn.execute(text(_ROW))
        await migrate_to(db, "0029", up=True)
        assert await _rows(db, "SELECT txn_id, curators_only FROM outbox") == [("kp1.a", False)]
        assert "ix_outbox_source_event_id" in await _outbox_indexes(db)
        await migrate_to(db, "0028", up=False)
        assert "ix_outbox_source_event_id" not in await _outbox_indexes(db)
        await migrate_to(db, "0029", up=True)
        assert await _rows(db, "SELECT txn_id, curators_only FROM outbox") == [("kp1.a", False)]
    finally:
        await db.close()
