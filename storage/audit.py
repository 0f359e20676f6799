"""Append-only audit log: who did what, where."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditRecord, utcnow


async def add(
    session: AsyncSession,
    actor: str,
    action: str,
    room_id: str | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditRecord(
            at=utcnow(),
            actor=actor,
            room_id=room_id,
            action=action,
            subject=subject,
            detail=detail or {},
        )
    )


async def for_subject(session: AsyncSession, subject: str) -> Sequence[AuditRecord]:
    rows = await session.scalars(
        select(AuditRecord).where(AuditRecord.subject == subject).order_by(AuditRecord.id)
    )
    return rows.all()
