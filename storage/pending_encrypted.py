"""Encrypted events waiting for their keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingEncrypted, utcnow

__all__ = ["PendingEncrypted", "add", "all_pending", "get", "remove"]


async def add(
    session: AsyncSession, event_id: str, room_id: str, sender: str, source: dict[str, Any]
) -> bool:
    if await session.get(PendingEncrypted, event_id) is not None:
        return False
    session.add(
        PendingEncrypted(
            event_id=event_id, room_id=room_id, sender=sender, source=source, first_seen=utcnow()
        )
    )
    return True


async def get(session: AsyncSession, event_id: str) -> PendingEncrypted | None:
    return await session.get(PendingEncrypted, event_id)


async def all_pending(session: AsyncSession) -> Sequence[PendingEncrypted]:
    return (
        await session.scalars(select(PendingEncrypted).order_by(PendingEncrypted.first_seen))
    ).all()


async def remove(session: AsyncSession, event_id: str) -> None:
    await session.execute(delete(PendingEncrypted).where(PendingEncrypted.event_id == event_id))
