"""The Q&A index of the store, kept on disk for the command line.

`knooppunt knowledge search` is a new process per call: building the index of
10,000 Q&As takes seconds, loading a saved one tens of milliseconds. The saved
index is keyed by the store (its version and a one-row fingerprint) and the
ranking code (`search.index_key`); a changed store or a new release gives
another key, so a stale index is never used, and the older file is removed when
the new one is written. The command line calls `cached_qa_index` only.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select

from knowledge.model import QA, STORED
from knowledge.search import Index, index_key, load_index, save_index
from storage import knowledge_items
from storage.engine import Database
from storage.models import KnowledgeItem


async def cached_qa_index(db: Database, cache_dir: Path) -> Index:
    """The store's Q&A index: from `cache_dir` when the store has not changed since
    it was saved, else built (exactly as the bot builds it) and saved there."""
    async with db.session() as session:
        version = await knowledge_items.store_version(session)
        # One row instead of 10,000: every change bumps the version and stamps
        # updated_at, so (version, count, first and last change) tells stores apart
        # even when a recreated database reaches the same version number.
        count, first, last = (
            await session.execute(
                select(
                    func.count(),
                    func.min(KnowledgeItem.updated_at),
                    func.max(KnowledgeItem.updated_at),
                ).where(KnowledgeItem.kind == "qa", KnowledgeItem.retired_at.is_(None))
            )
        ).one()
        fingerprint = [("count", str(count)), ("first", str(first)), ("last", str(last))]
        path = cache_dir / f"qa-{index_key(version, fingerprint)}.pickle"
        index = await asyncio.to_thread(load_index, path)
        if index is not None:
            return index
        live = await knowledge_items.live_items(session, "qa")
        qas = [QA.model_validate(row.data, context=STORED) for row in live]
    index = await asyncio.to_thread(Index, qas, version)
    await asyncio.to_thread(save_index, index, path)
    return index
