"""Migration 0033 on SQLite and PostgreSQL: `domino_answers` gets the one answer each
domino item kept before (`closed_by_entry_id`); down and up again keep it."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage.engine import Database
from tests.support.migrated import migrate_to

_ITEM = (
    "INSERT INTO domino_items (id, incident, cause_entry_id, cause_sector, sector, reason, "
    "opened_at, closed_at, closed_by_entry_id) VALUES "
    "(1, 'i', 10, 'energy', 'telecom', 'r', '2026-12-05 10:00:00', '2026-12-05 11:00:00', 11), "
    "(2, 'i', 10, 'energy', 'health', 'r', '2026-12-05 10:00:00', NULL, NULL)"
)


async def _answers(db: Database) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT item_id, entry_id FROM domino_answers"))
        return [tuple(row) for row in rows.all()]


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_0033_keeps_the_answer_each_item_had(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0032", up=True)
        async with db.engine.begin() as conn:
            await conn.execute(text(_ITEM))
        await migrate_to(db, "0033", up=True)
        assert await _answers(db) == [(1, 11)]
        await migrate_to(db, "0032", up=False)
        assert "domino_answers" not in await _tables(db)
        await migrate_to(db, "0033", up=True)
        assert await _answers(db) == [(1, 11)]
    finally:
        await db.close()
