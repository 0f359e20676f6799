"""Downgrades that drop a column of a table other rows point at with ON DELETE CASCADE
(`entries`, `record_items`, `rooms`) keep those rows, on SQLite and PostgreSQL.

Alembic's batch mode drops a column on SQLite by copying the table and dropping the
old one; with foreign keys on (storage/engine.py) dropping `entries` cascaded to every
entry's figures and revisions (found for 0034's downgrade). This walks down from the
head one revision at a time with such rows stored and counts them after each step, as
long as their table exists."""

from __future__ import annotations

from itertools import pairwise

from sqlalchemy import inspect, text

from storage.engine import Database
from tests.storage.test_location_sources_migration import _ENTRIES, _FIGURES
from tests.support.migrated import migrate_to

_AT = "'2026-12-05 10:00:00'"
_ROWS = (
    _ENTRIES,
    _FIGURES,
    "INSERT INTO entry_revisions (entry_id, revision, source_event_id, snapshot, created_at, "
    f"created_by) VALUES (1, 1, '$r1', '{{}}', {_AT}, '@a:x'), "
    f"(1, 2, '$r2', '{{}}', {_AT}, '@a:x')",
    "INSERT INTO rooms (room_id, active, is_direct, greeted) VALUES ('!rk:x', true, false, false)",
    "INSERT INTO room_bindings (room_id, incident, organisation, role, tlp_default, "
    f"clearance, active, bound_by, bound_at) VALUES ('!rk:x', 'storm', 'Rode Kruis', "
    f"'liaison', 'GREEN', 'GREEN', true, '@admin:x', {_AT})",
    "INSERT INTO record_items (id, kind, number, incident, room_id, author, source_event_id, "
    "created_at, updated_at, revision, tlp, tlp_rank, text, fields, reminder_late) VALUES (1, "
    f"'action', 1, 'storm', '!rk:x', '@a:x', '$a1', {_AT}, {_AT}, 1, 'GREEN', 1, 'Doe iets', "
    "'{}', false)",
    "INSERT INTO record_revisions (item_id, revision, source_event_id, snapshot, created_at, "
    f"created_by) VALUES (1, 1, '$ar1', '{{}}', {_AT}, '@a:x')",
)
# The rows that point at a parent with ON DELETE CASCADE, and how many were stored.
_CHILDREN = {"entry_figures": 5, "entry_revisions": 2, "room_bindings": 1, "record_revisions": 1}


async def _revisions(db: Database) -> list[str]:
    """Every revision from the head down, newest first."""
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    async with db.engine.connect() as conn:
        config = await conn.run_sync(lambda c: alembic_config(c))
    return [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]


async def _counts(db: Database) -> dict[str, int]:
    async with db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        return {
            table: int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
            for table in _CHILDREN
            if table in tables
        }


async def test_no_downgrade_deletes_the_rows_that_point_at_a_table(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "head", up=True)
        async with db.engine.begin() as conn:
            for statement in _ROWS:
                await conn.execute(text(statement))
        assert await _counts(db) == _CHILDREN
        revisions = await _revisions(db)
        lost = []
        before = dict(_CHILDREN)
        for above, below in pairwise(revisions):
            await migrate_to(db, below, up=False)
            now = await _counts(db)
            lost += [(above, t, before[t], n) for t, n in now.items() if n != before[t]]
            before.update(now)
        assert not lost, lost  # (the downgrade of, table, rows before, rows after)
    finally:
        await db.close()
