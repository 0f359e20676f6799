"""The `knooppunt` command line.

It starts fast: this module and the subcommand modules import only argparse at the
top (not even asyncio), so `knooppunt --help` loads neither the configuration
(pydantic) nor the database layer; a subcommand imports what it needs when it
runs. A subcommand is one module with `add_parser(sub, common)`, which sets
`handler` on its parser (and may set `quick`, see `main`), and one line in
SUBCOMMANDS below.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings

Handler = Callable[["Settings", argparse.Namespace], int]
QuickHandler = Callable[[argparse.Namespace], int | None]

# The modules that add their own subcommand (each reads like bot/cli/objects.py).
SUBCOMMANDS: tuple[str, ...] = (
    "bot.cli.knowledge",
    "bot.cli.objects",
    "bot.cli.crypto",
    "bot.cli.network",
    "bot.cli.outbox",
)


def common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML configuration file (env variables win)")
    parser.add_argument("--database-url", help="database URL (overrides config and environment)")


def _console_role(word: str) -> str:
    from bot.config import console_role  # only when --as is given

    return console_role(word)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knooppunt",
        description="Knooppunt: the Matrix information hub for crisis partners.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot until SIGTERM/SIGINT")
    common(run)
    run.set_defaults(handler=_run)

    _add_console(sub)

    migrate = sub.add_parser("migrate", help="apply database migrations and exit")
    common(migrate)
    migrate.set_defaults(handler=_migrate)

    _add_export(sub)

    for name in SUBCOMMANDS:
        importlib.import_module(name).add_parser(sub, common)

    demo = sub.add_parser(
        "demo", help="a local homeserver, the bot, four demo users and a short scenario"
    )
    common(demo)
    demo.add_argument("--port", type=int, default=None, help="homeserver port (default 8008)")
    demo.add_argument(
        "--data-dir", type=Path, default=None, help="where the demo lives (default: data_dir/demo)"
    )
    demo.set_defaults(handler=_demo)

    audit = sub.add_parser("audit", help="who recorded, changed, exported or received what")
    common(audit)
    audit.add_argument("--incident", required=True, help="the incident's short name")
    audit.set_defaults(handler=_audit)
    return parser


def _add_console(sub: Any) -> None:
    """`knooppunt console [--as ROLE] [--demo]`: the handlers without a homeserver."""
    console = sub.add_parser(
        "console", help="chat with the command handlers locally, without a homeserver"
    )
    common(console)
    console.add_argument(
        "--as",
        dest="role",
        default="guest",
        type=_console_role,
        help="the role of the room you pretend to type in: admin, liaison, coordinator, "
        "municipality (gemeente), curator (redactie) or guest (default, a direct chat)",
    )
    console.add_argument(
        "--demo",
        action="store_true",
        help="first load the sample crisis: knowledge, incident hoogwater, bound console rooms",
    )
    console.set_defaults(handler=_console)


def _add_export(sub: Any) -> None:
    """`knooppunt export --incident --format [--out] [--max-tlp]`: an incident's entries."""
    export = sub.add_parser("export", help="write the entries of an incident as csv, json or edxl")
    common(export)
    export.add_argument("--incident", required=True, help="the incident's short name")
    export.add_argument("--format", required=True, choices=("csv", "csv-en", "json", "edxl"))
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--max-tlp",
        default="AMBER",
        metavar="LABEL",
        help="highest TLP label written (CLEAR, GREEN, AMBER, AMBER+STRICT, RED; default "
        "AMBER); entries above it are left out and counted on standard error",
    )
    export.set_defaults(handler=_export)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.app import run_bot

    settings.require_matrix()
    asyncio.run(run_bot(settings))
    return 0


def _console(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.console import run_console

    return asyncio.run(run_console(settings, args.role, demo=args.demo))


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from commands.i18n import t
    from storage.engine import Database

    async def migrate() -> None:
        db = Database(settings.effective_database_url)
        try:
            await db.migrate()
        finally:
            await db.close()

    asyncio.run(migrate())
    print(t(settings.language, "cli.migrated"))
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.cli.export import build_export, write_export

    incident = args.incident.lower()
    result = asyncio.run(build_export(settings, incident, args.format, args.max_tlp))
    write_export(result, incident, args.out, settings.language)
    return 0


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.cli.export import audit_lines

    for line in asyncio.run(audit_lines(settings, args.incident.lower())):
        print(line)
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio

    from bot.devtools.demo import run_demo

    data_dir = (args.data_dir or settings.data_dir).resolve()
    return asyncio.run(run_demo(data_dir, args.port, lang=settings.language))


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # A subcommand may answer without the settings model (pydantic) and the database
    # layer when it can (`knowledge search` on an unchanged store); None: it cannot.
    quick: QuickHandler | None = getattr(args, "quick", None)
    if quick is not None:
        code = quick(args)
        if code is not None:
            return code
    from bot.config import load_settings
    from bot.config_file import fallback_language
    from bot.logging_setup import configure
    from storage.errors import KnooppuntError

    handler: Handler = args.handler
    settings: Settings | None = None
    try:
        settings = load_settings(args.config, database_url=args.database_url)
        configure(settings.log_level, settings.log_format)
        return int(handler(settings, args))
    except KnooppuntError as exc:
        # The one place: configuration, login, storage and demo errors are one line,
        # in the configured language (the environment's or the file's, when the
        # settings failed).
        from commands.i18n import said

        lang = settings.language if settings is not None else fallback_language(args.config)
        print(f"knooppunt: {said(lang, exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
