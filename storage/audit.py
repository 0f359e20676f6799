"""Append-only audit log: who did what, where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditRecord, EntryRevision, SituationEntry, utcnow
from storage.sqlite_driver import COMMIT_OPTION


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


async def add_many_and_commit(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Rows with the columns `add` fills (a batch of portal page views), as the last
    statement of a write transaction: one executemany of Core inserts, not an ORM object
    per row. On SQLite the BEGIN IMMEDIATE, the insert and the COMMIT go to the database
    thread in one trip (storage/sqlite_driver.py), so the write lock is held only while
    the rows are written, never while the transaction waits for a busy event loop's
    next turn; a report that wants the lock meanwhile sleeps the least in SQLite's busy
    handler."""
    await session.execute(insert(AuditRecord), rows, execution_options={COMMIT_OPTION: True})


async def for_subject(session: AsyncSession, subject: str) -> Sequence[AuditRecord]:
    rows = await session.scalars(
        select(AuditRecord).where(AuditRecord.subject == subject).order_by(AuditRecord.id)
    )
    return rows.all()


@dataclass(frozen=True)
class Event:
    """One line of an incident's history: when (ISO time), and what as a catalogue key
    ("audit.<name>", commands/texts/cli.py) with its values; the CLI says it in the
    configured language (storage does not import the catalogue)."""

    at: str
    key: str
    values: dict[str, object]


async def incident_history(session: AsyncSession, incident: str) -> list[Event]:
    """Who recorded, changed, retracted, exported or received what in an incident,
    oldest first."""
    entries = (
        await session.scalars(select(SituationEntry).where(SituationEntry.incident == incident))
    ).all()
    codes = {e.code for e in entries}
    # A report's recording is the entry row itself (no separate audit row).
    events = [
        Event(
            e.recorded_at.isoformat(),
            "audit.recorded",
            {"who": e.reporter, "code": e.code, "room": e.room_id, "tlp": e.tlp},
        )
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
        Event(
            r.created_at.isoformat(),
            "audit.revision",
            {"who": r.created_by, "revision": r.revision, "code": f"M-{r.entry_id}"},
        )
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
        # The action is a code (incident.opened), its detail key=value pairs: not sentences.
        detail = " ".join(f"{k}={v}" for k, v in sorted(record.detail.items()))
        values = {"who": record.actor, "action": record.action, "subject": record.subject or ""}
        key = "audit.action_in_room" if record.room_id else "audit.action"
        values |= {"room": record.room_id} if record.room_id else {}
        events.append(Event(record.at.isoformat(), key, {**values, "detail": detail}))
    return sorted(events, key=lambda event: event.at)
