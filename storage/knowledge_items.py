"""Curated content in the database: versioned upserts, retirement, and a store version.

Every change writes the item's new state to `knowledge_item_versions` and an
audit row, so "who changed what, when" is answerable for any version; the
store version (a counter in `kv`) tells every process to rebuild its index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, sync_state
from storage.models import KnowledgeItem, KnowledgeItemVersion, utcnow

STORE_VERSION = "knowledge.store_version"


@dataclass
class ImportCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class NewContent:
    id: str
    kind: str  # "qa" or "guidance"
    content_hash: str
    data: dict[str, Any]
    tlp: str


async def _record(session: AsyncSession, row: KnowledgeItem, action: str, actor: str) -> None:
    session.add(
        KnowledgeItemVersion(
            item_id=row.id,
            version=row.version,
            action=action,
            data=row.data,
            changed_at=row.updated_at,
            changed_by=actor,
        )
    )
    await audit.add(
        session,
        actor,
        f"knowledge.{action}",
        subject=row.id,
        detail={"version": row.version, "kind": row.kind},
    )


async def upsert(session: AsyncSession, items: Sequence[NewContent], actor: str) -> ImportCounts:
    """Same id and hash: unchanged; a changed or retired item gets a new version."""
    counts = ImportCounts()
    for item in items:
        row = await session.get(KnowledgeItem, item.id)
        if row is None:
            row = KnowledgeItem(
                id=item.id,
                kind=item.kind,
                version=1,
                content_hash=item.content_hash,
                data=item.data,
                tlp=item.tlp,
                updated_at=utcnow(),
                updated_by=actor,
            )
            session.add(row)
            counts.added += 1
            await _record(session, row, "added", actor)
        elif row.content_hash != item.content_hash or row.retired_at is not None:
            previous_label = row.tlp
            row.version += 1
            row.kind, row.content_hash, row.data, row.tlp = (
                item.kind,
                item.content_hash,
                item.data,
                item.tlp,
            )
            row.retired_at = None
            row.updated_at, row.updated_by = utcnow(), actor
            counts.updated += 1
            await _record(session, row, "updated", actor)
            if previous_label != row.tlp:
                # Who changed a label, from what to what: answerable from the audit alone.
                await audit.add(
                    session,
                    actor,
                    "knowledge.relabelled",
                    subject=row.id,
                    detail={"from": previous_label, "to": row.tlp, "version": row.version},
                )
        else:
            counts.unchanged += 1
    if counts.added or counts.updated:
        await bump_version(session)
    return counts


async def retire(session: AsyncSession, item_id: str, actor: str) -> KnowledgeItem | None:
    row = await session.get(KnowledgeItem, item_id)
    if row is None or row.retired_at is not None:
        return None
    row.version += 1
    row.retired_at = row.updated_at = utcnow()
    row.updated_by = actor
    await _record(session, row, "retired", actor)
    await bump_version(session)
    return row


async def get(session: AsyncSession, item_id: str) -> KnowledgeItem | None:
    return await session.get(KnowledgeItem, item_id)


async def versions(session: AsyncSession, item_id: str) -> Sequence[KnowledgeItemVersion]:
    rows = await session.scalars(
        select(KnowledgeItemVersion)
        .where(KnowledgeItemVersion.item_id == item_id)
        .order_by(KnowledgeItemVersion.version)
    )
    return rows.all()


async def next_id(session: AsyncSession, prefix: str) -> str:
    """A fresh id `prefix-N` for content added from chat."""
    count = await session.scalar(
        select(func.count()).select_from(KnowledgeItem).where(KnowledgeItem.id.like(f"{prefix}-%"))
    )
    number = int(count or 0) + 1
    while await session.get(KnowledgeItem, f"{prefix}-{number}") is not None:
        number += 1
    return f"{prefix}-{number}"


async def bump_version(session: AsyncSession) -> int:
    current = int(await sync_state.get_value(session, STORE_VERSION) or 0) + 1
    await sync_state.set_value(session, STORE_VERSION, str(current))
    return current


async def store_version(session: AsyncSession) -> int:
    return int(await sync_state.get_value(session, STORE_VERSION) or 0)


async def live_items(session: AsyncSession, kind: str | None = None) -> Sequence[KnowledgeItem]:
    query = select(KnowledgeItem).where(KnowledgeItem.retired_at.is_(None))
    if kind is not None:
        query = query.where(KnowledgeItem.kind == kind)
    rows = await session.scalars(query.order_by(KnowledgeItem.id))
    return rows.all()
