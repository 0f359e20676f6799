"""What the subcommands that read files and write the database share: the report of a
check in the configured language, and a migrated database for the length of a task."""

from __future__ import annotations

import argparse
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from bot.config import Settings
    from commands.texts import Language, Word
    from knowledge.problems import FileProblem
    from storage.engine import Database

T = TypeVar("T")

# C0 and C1 controls and DEL: a terminal obeys them (ESC [1A ESC [2K moves up and wipes a
# line, CSI is one byte in C1), so text people typed must not reach one as it is.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """`text` with every control character shown as its escape (`\\x1b`), on one line:
    what people typed (an incident's title) can then neither wipe nor forge what an
    operator reads (`knooppunt audit`)."""
    return _CONTROL.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


def say(text: str, *, error: bool = False) -> None:
    """Print one line of output that may hold what an administrator's file gave (a name,
    a path, a value a problem quotes), through `terminal_safe`; on stderr with `error`."""
    import sys

    print(terminal_safe(text), file=sys.stderr if error else sys.stdout)


# Files that travel (a git repository, a mail to a partner) hold content up to GREEN by
# default: most curated content is GREEN, while AMBER is for the partners' need-to-know.
DEFAULT_FILE_CEILING = "GREEN"


def add_ceiling(parser: argparse.ArgumentParser, what: str) -> None:
    """`--max-tlp LABEL` on an export whose files travel (`what`: what is left out)."""
    parser.add_argument(
        "--max-tlp",
        default=DEFAULT_FILE_CEILING,
        metavar="LABEL",
        help="highest TLP label written (CLEAR, GREEN, AMBER, AMBER+STRICT, RED; default "
        f"{DEFAULT_FILE_CEILING}); {what} above it are left out and counted on standard error",
    )


def print_left_out(
    lang: Language, key: str, prefix: str, ceiling: str, left_out: Mapping[str, int]
) -> None:
    """The note on stderr (after `prefix`, the subcommand's name) of what an export
    left out above `ceiling`: how many, per label, and the ceiling that takes them in."""
    from commands.i18n import t
    from storage import tlp

    if not left_out:
        return
    counts = sorted(left_out.items(), key=lambda item: tlp.RANK[item[0]])
    note = t(
        lang,
        key,
        total=sum(left_out.values()),
        ceiling=ceiling,
        labels=", ".join(f"{n} {label}" for label, n in counts),
        highest=tlp.highest(list(left_out)),
    )
    say(f"{prefix} {note}", error=True)


def add_file_actions(
    sub: Any,
    common: Callable[[argparse.ArgumentParser], None],
    name: str,
    helps: tuple[str, str, str],
    handler: Callable[[Settings, argparse.Namespace], int],
) -> Any:
    """`<name> import PATH | export DIR | check PATH` (helps: the command's, import's,
    export's), run by `handler`; returns the command's actions, for more actions."""
    parser = sub.add_parser(name, help=helps[0])
    parser.set_defaults(handler=handler)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, argument, text in (
        ("import", "path", helps[1]),
        ("export", "dir", helps[2]),
        ("check", "path", "validate files without importing"),
    ):
        action_parser = actions.add_parser(action, help=text)
        common(action_parser)
        action_parser.add_argument(argument, type=Path)
    return actions


class FileProblems(Protocol):
    @property
    def path(self) -> Path: ...
    @property
    def problems(self) -> Sequence[FileProblem]: ...
    @property
    def ok(self) -> bool: ...


class Checked(FileProblems, Protocol):
    @property
    def items(self) -> Sequence[object]: ...


def print_problems(
    problems: Sequence[FileProblem], lang: Language, limit: int | None = None
) -> None:
    """Each problem on its own indented line, in the configured language."""
    from commands.i18n import t

    for problem in problems[:limit]:
        say(f"  - {t(lang, problem.key, **problem.args)}")


class FileReport(Protocol):
    @property
    def files(self) -> Sequence[FileProblems]: ...
    @property
    def problems(self) -> Sequence[FileProblem]: ...
    @property
    def ok(self) -> bool: ...


def print_import_refusal(report: FileReport, lang: Language) -> bool:
    """Print each invalid file with its first problems, then the import's own problems;
    True (and a line saying so) when the import was refused as a whole."""
    from commands.i18n import t

    for result in report.files:
        if not result.ok:
            say(t(lang, "cli.invalid_file", path=result.path, count=len(result.problems)))
            print_problems(result.problems, lang, 20)
    print_problems(report.problems, lang)
    if report.ok:
        return False
    say(t(lang, "cli.nothing_imported"))
    return True


def print_checked(
    results: Sequence[Checked],
    lang: Language,
    unit: Word,
    limit: int | None = None,
    none_found: tuple[str, Path] | None = None,
) -> int:
    """One line a file (valid or not, how many items), its problems below it, and the
    sentence `none_found` (a key, the path checked) when there were no files; the exit
    code: 0 when there were files and all were valid."""
    from commands.i18n import t

    for result in results:
        key = "cli.check_ok" if result.ok else "cli.check_invalid"
        say(t(lang, key, path=result.path, count=len(result.items), unit=unit))
        print_problems(result.problems, lang, limit)
    if not results and none_found is not None:
        say(t(lang, none_found[0], path=none_found[1]))
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


Task = Callable[["Database", "Settings", argparse.Namespace], Awaitable[int]]


def run_task(settings: Settings, args: argparse.Namespace, tasks: Mapping[str, Task]) -> int:
    """Run the task of `args.action` on the migrated database; its exit code."""
    import asyncio

    task = tasks[args.action]
    return asyncio.run(with_database(settings, lambda db: task(db, settings, args)))


@dataclass(frozen=True)
class FileChecks:
    """How `<command> check PATH` reports: `check` reads the path without the
    database; `unit` counts each file's items; `none_found`, the key said when
    there were no files; `limit`, the problems shown a file (None: all)."""

    check: Callable[[Path], Sequence[Checked]]
    unit: Word
    none_found: str | None = None
    limit: int | None = None


def run_file_action(
    settings: Settings, args: argparse.Namespace, checks: FileChecks, tasks: Mapping[str, Task]
) -> int:
    """`check` without the database (`checks`), any other action as its task."""
    if args.action != "check":
        return run_task(settings, args, tasks)
    none_found = (checks.none_found, args.path) if checks.none_found is not None else None
    results = checks.check(args.path)
    return print_checked(results, settings.language, checks.unit, checks.limit, none_found)
