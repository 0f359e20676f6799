"""Append-only audit log: who did what, where."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditRecord, EntryRevision, SituationEntry, utcnow


async def add(
    session: AsyncSession,
    actor: str,
    action: str,
    room_id: str | None = None,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """`at`: when it happened, for rows written later in a batch (portal page views)."""
    session.add(
        AuditRecord(
            at=at or utcnow(),
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


async def incident_history(session: AsyncSession, incident: str) -> list[str]:
    """Who recorded, changed, retracted, exported or received what in an incident,
    oldest first: one line each, `<ISO time>  <who> <what>`."""
    entries = (
        await session.scalars(select(SituationEntry).where(SituationEntry.incident == incident))
    ).all()
    codes = {e.code for e in entries}
    # A report's recording is the entry row itself (no separate audit row).
    events = [
        (e.recorded_at.isoformat(), f"{e.reporter} recorded {e.code} in {e.room_id} (TLP:{e.tlp})")
        for e in entries
    ]
    revisions = (
        await session.scalars(
            select(EntryRevision).where(
                EntryRevision.entry_id.in_([e.id for e in entries]),
                EntryRevision.revision > 1,
            )
        )
    ).all()
    events += [
        (r.created_at.isoformat(), f"{r.created_by} made revision {r.revision} of M-{r.entry_id}")
        for r in revisions
    ]
    records = (
        await session.scalars(
            select(AuditRecord).where(
                or_(AuditRecord.subject == incident, AuditRecord.subject.in_(codes))
            )
        )
    ).all()
    for record in records:
        if record.action == "entry.edited":
            continue  # already listed from the revision history
        detail = " ".join(f"{k}={v}" for k, v in sorted(record.detail.items()))
        where = f" in {record.room_id}" if record.room_id else ""
        text = f"{record.actor} {record.action} {record.subject or ''}{where} {detail}"
        events.append((record.at.isoformat(), text.rstrip()))
    return [f"{at}  {text}" for at, text in sorted(events)]
