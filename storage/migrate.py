"""Schema migrations through alembic, applied in-process on start.

The alembic environment lives in `storage/migrations`; it is driven from here
with a live connection so that the async engine, not a second sync engine,
does the work.

Every start used to import alembic and load every migration script only to
find nothing to do: a large share of the time to the first reply. When the
database's revision is the newest script's (read from the scripts' text and
the `alembic_version` table), alembic is not loaded at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^revision\s*(?::[^=]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_heads() -> set[str]:
    """The newest revisions of the scripts (those no other script builds on)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision = _REVISION.search(source)
        if revision is None:
            continue
        revisions.add(revision[1])
        down = _DOWN.search(source)
        if down is not None:
            parents.update(re.findall(r"[\"']([^\"']+)[\"']", down[1]))
    return revisions - parents


def database_heads(connection: Connection) -> set[str]:
    """The revisions the database is at; empty for a new database."""
    try:
        rows = connection.execute(text("SELECT version_num FROM alembic_version"))
        return {str(row[0]) for row in rows}
    except SQLAlchemyError:
        return set()


def upgrade_to_head(connection: Connection) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), "head")
