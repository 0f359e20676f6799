"""Curated content in the database: idempotent upserts with versions, and a store version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, sync_state
from storage.models import KnowledgeItem, utcnow

STORE_VERSION = "knowledge.store_version"


@dataclass
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


async def upsert(
    session: AsyncSession, items: Sequence[tuple[str, str, dict[str, Any], str]], actor: str
) -> ImportCounts:
    """Items as (id, content hash, data, tlp). Same id and hash: unchanged; else a new version."""
    counts = ImportCounts()
    for item_id, content_hash, data, label in items:
        row = await session.get(KnowledgeItem, item_id)
        if row is None:
            session.add(
                KnowledgeItem(
                    id=item_id,
                    kind="qa",
                    version=1,
                    content_hash=content_hash,
                    data=data,
                    tlp=label,
                    updated_at=utcnow(),
                    updated_by=actor,
                )
            )
            counts.added += 1
            await audit.add(
                session, actor, "knowledge.added", subject=item_id, detail={"version": 1}
            )
        elif row.content_hash != content_hash or row.retired_at is not None:
            row.version += 1
            row.content_hash, row.data, row.tlp = content_hash, data, label
            row.retired_at = None
            row.updated_at, row.updated_by = utcnow(), actor
            counts.updated += 1
            await audit.add(
                session,
                actor,
                "knowledge.updated",
                subject=item_id,
                detail={"version": row.version},
            )
        else:
            counts.unchanged += 1
    if counts.added or counts.updated:
        await bump_version(session)
    return counts


async def bump_version(session: AsyncSession) -> int:
    current = int(await sync_state.get_value(session, STORE_VERSION) or 0) + 1
    await sync_state.set_value(session, STORE_VERSION, str(current))
    return current


async def store_version(session: AsyncSession) -> int:
    return int(await sync_state.get_value(session, STORE_VERSION) or 0)


async def live_items(session: AsyncSession) -> Sequence[KnowledgeItem]:
    rows = await session.scalars(
        select(KnowledgeItem).where(KnowledgeItem.retired_at.is_(None)).order_by(KnowledgeItem.id)
    )
    return rows.all()
