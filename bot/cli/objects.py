"""`knooppunt objects import|export|check`: partners' object files in and out.

`import PATH` reads a file or folder (CSV, YAML, GeoJSON points); all files must be
valid or nothing is imported, and each owner's objects are replaced by what the files
hold for that owner (never another owner's). `export DIR` writes one YAML file per
owner, up to `--max-tlp` (default GREEN: the files travel); `check PATH` validates
without touching the database. An export under a ceiling says `max_tlp:` in each file,
and the import of such a file keeps the owner's objects above it (the file never held
them), so exporting and importing again loses nothing.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.cli.common import (
    FileChecks,
    add_ceiling,
    add_file_actions,
    print_import_refusal,
    print_left_out,
    run_file_action,
    say,
)

NOTE_PREFIX = "knooppunt objects export:"

if TYPE_CHECKING:
    from bot.config import Settings
    from storage.engine import Database


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    helps = (
        "object information partners hold: import, export, check",
        "load a file or folder (CSV, YAML, GeoJSON); replaces each owner's objects",
        "write one YAML file per owner to DIR",
    )
    actions = add_file_actions(sub, common, "objects", helps, run_objects)
    add_ceiling(actions.choices["export"], "objects")


def run_objects(settings: Settings, args: argparse.Namespace) -> int:
    from commands.texts import Word
    from knowledge import object_service

    checks = FileChecks(
        object_service.check, Word("object(en)", "object(s)"), "cli.no_object_files", limit=20
    )
    return run_file_action(settings, args, checks, {"import": _import, "export": _export})


async def _import(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from knowledge import object_service
    from storage.regions import RegionTable

    lang = settings.language
    report = await object_service.import_path(
        db, args.path, f"cli:{getpass.getuser()}", RegionTable()
    )
    if print_import_refusal(report, lang):
        return 1
    for counts in report.owners:
        say(
            t(
                lang,
                "cli.owner_objects",
                owner=counts.owner,
                after=counts.after,
                before=counts.before,
            )
        )
        if counts.kept:
            kept = {"owner": counts.owner, "count": counts.kept, "ceiling": counts.kept_above}
            say(t(lang, "cli.objects_kept", **kept))
    return 0


async def _export(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.export import parse_ceiling
    from commands.i18n import t
    from knowledge import object_service

    lang, ceiling = settings.language, parse_ceiling(args.max_tlp)
    exported = await object_service.export_to(db, args.dir, ceiling)
    for owner, count in sorted(exported.written.items()):
        say(t(lang, "cli.owner_written", owner=owner, count=count))
    total = sum(exported.written.values())
    say(t(lang, "cli.objects_written", count=total, target=args.dir))
    print_left_out(lang, "cli.objects_left_out", NOTE_PREFIX, ceiling, exported.left_out)
    return 0
