"""A coordinator alert the homeserver refused for good: the reporter is told.

The sender (bot/sender.py) gives a row up on a permanent refusal (a 4xx such as
M_FORBIDDEN in a coordinator room where the bot may no longer post) or after its
last attempt. For a coordinator alert that used to end in a log line only, and the
reporter went on believing the coordinators knew about a severe report. Here the
given-up row is recognised as an alert and a short notice for the reporter's room is
made; the sender queues it in the same transaction that gives the row up.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.i18n import Language, t
from commands.message import Reply
from storage import audit
from storage.ids import EventId, RoomId
from storage.models import CoordinatorAlert, OutboxMessage, SituationEntry


async def _alert_of(session: AsyncSession, row: OutboxMessage) -> CoordinatorAlert | None:
    """The coordinator alert `row` carried: the first message the report's event queued
    in that coordinator room (a coordinator room gets nothing else from a report's
    event, as `storage.alerts.event_id_of` also relies on)."""
    if row.kind != "message" or row.source_event_id is None:
        return None
    alert = await session.scalar(
        select(CoordinatorAlert).where(
            CoordinatorAlert.room_id == row.room_id,
            CoordinatorAlert.source_event_id == row.source_event_id,
        )
    )
    if alert is None:
        return None
    first = await session.scalar(
        select(func.min(OutboxMessage.id)).where(
            OutboxMessage.source_event_id == row.source_event_id,
            OutboxMessage.room_id == row.room_id,
            OutboxMessage.kind == "message",
        )
    )
    return alert if first == row.id else None


async def undelivered_alert(
    session: AsyncSession, row: OutboxMessage, error: str, lang: Language
) -> Reply | None:
    """The notice for the reporter's room when the given-up `row` was a coordinator
    alert about a report that still stands; None otherwise. Audited (`alert.undelivered`).

    It names only the report's own id, which the reporter's room knows: nothing of the
    coordinator room or of the refusal beyond "not reached"."""
    alert = await _alert_of(session, row)
    if alert is None:
        return None
    entry = await session.get(SituationEntry, alert.cause_entry_id)
    if entry is None or entry.retracted_at is not None:
        return None  # a retracted report needs no alert any more
    await audit.add(
        session,
        "bot",
        "alert.undelivered",
        alert.room_id,
        subject=entry.code,
        detail={"incident": entry.incident, "error": error},
    )
    notice = render.plain(t(lang, "reports.alert_undelivered", code=entry.code))
    return dataclasses.replace(
        notice,
        room_id=RoomId(entry.room_id),
        reply_to=EventId(entry.origin_event_id or entry.source_event_id),
    )
