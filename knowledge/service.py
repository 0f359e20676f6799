"""Knowledge operations shared by the command line and (later) the chat commands."""

from __future__ import annotations

import asyncio
from pathlib import Path

from knowledge.content_io import FileResult, content_files, read_file, write_yaml
from knowledge.model import QA
from knowledge.search import Index, Result
from storage import knowledge_items
from storage.engine import Database


def check(path: Path) -> list[FileResult]:
    """Validate every content file under `path` without importing anything."""
    return [read_file(file) for file in content_files(path)]


async def import_path(
    db: Database, path: Path, actor: str
) -> list[tuple[FileResult, knowledge_items.ImportCounts | None]]:
    """Import file by file; a file with any invalid item imports nothing."""
    results = await asyncio.to_thread(check, path)
    outcome: list[tuple[FileResult, knowledge_items.ImportCounts | None]] = []
    for result in results:
        if not result.ok:
            outcome.append((result, None))
            continue
        async with db.transaction() as session:
            counts = await knowledge_items.upsert(
                session,
                [
                    (item.id, item.content_hash(), item.model_dump(mode="json"), item.tlp)
                    for item in result.items
                ],
                actor,
            )
        outcome.append((result, counts))
    return outcome


async def export_to(db: Database, directory: Path) -> int:
    items = await load_items(db)
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(write_yaml, items, directory / "qas.yaml")
    return len(items)


async def load_items(db: Database) -> list[QA]:
    async with db.session() as session:
        rows = await knowledge_items.live_items(session)
    return [QA.model_validate(row.data) for row in rows]


class SearchService:
    """Keeps one index per store version: another process may import at any time."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._index: Index | None = None

    async def index(self) -> Index:
        async with self.db.session() as session:
            version = await knowledge_items.store_version(session)
        if self._index is None or self._index.version != version:
            items = await load_items(self.db)
            self._index = await asyncio.to_thread(Index, items, version)
        return self._index

    async def search(self, query: str, limit: int = 3) -> Result:
        return (await self.index()).search(query, limit)
