"""Assessments, decisions and actions: recording, revising, withdrawing, and reading
them as a room may see them (every read goes through `storage.tlp.visible_clause`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import exercise, incidents, tlp
from storage.models import (
    RECORD_PREFIX,
    ProcessedEvent,
    RecordItem,
    RecordRevision,
    RoomBinding,
    utcnow,
)
from storage.models import Room as RoomRow
from storage.organisations import name_key
from storage.revision_history import last_number, revision_columns, standing_revision
from storage.rooms import BindingView, active_bindings, earlier_rooms

Kind = Literal["assessment", "decision", "action"]
KINDS: tuple[Kind, ...] = ("assessment", "decision", "action")
KIND_OF_PREFIX = {prefix: kind for kind, prefix in RECORD_PREFIX.items()}


@dataclass
class RecordInput:
    """One revision of an item: what the command said, in context."""

    kind: str
    incident: str
    organisation: str | None
    tlp: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    owner_room: str | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None

    def snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("due_at", "remind_at"):
            value = getattr(self, key)
            data[key] = value.isoformat() if value is not None else None
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> RecordInput:
        values = dict(data)
        for key in ("due_at", "remind_at"):
            if values.get(key):
                values[key] = datetime.fromisoformat(values[key])
        return cls(**values)


def _apply(item: RecordItem, data: RecordInput) -> None:
    item.incident = data.incident
    item.organisation = data.organisation
    item.tlp = data.tlp
    item.tlp_rank = tlp.RANK[data.tlp]
    item.text = data.text
    item.fields = dict(data.fields)
    item.owner = data.owner
    item.owner_room = data.owner_room
    if item.due_at != data.due_at or item.remind_at != data.remind_at:
        # A new deadline earns its own reminder; an unchanged one keeps its state.
        item.reminded_at = None
        item.reminder_late = False
    item.due_at = data.due_at
    item.remind_at = data.remind_at


async def _apply_revision(session: AsyncSession, item: RecordItem, data: RecordInput) -> None:
    """`_apply` for a revision: an item that leaves its incident is counted there."""
    left = item.incident
    _apply(item, data)
    if left != item.incident:
        await incidents.note_departure(session, left)


async def record(
    session: AsyncSession,
    data: RecordInput,
    author: str,
    room_id: str,
    source_event_id: str,
    origin_event_id: str | None = None,
) -> RecordItem:
    """Store a new item (revision 1, also in the history) with the next number of its kind."""
    number = (
        await session.scalar(
            select(func.max(RecordItem.number)).where(RecordItem.kind == data.kind)
        )
        or 0
    ) + 1
    now = utcnow()
    item = RecordItem(
        kind=data.kind,
        number=number,
        room_id=room_id,
        author=author,
        source_event_id=source_event_id,
        origin_event_id=origin_event_id,
        created_at=now,
        updated_at=now,
        revision=1,
        reminded_at=None,
        reminder_late=False,
    )
    _apply(item, data)
    session.add(item)
    await session.flush()
    first = revision_columns(1, source_event_id, data.snapshot(), now, author)
    session.add(RecordRevision(item_id=item.id, **first))
    return item


async def revise(
    session: AsyncSession, item: RecordItem, data: RecordInput, edit_event_id: str, editor: str
) -> RecordItem:
    last = await last_number(session, RecordRevision, RecordRevision.item_id, item.id)
    now = utcnow()
    revision = (last or item.revision) + 1
    edited = revision_columns(revision, edit_event_id, data.snapshot(), now, editor)
    session.add(RecordRevision(item_id=item.id, **edited))
    await _apply_revision(session, item, data)
    item.revision = revision
    item.updated_at = now
    await session.flush()
    return item


async def current_input(session: AsyncSession, item: RecordItem) -> RecordInput:
    return RecordInput(
        kind=item.kind,
        incident=item.incident,
        organisation=item.organisation,
        tlp=item.tlp,
        text=item.text,
        fields=dict(item.fields),
        owner=item.owner,
        owner_room=item.owner_room,
        due_at=item.due_at,
        remind_at=item.remind_at,
    )


async def withdraw(session: AsyncSession, item: RecordItem) -> None:
    """The command message was redacted: withdrawn, kept with its whole history."""
    item.withdrawn_at = utcnow()
    item.updated_at = item.withdrawn_at
    await session.flush()


async def by_message(session: AsyncSession, event_id: str) -> RecordItem | None:
    """The item a command message made (the message itself, or the one it came in as an edit of)."""
    return await session.scalar(
        select(RecordItem).where(
            or_(RecordItem.source_event_id == event_id, RecordItem.origin_event_id == event_id)
        )
    )


async def closed_by(session: AsyncSession, event_id: str) -> list[RecordItem]:
    """The actions the message `event_id` closed (`!actie klaar`), or opened again while
    an edit of it is handled (`done_event_id` kept, `done_at` cleared), by code."""
    return list(
        await session.scalars(
            select(RecordItem)
            .where(RecordItem.kind == "action", RecordItem.done_event_id == event_id)
            .order_by(RecordItem.number)
        )
    )


async def revision_by_event(session: AsyncSession, event_id: str) -> RecordRevision | None:
    return await session.scalar(
        select(RecordRevision).where(
            RecordRevision.source_event_id == event_id, RecordRevision.revision > 1
        )
    )


async def withdraw_revision(session: AsyncSession, event_id: str) -> RecordItem | None:
    """An edit was redacted: back to the latest revision that still stands."""
    revision = await revision_by_event(session, event_id)
    if revision is None or revision.withdrawn_at is not None:
        return None
    item = await session.get(RecordItem, revision.item_id)
    if item is None:
        return None
    revision.withdrawn_at = utcnow()
    await session.flush()
    standing = await standing_revision(session, RecordRevision, RecordRevision.item_id, item.id)
    if standing is None:
        return None
    await _apply_revision(session, item, RecordInput.from_snapshot(standing.snapshot))
    item.revision = standing.revision
    item.updated_at = utcnow()
    await session.flush()
    return item


def visible_clause(access: tlp.RoomAccess) -> Any:
    """The record items this room may see (the one TLP rule, on this table's columns)."""
    return tlp.visible_clause(
        access, RecordItem.tlp_rank, RecordItem.room_id, RecordItem.organisation
    )


def _standing(
    access: tlp.RoomAccess, kind: str | None = None, incident: str | None = None
) -> list[Any]:
    """The items of `kind` (any kind when None) of `incident` (every incident's when None)
    that stand (not withdrawn) and this room may see."""
    clauses = [RecordItem.withdrawn_at.is_(None), visible_clause(access)]
    if kind is not None:
        clauses.append(RecordItem.kind == kind)
    if incident is not None:
        clauses.append(RecordItem.incident == incident)
    return clauses


def _open_actions(
    access: tlp.RoomAccess, incident: str | None, exercise_mode: bool | None
) -> list[Any]:
    """Standing actions not done yet, of `incident` or (None) of every incident of the
    mode: what `open_actions` lists and `count_open_actions` counts."""
    clauses = [*_standing(access, "action", incident), RecordItem.done_at.is_(None)]
    if exercise_mode is not None:
        clauses.append(_mode_clause(exercise_mode))
    return clauses


def parse_code(text: str) -> tuple[Kind, int] | None:
    """`A-4`, `a4`, `B-12` -> (kind, number)."""
    value = text.strip().upper().replace(" ", "")
    if len(value) < 2 or value[0] not in KIND_OF_PREFIX:
        return None
    digits = value[1:].lstrip("-")
    if not digits.isdigit() or len(digits) > 9:
        return None
    return KIND_OF_PREFIX[value[0]], int(digits)  # type: ignore[return-value]


async def visible_by_code(
    session: AsyncSession, access: tlp.RoomAccess, kind: str, number: int
) -> RecordItem | None:
    """The item, if this room may see it; otherwise it does not exist for the room."""
    return await session.scalar(
        select(RecordItem).where(
            RecordItem.kind == kind, RecordItem.number == number, visible_clause(access)
        )
    )


async def open_actions(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str | None,
    now: datetime,
    limit: int | None = None,
    offset: int = 0,
    exercise_mode: bool | None = None,
) -> Sequence[RecordItem]:
    """Open actions this room may see: overdue first, then by deadline (in SQL, so a
    picture reads only the `limit` it shows). `exercise_mode`: only exercises' or only
    real incidents' actions (a list across incidents shows those of the room's mode)."""
    query = (
        select(RecordItem)
        .where(*_open_actions(access, incident, exercise_mode))
        .order_by(
            case((RecordItem.due_at <= now, 0), else_=1),
            RecordItem.due_at.is_(None),
            RecordItem.due_at,
            RecordItem.number,
        )
    )
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return (await session.scalars(query)).all()


def _mode_clause(exercise_mode: bool) -> Any:
    """The action's incident is an exercise (True) or real (False): storage/exercise."""
    return exercise.incident_clause(RecordItem.incident, exercise_mode)


async def count_open_actions(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str | None,
    exercise_mode: bool | None = None,
) -> int:
    """How many `open_actions` there are (every incident's of the mode when `incident`
    is None)."""
    query = select(func.count(RecordItem.id)).where(*_open_actions(access, incident, exercise_mode))
    return int(await session.scalar(query) or 0)


async def latest_assessments(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> list[RecordItem]:
    """The latest assessment per organisation among those this room may see."""
    ranked = (
        select(
            RecordItem.id,
            func.row_number()
            .over(
                partition_by=func.coalesce(RecordItem.organisation, RecordItem.room_id),
                order_by=(RecordItem.created_at.desc(), RecordItem.id.desc()),
            )
            .label("place"),
        )
        .where(*_standing(access, "assessment", incident))
        .subquery()
    )
    rows = await session.scalars(
        select(RecordItem)
        .join(ranked, ranked.c.id == RecordItem.id)
        .where(ranked.c.place == 1)
        .order_by(RecordItem.organisation, RecordItem.number)
    )
    return list(rows.all())


async def decisions(
    session: AsyncSession, access: tlp.RoomAccess, incident: str, limit: int = 50
) -> list[RecordItem]:
    rows = await session.scalars(
        select(RecordItem)
        .where(*_standing(access, "decision", incident))
        .order_by(RecordItem.number.desc())
        .limit(limit)
    )
    return list(rows.all())


async def done_since(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    since: datetime | None,
    limit: int = 50,
) -> list[RecordItem]:
    """Actions closed after `since` (the room's previous picture); none without one."""
    if since is None:
        return []
    rows = await session.scalars(
        select(RecordItem)
        .where(
            *_standing(access, "action", incident),
            RecordItem.done_at.is_not(None),
            RecordItem.done_at > since,
        )
        .order_by(RecordItem.done_at.desc())
        .limit(limit)
    )
    return list(rows.all())


async def for_export(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> list[RecordItem]:
    """Every item of the incident this room may see. Withdrawn ones stay out, as retracted
    reports do: their text appears nowhere (the history keeps them, `knooppunt audit`)."""
    rows = await session.scalars(select(RecordItem).where(*_standing(access, incident=incident)))
    # Oordeel, besluit, actie: the order the crisis teams work in.
    return sorted(rows.all(), key=lambda r: (KINDS.index(r.kind), r.number))


async def due_reminders(session: AsyncSession, now: datetime) -> Sequence[RecordItem]:
    """Open actions whose reminder is due and not yet sent (each is sent once, ever)."""
    rows = await session.scalars(
        select(RecordItem)
        .where(
            RecordItem.kind == "action",
            RecordItem.remind_at.is_not(None),
            RecordItem.remind_at <= now,
            RecordItem.reminded_at.is_(None),
            RecordItem.done_at.is_(None),
            RecordItem.withdrawn_at.is_(None),
        )
        .order_by(RecordItem.remind_at, RecordItem.id)
    )
    return rows.all()


@dataclass(frozen=True)
class OwnerRoom:
    room_id: str
    binding: RoomBinding
    public: bool
    # The rooms it replaced (upgrades): their posts are its own posts, as for every view
    # of a room. Without them a room's own RED action was no longer its own after an
    # upgrade, and its reminder was skipped.
    earlier: tuple[str, ...] = ()

    @property
    def access(self) -> tlp.RoomAccess:
        view = BindingView.of(self.binding, earlier=self.earlier)
        return tlp.RoomAccess.for_binding(self.room_id, view, self.public)


async def _with_earlier(session: AsyncSession, room: OwnerRoom | None) -> OwnerRoom | None:
    """`room` with the rooms it replaced (only the one room a lookup chose is read)."""
    if room is None:
        return None
    return replace(room, earlier=await earlier_rooms(session, room.room_id))


async def _bound_rooms(session: AsyncSession, incident: str) -> list[OwnerRoom]:
    rows = (
        await session.execute(
            active_bindings(RoomRow.public).where(
                RoomRow.is_direct.is_(False),
                or_(RoomBinding.incident == incident, RoomBinding.incident.is_(None)),
            )
        )
    ).all()
    return [OwnerRoom(b.room_id, b, bool(public)) for b, public in rows]


_ROLE_ORDER = {"liaison": 0, "municipality": 1, "coordinator": 2, "curator": 3}


async def owner_room_of_user(
    session: AsyncSession, user_id: str, incident: str
) -> OwnerRoom | None:
    """A user's own room: the bound room of this incident where the bot last saw them
    write (a partner's liaison room before a coordination room)."""
    rooms = {r.room_id: r for r in await _bound_rooms(session, incident)}
    if not rooms:
        return None
    seen = await session.execute(
        select(ProcessedEvent.room_id, func.max(ProcessedEvent.origin_ts))
        .where(ProcessedEvent.sender == user_id, ProcessedEvent.room_id.in_(list(rooms)))
        .group_by(ProcessedEvent.room_id)
    )
    candidates = [(rooms[room_id], last) for room_id, last in seen.all()]
    if not candidates:
        return None
    candidates.sort(
        key=lambda pair: (
            _ROLE_ORDER.get(pair[0].binding.role, 9),
            -pair[1].timestamp() if pair[1] is not None else 0,
        )
    )
    return await _with_earlier(session, candidates[0][0])


async def owner_room_of_org(
    session: AsyncSession, organisation: str, incident: str
) -> OwnerRoom | None:
    """An organisation's room for this incident: its liaison room first."""
    # The one name key `organisations.find` uses: the same names are one organisation.
    wanted = name_key(organisation)
    rooms = [
        r
        for r in await _bound_rooms(session, incident)
        if name_key(r.binding.organisation or "") == wanted
    ]
    rooms.sort(key=lambda r: (_ROLE_ORDER.get(r.binding.role, 9), r.room_id))
    return await _with_earlier(session, rooms[0] if rooms else None)


async def owner_room_by_id(session: AsyncSession, room_id: str) -> OwnerRoom | None:
    row = (
        await session.execute(
            active_bindings(RoomRow.public).where(
                RoomBinding.room_id == room_id, RoomRow.is_direct.is_(False)
            )
        )
    ).first()
    found = None if row is None else OwnerRoom(row[0].room_id, row[0], bool(row[1]))
    return await _with_earlier(session, found)


def changed_since(items: Sequence[RecordItem], since: datetime | None) -> bool:
    return since is not None and any(i.updated_at > since for i in items)
