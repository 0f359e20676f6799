"""Migration 0035 on SQLite and PostgreSQL: entries get `keeps_item_state` (false for
every existing entry) and its index; down again, a marked follow-up becomes an item of
its own (as such follow-ups were kept before 0035), and nothing else of the entries is
lost (their figures included: a batch copy of `entries` on SQLite cascaded to them);
up again the same."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.engine import Database
from tests.storage.test_location_sources_migration import _ENTRIES, _FIGURES, _scalars
from tests.support.migrated import migrate_to


async def _columns(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_columns("entries"))
    return {c["name"] for c in found}


async def _indexes(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_indexes("entries"))
    return {str(i["name"]) for i in found}


async def _assert_upgraded(db: Database) -> None:
    assert "keeps_item_state" in await _columns(db)
    assert "ix_entries_keeps_item_state" in await _indexes(db)
    kept = await _scalars(db, "SELECT count(*) FROM entries WHERE keeps_item_state")
    assert kept == [0]
    assert await _scalars(db, "SELECT count(*) FROM item_latest") == [0]


async def test_0035_marks_follow_ups_that_keep_their_item_state(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0034", up=True)
        async with db.engine.begin() as conn:
            for statement in (_ENTRIES, _FIGURES):
                await conn.execute(text(statement))
        await migrate_to(db, "0035", up=True)
        await _assert_upgraded(db)
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE entries SET keeps_item_state = true WHERE id = 5"))

        await migrate_to(db, "0034", up=False)
        assert "keeps_item_state" not in await _columns(db)
        assert "ix_entries_keeps_item_state" not in await _indexes(db)
        # The marked follow-up is an item of its own; the others stay where they were.
        items = await _scalars(db, "SELECT item_id FROM entries ORDER BY id")
        assert items == [1, 2, 3, 4, 5]
        assert await _scalars(db, "SELECT count(*) FROM entry_figures") == [5]

        await migrate_to(db, "0035", up=True)
        await _assert_upgraded(db)
        assert await _scalars(db, "SELECT count(*) FROM entry_figures") == [5]
    finally:
        await db.close()
