"""`knooppunt knowledge import|export|check|search`.

`search` is a command a curator runs again and again while writing content, so
it keeps the built index on disk (in the data directory, keyed by the store's
version, every item's content hash and the ranking code) and imports only what
searching needs: a call on an unchanged store loads the index instead of
rebuilding it, and skips the migrations while the schema is already there.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json

from bot.config import Settings
from storage.engine import Database


def run_knowledge(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "search":
        return asyncio.run(_search(settings, args))
    from knowledge import service

    if args.action == "check":
        results = service.check(args.path)
        for result in results:
            state = "ok" if result.ok else "INVALID"
            print(f"{result.path}: {state}, {len(result.items)} item(s)")
            for problem in result.problems:
                print(f"  - {problem}")
        return 0 if results and all(r.ok for r in results) else 1
    return asyncio.run(_with_db(settings, args))


async def _with_db(settings: Settings, args: argparse.Namespace) -> int:
    from knowledge import service

    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        if args.action == "import":
            failed = False
            for imported, counts in await service.import_path(
                db, args.path, f"cli:{getpass.getuser()}"
            ):
                if counts is None:
                    failed = True
                    print(f"{imported.path}: NOT imported ({len(imported.problems)} problem(s))")
                    for problem in imported.problems:
                        print(f"  - {problem}")
                else:
                    print(
                        f"{imported.path}: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged"
                    )
            return 1 if failed else 0
        if args.action == "export":
            count = await service.export_to(db, args.dir)
            print(f"{count} Q&A(s) written to {args.dir / 'qas.yaml'}")
            return 0
        raise AssertionError(f"unknown action {args.action}")
    finally:
        await db.close()


async def _search(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from knowledge.index_cache import cached_qa_index

    db = Database(settings.effective_database_url)
    cache_dir = settings.data_dir / "cache"
    try:
        try:
            index = await cached_qa_index(db, cache_dir)
        except SQLAlchemyError:
            # A new or older database: bring the schema up to date, then search.
            await db.migrate()
            index = await cached_qa_index(db, cache_dir)
        result = index.search(args.query, args.limit)
    finally:
        await db.close()
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
        print(("confident" if result.confident else "not confident") + f": {args.query}")
        for hit in result.hits:
            print(f"  {hit.score:7.2f}  {hit.id}  {hit.question}")
    return 0
