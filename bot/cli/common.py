"""What the subcommands that read files and write the database share: the report of a
check in the configured language, and a migrated database for the length of a task."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from bot.config import Settings
    from commands.texts import Language, Word
    from storage.engine import Database

T = TypeVar("T")


class Checked(Protocol):
    @property
    def path(self) -> Path: ...
    @property
    def items(self) -> Sequence[object]: ...
    @property
    def problems(self) -> Sequence[str]: ...
    @property
    def ok(self) -> bool: ...


def print_problems(problems: Sequence[str], limit: int | None = None) -> None:
    for problem in problems[:limit]:
        print(f"  - {problem}")


def print_checked(
    results: Sequence[Checked], lang: Language, unit: Word, limit: int | None = None
) -> int:
    """One line a file (valid or not, how many items), its problems below it; the exit
    code: 0 when there were files and all were valid."""
    from commands.i18n import t

    for result in results:
        key = "cli.check_ok" if result.ok else "cli.check_invalid"
        print(t(lang, key, path=result.path, count=len(result.items), unit=unit))
        print_problems(result.problems, limit)
    return 0 if results and all(r.ok for r in results) else 1


async def with_database(settings: Settings, task: Callable[[Database], Awaitable[T]]) -> T:
    """Run `task` on the configured database, migrated first, and close it after."""
    from storage.engine import Database

    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        return await task(db)
    finally:
        await db.close()
