"""Append-only audit log: who did what, where."""

from __future__ import annotations

from collections.abc import Sequence
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


async def incident_history(session: AsyncSession, incident: str) -> list[str]:
    """Who recorded, changed, retracted, exported or received what in an incident,
    oldest first: one line each, `<ISO time>  <who> <what>`."""
    entries = (
        await session.scalars(select(SituationEntry).where(SituationEntry.incident == incident))
    ).all()
    codes = {e.code for e in entries}
    events: list[tuple[str, str]] = []
    for entry in entries:
        # A report's recording is the entry row itself (no separate audit row).
        events.append(
            (
                entry.recorded_at.isoformat(),
                f"{entry.reporter} recorded {entry.code} in {entry.room_id} (TLP:{entry.tlp})",
            )
        )
    revisions = (
        await session.scalars(
            select(EntryRevision).where(
                EntryRevision.entry_id.in_([e.id for e in entries]),
                EntryRevision.revision > 1,
            )
        )
    ).all()
    for revision in revisions:
        events.append(
            (
                revision.created_at.isoformat(),
                f"{revision.created_by} made revision {revision.revision} of M-{revision.entry_id}",
            )
        )
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
        events.append(
            (
                record.at.isoformat(),
                f"{record.actor} {record.action} {record.subject or ''}{where} {detail}".rstrip(),
            )
        )
    return [f"{at}  {text}" for at, text in sorted(events)]
