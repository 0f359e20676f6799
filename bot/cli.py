"""The `knooppunt` command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import Settings, console_role, load_settings
from bot.logging_setup import configure
from commands.i18n import t
from storage.errors import KnooppuntError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="YAML configuration file (env variables win)")
    parser.add_argument("--database-url", help="database URL (overrides config and environment)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="knooppunt",
        description="Knooppunt: the Matrix information hub for crisis partners.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot until SIGTERM/SIGINT")
    _common(run)

    console = sub.add_parser(
        "console", help="chat with the command handlers locally, without a homeserver"
    )
    _common(console)
    console.add_argument(
        "--as",
        dest="role",
        default="guest",
        type=console_role,
        help="the role of the room you pretend to type in: admin, liaison, coordinator, "
        "municipality (gemeente), curator (redactie) or guest (default, a direct chat)",
    )
    console.add_argument(
        "--demo",
        action="store_true",
        help="first load the sample crisis: knowledge, incident hoogwater, bound console rooms",
    )

    migrate = sub.add_parser("migrate", help="apply database migrations and exit")
    _common(migrate)

    export = sub.add_parser("export", help="write the entries of an incident as csv, json or edxl")
    _common(export)
    export.add_argument("--incident", required=True, help="the incident's short name")
    export.add_argument("--format", required=True, choices=("csv", "json", "edxl"))
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument(
        "--max-tlp",
        default="AMBER",
        metavar="LABEL",
        help="highest TLP label written (CLEAR, GREEN, AMBER, AMBER+STRICT, RED; default "
        "AMBER); entries above it are left out and counted on standard error",
    )

    knowledge = sub.add_parser("knowledge", help="curated Q&As: import, export, check, search")
    ksub = knowledge.add_subparsers(dest="action", required=True, metavar="ACTION")
    k_import = ksub.add_parser("import", help="load a file or folder (YAML, JSON Lines, Markdown)")
    _common(k_import)
    k_import.add_argument("path", type=Path)
    k_export = ksub.add_parser("export", help="write the store to DIR/qas.yaml")
    _common(k_export)
    k_export.add_argument("dir", type=Path)
    k_check = ksub.add_parser("check", help="validate files without importing")
    _common(k_check)
    k_check.add_argument("path", type=Path)
    k_search = ksub.add_parser("search", help="the bot's own ranking for a question")
    _common(k_search)
    k_search.add_argument("query")
    k_search.add_argument("--limit", type=int, default=3)
    k_search.add_argument("--json", action="store_true", help="machine-readable output")

    from bot.objects_cli import add_parser as add_objects_parser

    add_objects_parser(sub, _common)
    __import__("bot.network_cli").network_cli.add_parser(sub, _common)

    demo = sub.add_parser(
        "demo", help="a local homeserver, the bot, four demo users and a short scenario"
    )
    _common(demo)
    demo.add_argument("--port", type=int, default=None, help="homeserver port (default 8008)")
    demo.add_argument(
        "--data-dir", type=Path, default=None, help="where the demo lives (default: data_dir/demo)"
    )

    crypto = sub.add_parser("crypto", help="end-to-end encryption: the bot's identity")
    crypto_sub = crypto.add_subparsers(dest="action", required=True, metavar="ACTION")
    crypto_status = crypto_sub.add_parser(
        "status", help="device id, whether it is cross-signed, the master key's fingerprint"
    )
    _common(crypto_status)

    audit = sub.add_parser("audit", help="who recorded, changed, exported or received what")
    _common(audit)
    audit.add_argument("--incident", required=True, help="the incident's short name")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config, database_url=args.database_url)


async def _migrate(settings: Settings) -> None:
    from storage.engine import Database

    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
    finally:
        await db.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
        configure(settings.log_level, settings.log_format)
        if args.command == "run":
            from bot.app import run_bot

            settings.require_matrix()
            asyncio.run(run_bot(settings))
        elif args.command == "console":
            from bot.console import run_console

            return asyncio.run(run_console(settings, args.role, demo=args.demo))
        elif args.command == "export":
            from bot.offline import build_export, write_export

            incident = args.incident.lower()
            result = asyncio.run(build_export(settings, incident, args.format, args.max_tlp))
            write_export(result, incident, args.out)
        elif args.command == "knowledge":
            from bot.knowledge_cli import run_knowledge

            return run_knowledge(settings, args)
        elif args.command == "objects":
            from bot.objects_cli import run_objects

            return run_objects(settings, args)
        elif getattr(args, "run", None) is not None:
            # A subcommand module that names its own runner (bot/network_cli.py).
            return int(args.run(settings, args))
        elif args.command == "audit":
            from bot.offline import audit_lines

            for line in asyncio.run(audit_lines(settings, args.incident.lower())):
                print(line)
        elif args.command == "demo":
            from bot.devtools.demo import run_demo

            data_dir = (args.data_dir or settings.data_dir).resolve()
            return asyncio.run(run_demo(data_dir, args.port))
        elif args.command == "crypto":
            from bot.crypto_cli import run_crypto

            return run_crypto(settings)
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
            print(t(settings.language, "cli.migrated"))
    except KnooppuntError as exc:
        # The one place: configuration, login, storage and demo errors are one line.
        print(f"knooppunt: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
