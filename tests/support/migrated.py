"""Migrated test databases without running the migrations for every test.

The migrations run for real once per test process (each pytest-xdist worker is a
process), into a template; each test then gets a copy of it. A copy is the
same schema at the same revision, so `Database.migrate()` on it finds the schema
up to date and returns at once, as it does for any second start of the bot.
Tests of the migrations themselves start from an empty database (the
`database_url` fixture) and are not affected.
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, inspect, update
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from storage import entries as entry_repo
from storage.engine import Database
from storage.models import SituationEntry
from tests.support.postgres import Postgres

_template: Path | None = None


async def _sqlite_template() -> Path:
    # Tests in one process run one at a time; two callers racing in one test would at
    # worst each migrate a template of their own.
    global _template
    if _template is None:
        path = Path(tempfile.mkdtemp(prefix="knooppunt-template-")) / "migrated.db"
        database = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await database.migrate()
        finally:
            await database.close()
        _template = path
    return _template


def _copy(source: Path, target: Path) -> None:
    # SQLite's backup API copies a consistent image whatever the journal mode.
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


async def migrated_sqlite_url(path: Path) -> str:
    """The URL of a new SQLite database at `path`, migrated to the newest revision."""
    _copy(await _sqlite_template(), path)
    return f"sqlite+aiosqlite:///{path}"


async def migrated_postgres_url(server: Postgres) -> str:
    """The URL of a new PostgreSQL database on `server`, migrated to the newest revision:
    a `CREATE DATABASE ... TEMPLATE` copy of one database migrated once per server."""
    if server.migrated_template is None:
        url = server.create_database()
        database = Database(url)
        try:
            await database.migrate()
        finally:
            await database.close()  # a template must have no connections when copied
        server.migrated_template = make_url(url).database
    return server.create_database(template=server.migrated_template)


async def migrated_sqlite(path: Path) -> Database:
    """A `Database` on a new SQLite file at `path`, migrated (see the module docstring)."""
    database = Database(await migrated_sqlite_url(path))
    await database.migrate()  # finds the copy up to date: a cheap check, kept as in the app
    return database


async def migrate_to(db: Database, revision: str, up: bool) -> None:
    """Take `db`'s schema up (or down) to one alembic revision, as `knooppunt migrate`
    would: for tests of a single migration's data changes."""
    from alembic import command

    from storage.migrate import alembic_config

    step = command.upgrade if up else command.downgrade
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: step(alembic_config(c), revision))


async def record_entry_before(
    session: AsyncSession,
    data: entry_repo.EntryInput,
    reporter: str,
    room_id: str,
    source_event_id: str,
) -> int:
    """`entry_repo.record` in an older schema (a migration test seeding what it changes):
    the entry's row with only the columns that schema has (0034's `location_key` is
    not in 0033's), its own item; no figures. Its id."""

    def columns(connection: Connection) -> set[str]:
        return {column["name"] for column in inspect(connection).get_columns("entries")}

    held = await session.run_sync(lambda s: columns(s.connection()))
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "reporter": reporter,
        "room_id": room_id,
        "source_event_id": source_event_id,
        "recorded_at": now,
        "updated_at": now,
        "revision": 1,
        **entry_repo._fields(data),  # the columns `record` writes
    }
    present = {name: value for name, value in values.items() if name in held}
    # A bare table of those columns: the model's would add its defaults for the others.
    model = cast(Table, SituationEntry.__table__)
    table = sql_table(
        "entries", *(sql_column(name, model.c[name].type) for name in [*present, "id", "item_id"])
    )
    entry_id = int(
        (await session.execute(insert(table).values(present).returning(table.c.id))).scalar_one()
    )
    await session.execute(update(table).where(table.c.id == entry_id).values(item_id=entry_id))
    return entry_id
