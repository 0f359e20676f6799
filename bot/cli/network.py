"""`knooppunt network import|export|check`: dependency maps and partner files.

`import PATH` reads a file or folder of YAML files; every file must be valid (and name
only known safety regions) or nothing is imported. A map replaces the lines of the map
with its id; a partners file replaces the network details (sectors, regions, roles per
phase, contact lines) of each organisation it lists. `export DIR` writes one file per
map and `partners.yaml`; `check PATH` validates without touching the database.
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
    network = sub.add_parser(
        "network", help="the partner network: dependency maps and partner files"
    )
    nsub = network.add_subparsers(dest="action", required=True, metavar="ACTION")
    n_import = nsub.add_parser(
        "import", help="load a file or folder (YAML): maps replace their id, partners their details"
    )
    common(n_import)
    n_import.add_argument("path", type=Path)
    n_export = nsub.add_parser("export", help="write the maps and partners.yaml to DIR")
    common(n_export)
    n_export.add_argument("dir", type=Path)
    n_check = nsub.add_parser("check", help="validate files without importing")
    common(n_check)
    n_check.add_argument("path", type=Path)
    network.set_defaults(handler=run_network)


def _describe(result: Any) -> str:
    if result.map is not None:
        return f"map {result.map.id}, {len(result.map.dependencies)} line(s)"
    return f"partners, {len(result.partners)} organisation(s)"


def run_network(settings: Settings, args: argparse.Namespace) -> int:
    from knowledge import network

    if args.action == "check":
        results = network.check(args.path)
        for result in results:
            state = f"ok, {_describe(result)}" if result.ok else "INVALID"
            print(f"{result.path}: {state}")
            for problem in result.problems[:20]:
                print(f"  - {problem}")
        if not results:
            print(f"{args.path}: no network files (.yaml, .yml)")
        return 0 if results and all(r.ok for r in results) else 1
    return asyncio.run(_with_db(settings, args))


async def _with_db(settings: Settings, args: argparse.Namespace) -> int:
    from knowledge import network_service
    from storage.engine import Database
    from storage.regions import RegionTable

    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        if args.action == "import":
            report = await network_service.import_path(
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
            for map_id, before, after in report.maps:
                print(f"map {map_id}: {after} line(s) (was {before})")
            if report.partners:
                print(f"{report.partners} organisation(s) updated")
            return 0
        if args.action == "export":
            maps, partners = await network_service.export_to(db, args.dir)
            for map_id, count in sorted(maps.items()):
                print(f"map {map_id}: {count} line(s)")
            print(f"{partners} organisation(s) written to {args.dir}")
            return 0
        raise AssertionError(f"unknown action {args.action}")
    finally:
        await db.close()
