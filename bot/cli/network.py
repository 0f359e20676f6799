"""`knooppunt network import|export|check`: dependency maps and partner files.

`import PATH` reads a file or folder of YAML files; every file must be valid (and name
only known safety regions) or nothing is imported. A map replaces the lines of the map
with its id; a partners file replaces the network details (sectors, regions, roles per
phase, contact lines) of each organisation it lists. `export DIR` writes one file per
map and `partners.yaml`, with contact lines up to `--max-tlp` (default GREEN: the files
travel); `check PATH` validates without touching the database. An export under a ceiling
says `max_tlp:` for each organisation, and the import of such an entry keeps the contact
lines above it (the file never held them), so exporting and importing loses nothing.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path
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

NOTE_PREFIX = "knooppunt network export:"

if TYPE_CHECKING:
    from bot.config import Settings
    from knowledge.problems import FileProblem
    from storage.engine import Database


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    helps = (
        "the partner network: dependency maps and partner files",
        "load a file or folder (YAML): maps replace their id, partners their details",
        "write the maps and partners.yaml to DIR",
    )
    actions = add_file_actions(sub, common, "network", helps, run_network)
    add_ceiling(actions.choices["export"], "contact lines")


def run_network(settings: Settings, args: argparse.Namespace) -> int:
    from commands.texts import Word
    from knowledge import network

    checks = FileChecks(
        lambda path: [_Counted(r) for r in network.check(path)],
        Word("regel(s)", "line(s)"),
        "cli.no_network_files",
        limit=20,
    )
    return run_file_action(settings, args, checks, {"import": _import, "export": _export})


class _Counted:
    """A checked network file, counted in map lines or organisations for `print_checked`."""

    def __init__(self, result: Any) -> None:
        self.path: Path = result.path
        self.problems: list[FileProblem] = list(result.problems)
        self.ok: bool = bool(result.ok)
        self.items: list[object] = list(
            result.map.dependencies if result.map is not None else result.partners
        )


async def _import(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from knowledge import network_service
    from storage.regions import RegionTable

    lang = settings.language
    report = await network_service.import_path(
        db, args.path, f"cli:{getpass.getuser()}", RegionTable()
    )
    if print_import_refusal(report, lang):
        return 1
    for map_id, before, after in report.maps:
        say(t(lang, "cli.map_lines", map=map_id, count=after, before=before))
    if report.partners:
        say(t(lang, "cli.partners_updated", count=report.partners))
    for name, count, ceiling in report.kept:
        say(t(lang, "cli.contacts_kept", name=name, count=count, ceiling=ceiling))
    return 0


async def _export(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.export import parse_ceiling
    from commands.i18n import t
    from knowledge import network_service

    lang, ceiling = settings.language, parse_ceiling(args.max_tlp)
    exported = await network_service.export_to(db, args.dir, ceiling)
    for map_id, count in sorted(exported.maps.items()):
        say(t(lang, "cli.map_written", map=map_id, count=count))
    say(t(lang, "cli.partners_written", count=exported.partners, target=args.dir))
    print_left_out(lang, "cli.contacts_left_out", NOTE_PREFIX, ceiling, exported.left_out)
    return 0
