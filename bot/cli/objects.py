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

if TYPE_CHECKING:
    from bot.config import Settings


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
    from knowledge import object_service

    if args.action == "check":
        results = object_service.check(args.path)
        for result in results:
            state = "ok" if result.ok else "INVALID"
            print(f"{result.path}: {state}, {len(result.items)} object(s)")
            for problem in result.problems[:20]:
                print(f"  - {problem}")
        if not results:
            print(f"{args.path}: no object files (.csv, .yaml, .yml, .geojson, .json)")
        return 0 if results and all(r.ok for r in results) else 1
    return asyncio.run(_with_db(settings, args))


async def _with_db(settings: Settings, args: argparse.Namespace) -> int:
    from knowledge import object_service
    from storage.engine import Database
    from storage.regions import RegionTable

    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        if args.action == "import":
            report = await object_service.import_path(
                db, args.path, f"cli:{getpass.getuser()}", RegionTable()
            )
            for result in report.files:
                if not result.ok:
                    print(f"{result.path}: INVALID ({len(result.problems)} problem(s))")
                    for problem in result.problems[:20]:
                        print(f"  - {problem}")
            for problem in report.problems:
                print(f"  - {problem}")
            if not report.ok:
                print("nothing imported")
                return 1
            for counts in report.owners:
                print(f"{counts.owner}: {counts.after} object(s) (was {counts.before})")
            return 0
        if args.action == "export":
            written = await object_service.export_to(db, args.dir)
            for owner, count in sorted(written.items()):
                print(f"{owner}: {count} object(s)")
            print(f"{sum(written.values())} object(s) written to {args.dir}")
            return 0
        raise AssertionError(f"unknown action {args.action}")
    finally:
        await db.close()
