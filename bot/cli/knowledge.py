"""`knooppunt knowledge import|export|check|search`.

`search` is a command a curator runs again and again while writing content, so
it keeps the built index on disk (in the data directory, keyed by the store's
version, every item's content hash and the ranking code; knowledge/index_cache.py)
and imports only what searching needs. On an unchanged SQLite store it answers
from the saved index without the settings model or the database layer
(`quick_search`: neither pydantic nor SQLAlchemy is imported); otherwise it
reads the store through the database layer, builds and saves the index, and
migrates first only when the schema is not there yet.
"""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.cli.common import (
    FileChecks,
    add_ceiling,
    add_file_actions,
    print_left_out,
    print_problems,
    run_file_action,
    terminal_safe,
)

# The subcommand's name before each note on stderr, as Unix tools do (not a sentence).
NOTE_PREFIX = "knooppunt knowledge export:"

if TYPE_CHECKING:
    from bot.config import Settings
    from commands.texts import Language
    from knowledge.search import Index, Result
    from storage.engine import Database


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    helps = (
        "curated Q&As: import, export, check, search",
        "load a file or folder (YAML, JSON Lines, Markdown)",
        "write the store to DIR/qas.yaml",
    )
    actions = add_file_actions(sub, common, "knowledge", helps, run_knowledge)
    # The files are meant for git: an explicit ceiling, as `knooppunt export` has.
    add_ceiling(actions.choices["export"], "items")
    search = actions.add_parser("search", help="the bot's own ranking for a question")
    common(search)
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=3)
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.add_argument(
        "--max-tlp",
        default=None,
        metavar="LABEL",
        help="highest TLP label shown (CLEAR, GREEN, AMBER, AMBER+STRICT, RED); hits above "
        "it are left out altogether and only counted on standard error (default: every "
        "label, for the operator's own eyes)",
    )
    search.set_defaults(quick=quick_search)


def run_knowledge(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "search":
        import asyncio

        return asyncio.run(_search(settings, args))
    from commands.texts import Word
    from knowledge import service

    checks = FileChecks(service.check, Word("item(s)", "item(s)"))
    return run_file_action(settings, args, checks, {"import": _import, "export": _export})


async def _import(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from commands.i18n import t
    from knowledge import service

    lang, failed = settings.language, False
    for imported, counts in await service.import_path(db, args.path, f"cli:{getpass.getuser()}"):
        if counts is None:
            failed = True
            print(t(lang, "cli.not_imported", path=imported.path, count=len(imported.problems)))
            print_problems(imported.problems, lang)
        else:
            print(
                t(
                    lang,
                    "cli.imported",
                    path=imported.path,
                    added=counts.added,
                    updated=counts.updated,
                    unchanged=counts.unchanged,
                )
            )
    return 1 if failed else 0


async def _export(db: Database, settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.export import parse_ceiling
    from commands.i18n import t
    from knowledge import service

    ceiling = parse_ceiling(args.max_tlp)
    exported = await service.export_to(db, args.dir, ceiling)
    lang = settings.language
    print(t(lang, "cli.qas_written", count=exported.written, target=args.dir / "qas.yaml"))
    print_left_out(lang, "cli.knowledge_left_out", NOTE_PREFIX, ceiling, exported.left_out)
    return 0


def quick_search(args: argparse.Namespace) -> int | None:
    """The search from the saved index of an unchanged SQLite store, with the settings
    read plainly (bot/cli/plain_settings.py) and the store's key read with the
    standard library; None when that is not possible here (PostgreSQL, no saved
    index for this store, settings that are not plain): then `_search` runs."""
    from bot.cli.plain_settings import plain_settings
    from knowledge import index_cache

    if args.action != "search" or args.max_tlp is not None:
        return None  # a ceiling reads the labels through the database layer's rules
    settings = plain_settings(args.config, args.database_url)
    if settings is None:
        return None
    database = index_cache.sqlite_path(settings.database_url, settings.data_dir)
    key = index_cache.sqlite_store_key(database) if database is not None else None
    if key is None:
        return None
    index = index_cache.load_index(index_cache.index_path(settings.data_dir / "cache", key), key)
    if index is None:
        return None
    _print_result(index.search(args.query, args.limit), args, settings.language)
    return 0


async def _search(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from knowledge.index_cache import cached_qa_index
    from storage.engine import Database

    db = Database(settings.effective_database_url)
    cache_dir = settings.data_dir / "cache"
    try:
        try:
            index = await cached_qa_index(db, cache_dir)
        except SQLAlchemyError:
            # A new or older database: bring the schema up to date, then search.
            await db.migrate()
            index = await cached_qa_index(db, cache_dir)
        result = _searched(index, args, settings.language)
    finally:
        await db.close()
    _print_result(result, args, settings.language)
    return 0


# The subcommand's name before its note on stderr.
SEARCH_PREFIX = "knooppunt knowledge search:"


def _searched(index: Index, args: argparse.Namespace, lang: Language) -> Result:
    """The search, under `--max-tlp` when given: the items above the ceiling are out of
    the index altogether (as a room's reader leaves out what it may not see: no hit, no
    say in the confidence); how many of the hits they would have been, per label, goes
    to stderr only (the output is what may travel)."""
    if args.max_tlp is None:
        return index.search(args.query, args.limit)
    from collections import Counter

    from bot.cli.export import parse_ceiling
    from storage import tlp

    ceiling = parse_ceiling(args.max_tlp)
    above = {
        doc.id: doc.label
        for doc in index.documents
        if not tlp.within_ceiling(doc.label, ceiling)  # the operator's files' own rule
    }
    result = index.search(args.query, args.limit, exclude=frozenset(above))
    if above:
        unlimited = index.search(args.query, args.limit)
        left_out = Counter(above[hit.id] for hit in unlimited.hits if hit.id in above)
        print_left_out(lang, "cli.search_left_out", SEARCH_PREFIX, ceiling, left_out)
    return result


def _print_result(result: Result, args: argparse.Namespace, lang: Language) -> None:
    if args.json:
        print(
            json.dumps(
                {
                    "query": result.query,
                    "confident": result.confident,
                    "results": [
                        {"id": h.id, "score": round(h.score, 4), "question": h.question}
                        for h in result.hits
                    ],
                },
                ensure_ascii=False,
            )
        )
    else:
        from commands.i18n import t

        key = "cli.search_confident" if result.confident else "cli.search_not_confident"
        # What people typed (a chat Q&A, the query) is shown, never obeyed: `terminal_safe`.
        print(terminal_safe(t(lang, key, query=args.query)))
        for hit in result.hits:
            print(terminal_safe(f"  {hit.score:7.2f}  {hit.id}  {hit.question}"))
