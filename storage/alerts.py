"""Alerts sent to rooms about a report, and their withdrawal: the domino alerts to
liaison rooms (`DominoAlert`) and the alerts to coordinator rooms (`CoordinatorAlert`)
share one store. A row per (report, room) is the alert that stands; `withdrawn_at`
says the room was told, once, that the report no longer holds."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, exists, func, insert, not_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import tlp
from storage.models import CoordinatorAlert, DominoAlert, OutboxMessage, SituationEntry, utcnow

AlertModel = type[DominoAlert] | type[CoordinatorAlert]
AlertRow = DominoAlert | CoordinatorAlert


async def alerted_rooms(session: AsyncSession, model: AlertModel, entry_id: int) -> set[str]:
    """The rooms whose alert about `entry_id` still stands (an edit, a replay): a room
    told that the report no longer holds may be alerted anew when it holds again."""
    return set(await standing(session, model, entry_id))


@dataclass(frozen=True)
class AlertClaim:
    """One room's alert: whether it showed the report's content, under which label, and
    (coordinator alerts) the severity it was about."""

    full: bool
    label: str
    severity_rank: int = 0


async def record(
    session: AsyncSession,
    model: AlertModel,
    entry_id: int,
    rooms: dict[str, AlertClaim],
    source_event_id: str,
    *,
    replace: bool = False,
) -> None:
    """Room -> its alert, one row each, in one statement. A withdrawn row of that room
    makes way (the report holds again); with `replace` a standing one does too (a
    coordinator alerted again at a higher severity: the row names the later alert).
    Otherwise the primary key (report, room) refuses a second alert even if two writers
    raced. `source_event_id`: the event being handled, whose outbox rows hold the
    alerts' event ids once sent."""
    if not rooms:
        return
    condition = [model.cause_entry_id == entry_id, model.room_id.in_(list(rooms))]
    if not replace:
        condition.append(model.withdrawn_at.is_not(None))
    await session.execute(delete(model).where(*condition))
    now = utcnow()
    rows = []
    for room, claim in rooms.items():
        row = {
            "cause_entry_id": entry_id,
            "room_id": room,
            "full": claim.full,
            "label": claim.label,
            "source_event_id": source_event_id,
            "sent_at": now,
        }
        if model is CoordinatorAlert:
            row["severity_rank"] = claim.severity_rank
        rows.append(row)
    await session.execute(insert(model), rows)


async def undelivered(session: AsyncSession, alert: AlertRow) -> None:
    """The alert never reached its room (the sender voided it, or the homeserver refused
    it for good): the room counts as not alerted. A later edit may alert it anew, and
    it is never told that an alert it did not get no longer holds."""
    model = type(alert)
    await session.execute(
        delete(model).where(
            model.cause_entry_id == alert.cause_entry_id, model.room_id == alert.room_id
        )
    )


async def standing(session: AsyncSession, model: AlertModel, entry_id: int) -> dict[str, AlertRow]:
    """The alerts about `entry_id` not yet withdrawn, by room."""
    rows = (
        await session.scalars(
            select(model)
            .where(model.cause_entry_id == entry_id, model.withdrawn_at.is_(None))
            .order_by(model.room_id)
        )
    ).all()
    # (The union of the two models reads back as their base class: narrowed here.)
    return {row.room_id: row for row in rows if isinstance(row, DominoAlert | CoordinatorAlert)}


async def standing_in_item(
    session: AsyncSession, model: AlertModel, item_id: int, other_than: int
) -> list[int]:
    """The entries of situation item `item_id` (but `other_than`) with an alert still
    standing: those a follow-up that resolves or lowers the item answers."""
    e = SituationEntry
    rows = await session.scalars(
        select(model.cause_entry_id)
        .join(e, e.id == model.cause_entry_id)
        .where(
            func.coalesce(e.item_id, e.id) == item_id,
            e.id != other_than,
            model.withdrawn_at.is_(None),
        )
        .distinct()
        .order_by(model.cause_entry_id)
    )
    return list(rows.all())


async def event_id_of(session: AsyncSession, alert: AlertRow) -> str | None:
    """The event id of the alert as sent, or None (not sent yet, or from before the
    source was kept): the first message queued in its room by the event that alerted it
    (a liaison room gets nothing else from a report's event but its domino alert, a
    coordinator room nothing else but its alert)."""
    if alert.source_event_id is None:
        return None
    found = await session.scalar(
        select(OutboxMessage.result_event_id)
        .where(
            OutboxMessage.source_event_id == alert.source_event_id,
            OutboxMessage.room_id == alert.room_id,
            OutboxMessage.kind == "message",
        )
        .order_by(OutboxMessage.id)
        .limit(1)
    )
    return str(found) if found else None


# Reports a picture names as heard of (`heard_of`); more are counted, not named.
MAX_HEARD_OF = 20


@dataclass(frozen=True)
class HeardOf:
    """A severe report a coordinator room got an alert of and may not see now (a redacted
    alert, or a full one from before its clearance was lowered), as the alert said it:
    its id and the severity it was alerted of (storage/vocabulary.py `Severity.rank`)."""

    entry_id: int
    severity_rank: int

    @property
    def code(self) -> str:
        return f"M-{self.entry_id}"


@dataclass(frozen=True)
class Heard:
    """The reports heard of that a picture names (`shown`), and how many there are."""

    shown: list[HeardOf]
    count: int

    @property
    def labels(self) -> list[str]:
        """The label of what the picture repeats of the alerts: a redacted alert's, GREEN
        (commands/domino.py `alert_label`; only a room that may see GREEN hears of
        anything, `tlp.heard_clause`). A picture whose only labelled part is this line
        said TLP:CLEAR, and could be passed on to anyone (review 18a)."""
        return ["GREEN"] if self.shown else []


def _followed_up_in_view(access: tlp.RoomAccess, incident: str) -> ColumnElement[bool]:
    """Whether a live follow-up this room may see names the heard-of report
    (`SituationEntry`, the query's) as its item in `incident`'s picture: the room sees
    the item by that follow-up (a GREEN `betreft: M-1`, fully alerted), and one line per
    item, the fullest it may see, says it (session 19: the item showed twice, M-2 under
    "Aandacht" and "M-1 (extreem)" as heard of). Only the seen follow-ups decide, by
    the item they name (their own, the follow-up says it): an unseen follow-up of a
    seen report is still named (that it is a follow-up is that report's own, its
    label's), and so is nothing of the heard-of report's own state asked. Asking
    whether it still opens its item let an unseen edit moving it into another item put
    it back in the line, and move the open page, the room told nothing (review 19a)."""
    e, seen = SituationEntry, aliased(SituationEntry)
    return exists().where(
        seen.item_id == e.id,
        seen.id != e.id,
        seen.incident == incident,
        seen.retracted_at.is_(None),
        tlp.visible_clause(access, seen.tlp_rank, seen.room_id, seen.organisation),
    )


def coordinator_of(role: str | None, incident: str | None) -> str | None:
    """The incident a room with this (current, active) binding is a coordinator room of,
    None for any other room: only such a room is named what it heard of (`heard_of`)."""
    return incident if role == "coordinator" else None


async def heard_of(
    session: AsyncSession, access: tlp.RoomAccess, incident: str, coordinator: str | None
) -> Heard:
    """The reports of `incident` this room got an alert of that still stands and that it
    may hear of but not see now (at most MAX_HEARD_OF, oldest first), and how many there
    are: a redacted alert, or a full one from before its clearance was lowered.

    `coordinator`: the incident the room's CURRENT binding makes it a coordinator room
    of (`coordinator_of`). The line repeats what the room was told as a coordinator
    room of the report's incident, and only while it is one: a room moved to another
    incident (whose `!beeld storm` still answers), or bound as a liaison or curator room
    now (the portal, scheduled pictures), would otherwise keep hearing of the reports of
    a role it no longer has. Bound back, its standing alerts are named again.

    A picture names them so that a GREEN coordinator room that was told "⚠ Extreme
    melding M-7" does not read a picture without it as if nothing severe were open. It
    says no more than the alert: the alert's own row gives the id and severity, and a
    report counts only while the room may still hear of it and may not see it under its
    current label (`tlp.heard_clause`, `tlp.visible_clause`: a report it may see is in
    the picture itself; one raised beyond hearing, retracted or moved to another
    incident is not named, even before its alert's withdrawal is sent)."""
    if coordinator != incident:
        return Heard([], 0)
    a, e = CoordinatorAlert, SituationEntry
    conditions = [
        # A full alert too: a room lowered below the report since may hear of it now,
        # and was told of it (session 19: its picture read as if nothing were open).
        a.room_id.in_((access.room_id, *access.earlier)),
        a.withdrawn_at.is_(None),
        e.incident == incident,
        e.retracted_at.is_(None),
        tlp.heard_clause(access, e.tlp_rank, e.room_id, e.organisation),
        not_(tlp.visible_clause(access, e.tlp_rank, e.room_id, e.organisation)),
        not_(_followed_up_in_view(access, incident)),
    ]
    base = select(a.cause_entry_id, func.max(a.severity_rank)).join(e, e.id == a.cause_entry_id)
    rows = await session.execute(
        base.where(*conditions)
        .group_by(a.cause_entry_id)
        .order_by(a.cause_entry_id)
        .limit(MAX_HEARD_OF + 1)
    )
    found = [HeardOf(int(entry_id), int(rank)) for entry_id, rank in rows]
    if len(found) <= MAX_HEARD_OF:
        return Heard(found, len(found))
    total = await session.scalar(
        select(func.count(func.distinct(a.cause_entry_id)))
        .select_from(a)
        .join(e, e.id == a.cause_entry_id)
        .where(*conditions)
    )
    return Heard(found[:MAX_HEARD_OF], int(total or 0))
