"""`knooppunt objects import|export|check`: partners' object files in and out.

`import PATH` reads a file or folder (CSV, YAML, GeoJSON points); all files must be
valid or nothing is imported, and each owner's objects are replaced by what the files
hold for that owner (never another owner's). `export DIR` writes one YAML file per
owner; `check PATH` validates without touching the database.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli.common import print_checked, print_problems, with_database

if TYPE_CHECKING:
    from bot.config import Settings
    from storage.engine import Database


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    objects = sub.add_parser(
        "objects", help="object information partners hold: import, export, check"
    )
    osub = objects.add_subparsers(dest="action", required=True, metavar="ACTION")
    o_import = osub.add_parser(
        "import", help="load a file or folder (CSV, YAML, GeoJSON); replaces each owner's objects"
    )
    common(o_import)
    o_import.add_argument("path", type=Path)
    o_export = osub.add_parser("export", help="write one YAML file per owner to DIR")
    common(o_export)
    o_export.add_argument("dir", type=Path)
    o_check = osub.add_parser("check", help="validate files without importing")
    common(o_check)
    o_check.add_argument("path", type=Path)
    objects.set_defaults(handler=run_objects)


def run_objects(settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from commands.texts import Word
    from knowledge import object_service

    if args.action == "check":
        results = object_service.check(args.path)
        code = print_checked(results, settings.language, Word("object(en)", "object(s)"), 20)
        if not results:
            print(t(settings.language, "cli.no_object_files", path=args.path))
        return code
    if args.action == "import":
        return asyncio.run(with_database(settings, lambda db: _import(db, settings, args)))
    if args.action == "export":
        return asyncio.run(with_database(settings, lambda db: _export(db, settings, args)))
    raise AssertionError(f"unknown action {args.action}")


async def _import(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from knowledge import object_service
    from storage.regions import RegionTable

    lang = settings.language
    report = await object_service.import_path(
        db, args.path, f"cli:{getpass.getuser()}", RegionTable()
    )
    for result in report.files:
        if not result.ok:
            print(t(lang, "cli.invalid_file", path=result.path, count=len(result.problems)))
            print_problems(result.problems, 20)
    print_problems(report.problems)
    if not report.ok:
        print(t(lang, "cli.nothing_imported"))
        return 1
    for counts in report.owners:
        print(
            t(
                lang,
                "cli.owner_objects",
                owner=counts.owner,
                after=counts.after,
                before=counts.before,
            )
        )
    return 0


async def _export(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from knowledge import object_service

    written = await object_service.export_to(db, args.dir)
    for owner, count in sorted(written.items()):
        print(t(settings.language, "cli.owner_written", owner=owner, count=count))
    print(t(settings.language, "cli.objects_written", count=sum(written.values()), target=args.dir))
    return 0
