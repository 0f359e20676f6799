"""Migration 0036 on SQLite and PostgreSQL: `picture_log` gets `category` (NULL, a whole
picture, for every picture logged before); down again the column goes and every logged
picture stays; up again the same."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.engine import Database
from tests.storage.test_location_sources_migration import _scalars
from tests.support.migrated import migrate_to

_LOGGED = (
    'INSERT INTO picture_log (room_id, incident, generated_at, entries, "full", digest) VALUES '
    "('!c:x', 'storm', '2026-12-06 09:00:00', 3, true, 'a'), "
    "('!c:x', 'storm', '2026-12-06 10:00:00', 4, false, NULL)"
)


async def _columns(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_columns("picture_log"))
    return {c["name"] for c in found}


async def test_0036_keeps_the_category_of_a_logged_picture(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0035", up=True)
        async with db.engine.begin() as conn:
            await conn.execute(text(_LOGGED))
        await migrate_to(db, "0036", up=True)
        assert "category" in await _columns(db)
        assert await _scalars(db, "SELECT count(*) FROM picture_log WHERE category IS NULL") == [2]
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE picture_log SET category = 'zorg' WHERE entries = 4"))

        await migrate_to(db, "0035", up=False)
        assert "category" not in await _columns(db)
        assert await _scalars(db, "SELECT entries FROM picture_log ORDER BY id") == [3, 4]

        await migrate_to(db, "0036", up=True)
        assert "category" in await _columns(db)
        assert await _scalars(db, "SELECT count(*) FROM picture_log WHERE category IS NULL") == [2]
    finally:
        await db.close()
