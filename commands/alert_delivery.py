"""An alert to another room the homeserver refused for good: the reporter is told.

The sender (bot/sender.py) gives a row up on a permanent refusal (a 4xx such as
M_FORBIDDEN in a coordinator room where the bot may no longer post) or after its
last attempt. For a coordinator alert that used to end in a log line only, and the
reporter went on believing the coordinators knew about a severe report. Here the
given-up row is recognised as an alert and a short notice for the reporter's room is
made; the sender queues it in the same transaction that gives the row up. A domino
alert (to a room of a sector that depends on the reporter's) is told the same way.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.i18n import Language, t
from commands.message import Reply
from storage import alerts, audit
from storage.alerts import AlertModel, AlertRow
from storage.ids import EventId, RoomId
from storage.models import CoordinatorAlert, DominoAlert, OutboxMessage, SituationEntry

# Each kind of alert sent to another room, and what its reporter is told when it is refused.
_KINDS: tuple[tuple[AlertModel, str], ...] = (
    (CoordinatorAlert, "reports.alert_undelivered"),
    (DominoAlert, "domino.alert_undelivered"),
)


async def _alert_of(session: AsyncSession, row: OutboxMessage) -> tuple[AlertRow, str] | None:
    """The alert `row` carried (a coordinator or a domino alert) and the catalogue key of
    its notice: the first message the report's event queued in that room (a room alerted
    about a report gets nothing else from the report's event, as
    `storage.alerts.event_id_of` also relies on)."""
    if row.kind != "message" or row.source_event_id is None:
        return None
    first = await session.scalar(
        select(func.min(OutboxMessage.id)).where(
            OutboxMessage.source_event_id == row.source_event_id,
            OutboxMessage.room_id == row.room_id,
            OutboxMessage.kind == "message",
        )
    )
    if first != row.id:
        return None
    for model, key in _KINDS:
        alert = await session.scalar(
            select(model).where(
                model.room_id == row.room_id, model.source_event_id == row.source_event_id
            )
        )
        if isinstance(alert, CoordinatorAlert | DominoAlert):
            return alert, key
    return None


async def undelivered_alert(
    session: AsyncSession, row: OutboxMessage, error: str, lang: Language, voided: bool = False
) -> Reply | None:
    """The notice for the reporter's room when the given-up `row` was a coordinator
    alert about a report that still stands; None otherwise. Audited (`alert.undelivered`).
    `voided`: the sender did not send it, as the room may no longer see it (its
    clearance went down, it was unbound or turned public while the alert waited).

    It names only the report's own id, which the reporter's room knows: nothing of the
    coordinator room or of the refusal beyond "not reached"."""
    found = await _alert_of(session, row)
    if found is None:
        return None
    alert, key = found
    # Not delivered: the room no longer counts as alerted (before, a voided alert stood
    # as sent, so the room was never alerted again and was later told it was withdrawn).
    await alerts.undelivered(session, alert)
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
    notice = render.plain(t(lang, f"{key}_voided" if voided else key, code=entry.code))
    return dataclasses.replace(
        notice,
        room_id=RoomId(entry.room_id),
        reply_to=EventId(entry.origin_event_id or entry.source_event_id),
    )
