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
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.engine import Database
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
