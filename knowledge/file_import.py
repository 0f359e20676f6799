"""What the imports of partner files share: the files are checked off the event loop,
then imported in one transaction that is committed only when the whole import is valid
(all or nothing, so a half-read folder never replaces what was there)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import Database
from storage.regions import RegionTable


class Outcome(Protocol):
    @property
    def ok(self) -> bool: ...


F = TypeVar("F")
R = TypeVar("R", bound=Outcome)


async def import_all_or_nothing(
    db: Database,
    path: Path,
    actor: str,
    regions: RegionTable | None,
    check: Callable[[Path], list[F]],
    import_files: Callable[[AsyncSession, list[F], str, RegionTable], Awaitable[R]],
) -> R:
    """`check` reads the files under `path`; `import_files` stores them for `actor`."""
    results = await asyncio.to_thread(check, path)
    # A write session (on SQLite: BEGIN IMMEDIATE): the import reads what it replaces.
    async with db.session(write=True) as session:
        report = await import_files(session, results, actor, regions or RegionTable())
        if report.ok:
            await session.commit()
        else:
            await session.rollback()
    return report
