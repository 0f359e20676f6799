"""Append-only audit log: who did what, where."""

from __future__ import annotations

import itertools
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


async def _entries_ever_in(
    session: AsyncSession, incident: str
) -> tuple[list[SituationEntry], list[EntryRevision]]:
    """The entries that are in the incident or were in it before an edit moved them
    (their revision history says so), and the revisions of them all."""
    revisions = list((await session.scalars(select(EntryRevision))).all())
    moved_out = {r.entry_id for r in revisions if (r.snapshot or {}).get("incident") == incident}
    entries = (
        await session.scalars(
            select(SituationEntry).where(
                or_(SituationEntry.incident == incident, SituationEntry.id.in_(moved_out))
            )
        )
    ).all()
    ids = {e.id for e in entries}
    return list(entries), [r for r in revisions if r.entry_id in ids]


def _moves(revisions: list[EntryRevision]) -> list[Event]:
    """An edit that moved a report to another incident, as a line of both histories."""
    events: list[Event] = []
    ordered = sorted(revisions, key=lambda r: (r.entry_id, r.revision))
    for before, after in itertools.pairwise(ordered):
        if before.entry_id != after.entry_id:
            continue
        was, now = (before.snapshot or {}).get("incident"), (after.snapshot or {}).get("incident")
        if was != now:
            values: dict[str, object] = {"who": after.created_by, "code": f"M-{after.entry_id}"}
            values |= {"from": was or "-", "to": now or "-"}
            events.append(Event(after.created_at.isoformat(), "audit.moved", values))
    return events


async def incident_history(session: AsyncSession, incident: str) -> list[Event]:
    """Who recorded, changed, moved, retracted, exported or received what in an
    incident, oldest first. A report edited into another incident stays in the history
    of the one it was in, with the move (and is in the other's too)."""
    entries, all_revisions = await _entries_ever_in(session, incident)
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
    events += [
        Event(
            r.created_at.isoformat(),
            "audit.revision",
            {"who": r.created_by, "revision": r.revision, "code": f"M-{r.entry_id}"},
        )
        for r in all_revisions
        if r.revision > 1
    ]
    events += _moves(all_revisions)
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
