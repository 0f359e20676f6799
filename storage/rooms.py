"""Rooms the bot is in, and what they are bound to."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import (
    ARRAY,
    Select,
    String,
    Table,
    any_,
    bindparam,
    exists,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage import organisations, succession, tlp
from storage.ids import RoomId
from storage.models import (
    AuditRecord,
    Incident,
    KeyValue,
    OpenQuestion,
    Organisation,
    ProcessedEvent,
    RecordItem,
    Room,
    RoomBinding,
    Subscription,
    utcnow,
)


async def get(session: AsyncSession, room_id: RoomId) -> Room | None:
    return await session.get(Room, room_id)


async def ensure(session: AsyncSession, room_id: RoomId) -> Room:
    room = await session.get(Room, room_id)
    if room is None:
        room = Room(room_id=room_id, active=False, is_direct=False, greeted=False)
        session.add(room)
        await session.flush()
    return room


async def mark_joined(
    session: AsyncSession, room_id: RoomId, joined_at: datetime, is_direct: bool | None = None
) -> Room:
    room = await ensure(session, room_id)
    room.active = True
    room.joined_at = joined_at
    room.left_at = None
    room.left_reason = None
    if is_direct is not None:
        room.is_direct = is_direct
    binding = await session.get(RoomBinding, room_id)
    if binding is not None:
        binding.active = True
    return room


async def mark_left(session: AsyncSession, room_id: RoomId, reason: str) -> None:
    """Keep the binding (a kick is often a mistake) but stop serving the room."""
    room = await ensure(session, room_id)
    room.active = False
    room.left_at = utcnow()
    room.left_reason = reason
    binding = await session.get(RoomBinding, room_id)
    if binding is not None:
        binding.active = False


async def note_event(session: AsyncSession, room_id: RoomId, event_id: str, ts_ms: int) -> None:
    """Remember the last event handled in the room, in timeline (storage) order.

    Callers pass events in timeline order; the timestamp is kept for display
    only. Comparing timestamps here would keep an earlier event whenever a later
    one carries an older `origin_server_ts`, and the catch-up fetch, which stops
    at this event, would then fetch too much or (stopping by time) too little.
    """
    room = await ensure(session, room_id)
    room.last_event_id = event_id
    room.last_event_ts = ts_ms


# The sync loop's statements, built once on the table (Core): run for every batch.
_ROOMS = cast(Table, Room.__table__)
_MARK_COLUMNS = (
    _ROOMS.c.room_id,
    _ROOMS.c.last_event_id,
    # An upgraded room the bot is still in is read as a served one (storage/succession.py):
    # its gap from its last handled event, its events before a leave handled.
    or_(_ROOMS.c.active, _ROOMS.c.replaced_by.is_not(None)),
    _ROOMS.c.public,
    _ROOMS.c.is_direct,
)
_MARKS = select(*_MARK_COLUMNS).where(_ROOMS.c.room_id.in_(bindparam("ids", expanding=True)))
# PostgreSQL: one array parameter. An IN list is a statement of its own for every length,
# each prepared by asyncpg (a round trip) and kept in its statement cache (100 per
# connection), pushing out the statements every event runs.
_MARKS_ARRAY = select(*_MARK_COLUMNS).where(
    _ROOMS.c.room_id == any_(bindparam("ids", type_=ARRAY(String)))
)
_NOTE_LAST = (
    update(_ROOMS)
    .where(_ROOMS.c.room_id == bindparam("key"))
    .values(last_event_id=bindparam("last_event_id"), last_event_ts=bindparam("last_event_ts"))
)
_NOTE_PUBLIC = (
    update(_ROOMS).where(_ROOMS.c.room_id == bindparam("key")).values(public=bindparam("public"))
)


@dataclass(frozen=True)
class RoomMark:
    """Where the catch-up of a room stops, and whether the bot serves it."""

    last_event_id: str | None
    active: bool
    public: bool
    # A direct chat (`is_direct` on its invite): its publicness counts its members too.
    direct: bool = False


async def marks(session: AsyncSession, room_ids: Collection[str]) -> dict[str, RoomMark]:
    """The marks of many rooms in one query (rooms not known are left out).

    The sync loop reads these once per batch instead of one query per room:
    a warm start with a thousand joined rooms brings all of them in its first batch.
    """
    found: dict[str, RoomMark] = {}
    ids = list(room_ids)
    if session.get_bind().dialect.name == "postgresql":
        chunks = [(_MARKS_ARRAY, ids)] if ids else []
    else:  # stay well below SQLite's variable limit
        chunks = [(_MARKS, ids[start : start + 500]) for start in range(0, len(ids), 500)]
    for statement, chunk in chunks:
        rows = await session.execute(statement, {"ids": chunk})
        for room_id, last_event_id, active, public, direct in rows:
            found[room_id] = RoomMark(last_event_id, bool(active), bool(public), bool(direct))
    return found


async def note_batch(
    session: AsyncSession,
    last_seen: dict[RoomId, tuple[str, int]],
    public: dict[str, bool],
    known: dict[str, RoomMark],
) -> None:
    """End of a batch: each room's last handled event and changed public flags.

    `known` are the marks read at the start of the batch: only what changed is
    written, in one executemany per kind instead of a load and a flush per room.
    """
    for room_id in last_seen:
        if room_id not in known:
            await ensure(session, room_id)  # rare: a room first seen in this batch
    if last_seen:
        rows = [
            {"key": room_id, "last_event_id": event_id, "last_event_ts": ts}
            for room_id, (event_id, ts) in last_seen.items()
        ]
        # One room (the usual batch at a steady pace) as a plain execute: less overhead.
        await session.execute(_NOTE_LAST, rows[0] if len(rows) == 1 else rows)
    changed = [
        {"key": room_id, "public": flag}
        for room_id, flag in public.items()
        if room_id in known and known[room_id].public != flag
    ]
    if changed:
        await session.execute(_NOTE_PUBLIC, changed)
    for new_id, flag in public.items():
        if new_id not in known:  # joined in this batch: its flag counts from now on
            room = await session.get(Room, new_id)
            if room is not None and room.public != flag:
                room.public = flag


@dataclass(frozen=True)
class BindingView:
    """A room binding as plain values (safe to keep after the session closes)."""

    role: str
    incident: str | None
    organisation: str | None
    tlp_default: str
    clearance: str
    # The bound incident is an exercise: the room works in the exercise (storage/exercise.py).
    exercise: bool = False
    # The bound organisation's sectors, read with the binding: a report's sector falls
    # back on them (commands/domino.py) without a query of its own on the hot path.
    # None: not read (a view built elsewhere); the sectors are then looked up.
    sectors: tuple[str, ...] | None = None
    # The rooms this one replaced (upgrades): their posts are the room's own posts.
    earlier: tuple[str, ...] = ()
    # Set for an upgraded room still written in: the room that replaced it, whose
    # binding it works under (storage/succession.py); replies say where it went on.
    replaced_by: str | None = None

    @classmethod
    def of(
        cls, row: RoomBinding, exercise: bool = False, earlier: tuple[str, ...] = ()
    ) -> BindingView:
        """The plain values of a stored binding."""
        return cls(
            row.role,
            row.incident,
            row.organisation,
            row.tlp_default,
            row.clearance,
            exercise,
            earlier=earlier,
        )


_EARLIER = "earlier:"  # kv key prefix: the rooms a room replaced, as a JSON list
KEY_LIMIT = 200  # kv.key's length


def earlier_of(value: str | None) -> tuple[str, ...]:
    """The rooms a room replaced, from their stored value (the column `with_earlier`
    adds, or the key read by `earlier_rooms`)."""
    return tuple(str(r) for r in json.loads(value)) if value else ()


def with_earlier(query: Select[Any], room_id: Any) -> Select[Any]:
    """`query` with one more column: the rooms the room `room_id` (a column of it)
    replaced, as stored (read it with `earlier_of`). For queries over many rooms, which
    would otherwise read each room's chain in a round trip of its own."""
    kv = KeyValue.__table__.c
    return query.add_columns(kv.value).outerjoin(
        KeyValue.__table__, kv.key == literal(_EARLIER) + room_id
    )


async def earlier_rooms(session: AsyncSession, room_id: str) -> tuple[str, ...]:
    """The rooms `room_id` replaced by upgrades, oldest first (none: ())."""
    row = await session.get(KeyValue, _EARLIER + room_id)
    return earlier_of(row.value if row else None)


@dataclass(frozen=True)
class MessageContext:
    already_processed: bool
    is_direct: bool
    binding: BindingView | None


def _context_query() -> Any:
    """Everything the hot path needs before dispatching, as one Core statement."""
    rooms = Room.__table__.c
    bindings = RoomBinding.__table__.c
    incidents = Incident.__table__.c
    orgs = Organisation.__table__.c
    processed = ProcessedEvent.__table__.c
    kv = KeyValue.__table__.c
    return (
        select(
            rooms.is_direct,
            bindings.role,
            bindings.active,
            bindings.incident,
            bindings.organisation,
            bindings.tlp_default,
            bindings.clearance,
            incidents.exercise,
            orgs.sectors,
            exists().where(processed.event_id == bindparam("event_id")),
            kv.value,
        )
        .select_from(
            Room.__table__.outerjoin(RoomBinding.__table__, bindings.room_id == rooms.room_id)
            .outerjoin(KeyValue.__table__, kv.key == literal(_EARLIER) + rooms.room_id)
            .outerjoin(Incident.__table__, incidents.slug == bindings.incident)
            .outerjoin(
                Organisation.__table__,
                # Exact: a binding names the stored organisation (`bind`), so SQL's
                # `lower()` (ASCII only on SQLite) is not the comparison.
                orgs.name == bindings.organisation,
            )
        )
        .where(rooms.room_id == bindparam("room_id"))
    )


# Built once: its cache key is computed once, not for every event.
_CONTEXT = _context_query()


def _context_row(sync: Session, room_id: RoomId, event_id: str) -> Any:
    """`_CONTEXT`'s row, on the session's connection in the greenlet `run_sync` gives:
    the first statement of each handled event, without the ORM's execution around it
    (about 40 µs of CPU). Pending changes are flushed first, as `session.execute`
    would (its autoflush)."""
    if sync.autoflush and (sync.new or sync.dirty or sync.deleted):
        sync.flush()
    return sync.connection().execute(_CONTEXT, {"room_id": room_id, "event_id": event_id}).first()


async def message_context(session: AsyncSession, room_id: RoomId, event_id: str) -> MessageContext:
    """Everything the hot path needs before dispatching, in one round trip."""
    row = await session.run_sync(_context_row, room_id, event_id)
    if row is None:
        await ensure(session, room_id)
        already = await session.get(ProcessedEvent, event_id) is not None
        return MessageContext(already, False, None)
    (
        is_direct, role, active, incident, organisation, tlp_default, clearance, exercise,
        sectors, already, earlier,
    ) = row  # fmt: skip
    view = None
    if role is not None and active:
        view = BindingView(
            role,
            incident,
            organisation,
            tlp_default,
            clearance,
            exercise=bool(exercise),
            sectors=tuple(str(s) for s in sectors or ()),
            earlier=earlier_of(earlier),
        )
    elif role is not None:  # inactive: an upgraded room works under its successor's
        own = (role, organisation, tlp_default, clearance)
        view = await _succeeded(session, room_id, own, earlier_of(earlier))
    return MessageContext(bool(already), bool(is_direct), view)


async def _succeeded(
    session: AsyncSession,
    room_id: str,
    own: tuple[str, str | None, str, str],
    earlier: tuple[str, ...],
) -> BindingView | None:
    """The view of an upgraded room (its own binding inactive; `own`: that copy's role,
    organisation, default label and clearance): its successor's binding within the old
    room's limits (storage/succession.py); None when it was not replaced, its successor
    is not bound now, or is bound for another organisation or role."""
    role, organisation, default, clearance = own
    found = await succession.successor(
        session, room_id, default, clearance, role=role, organisation=organisation
    )
    if found is None:
        return None
    binding = found.binding
    return BindingView(
        binding.role,
        binding.incident,
        binding.organisation,
        found.tlp_default,
        found.clearance,
        exercise=found.exercise,
        earlier=earlier,
        replaced_by=found.room_id,
    )


def _access_query() -> Any:
    """The one statement `access_of` runs: the room, its binding and the rooms it replaced."""
    rooms = Room.__table__.c
    bindings = RoomBinding.__table__.c
    kv = KeyValue.__table__.c
    return (
        select(
            rooms.public,
            rooms.is_direct,
            bindings.role,
            bindings.active,
            bindings.incident,
            bindings.organisation,
            bindings.tlp_default,
            bindings.clearance,
            kv.value,
        )
        .select_from(
            Room.__table__.outerjoin(
                RoomBinding.__table__, bindings.room_id == rooms.room_id
            ).outerjoin(KeyValue.__table__, kv.key == literal(_EARLIER) + rooms.room_id)
        )
        .where(rooms.room_id == bindparam("room_id"))
    )


_ACCESS = _access_query()  # built once, as `_CONTEXT`


async def access_of(
    session: AsyncSession, room_id: RoomId, curator_room: str | None = None
) -> tlp.RoomAccess:
    """What a room other than the current one may see: its binding as stored now (an
    inactive binding, a direct chat or a public room as `RoomAccess.for_binding` says),
    in one round trip (the sender asks it before each labelled send). `curator_room`:
    the configured curator room's id; without a binding it is cleared to GREEN, as the
    question routing posts to it (`RoomAccess.for_configured_curators`)."""
    found = await view_of(session, room_id)
    if found is None:
        if room_id == curator_room:
            # No room yet: the configured curator room's alias before it resolves.
            return tlp.RoomAccess.for_configured_curators(room_id)
        return tlp.RoomAccess.unbound(room_id)
    view, public, is_direct = found
    if view is None and room_id == curator_room and not is_direct:
        return tlp.RoomAccess.for_configured_curators(room_id, public)
    return tlp.RoomAccess.for_binding(room_id, view, public, is_direct)


async def view_of(
    session: AsyncSession, room_id: RoomId
) -> tuple[BindingView | None, bool, bool] | None:
    """A room's binding as its messages are handled now (an upgraded room's: its
    successor's, within its own limits, as `message_context` reads it), and whether it is
    public and a direct chat; None for a room the bot does not know. The sender's check
    before a send and the portal's page read it, so neither has a rule of its own."""
    row = (await session.execute(_ACCESS, {"room_id": room_id})).first()
    if row is None:
        return None
    public, is_direct, role, active, incident, organisation, default, clearance, earlier = row
    view = None
    if role is not None and active:
        view = BindingView(
            role, incident, organisation, default, clearance, earlier=earlier_of(earlier)
        )
    elif role is not None:  # as `message_context` reads it: the same view for the send
        own = (role, organisation, default, clearance)
        view = await _succeeded(session, room_id, own, earlier_of(earlier))
    return view, bool(public), bool(is_direct)


async def binding(session: AsyncSession, room_id: RoomId) -> RoomBinding | None:
    return await session.get(RoomBinding, room_id)


def curator_room_rule(role: str | None, active: bool, room_id: str, configured: str | None) -> bool:
    """The one rule for "a curator room": the room the configuration names
    (`curator_room`, by its id), or a room bound as `curator` while that binding is
    active. A command reads it on its room's live context (commands/questions.py), the
    sender on the stored binding just before a post for curators only goes
    (`is_curator_room`)."""
    if configured is not None and room_id == configured:
        return True
    return active and role == "curator"


async def is_curator_room(session: AsyncSession, room_id: str, configured: str | None) -> bool:
    """Whether the room is a curator room now (`curator_room_rule`), by its binding as a
    command in it reads it (`message_context`): an upgraded room's inactive copy works
    under its successor's binding, so the sender judges its replies as it ran them."""
    found = await session.get(RoomBinding, room_id)
    if found is not None and not found.active:
        own = (found.role, found.organisation, found.tlp_default, found.clearance)
        view = await _succeeded(session, room_id, own, await earlier_rooms(session, room_id))
        return curator_room_rule(view.role if view else None, view is not None, room_id, configured)
    role = found.role if found is not None else None
    return curator_room_rule(role, found is not None, room_id, configured)


async def replacement(session: AsyncSession, room_id: str) -> tuple[str, bool] | None:
    """The room that replaced `room_id` along its chain of verified upgrades (the last
    one), and whether the bot is in it (its join seen); None when it was not replaced."""
    seen = {room_id}
    current = await session.get(Room, room_id)
    last: str | None = None
    while current is not None and current.replaced_by and current.replaced_by not in seen:
        if len(seen) > 8:  # a loop of links, or a very long chain: as far as followed
            break
        last = current.replaced_by
        seen.add(last)
        current = await session.get(Room, last)
    if last is None:
        return None
    joined = current is not None and current.room_id == last
    return last, bool(joined and current and current.active and current.joined_at is not None)


async def upgrade_refused(session: AsyncSession, room_id: str, new: str) -> bool:
    """Whether the bot refused for good to follow `room_id`'s tombstone to `new`
    (bot/room_lifecycle.py audits it; a pending one waits for the bot's join)."""
    found = await session.scalar(
        select(AuditRecord.id)
        .where(
            AuditRecord.room_id == room_id,
            AuditRecord.subject == new,
            AuditRecord.action == "room.upgrade_refused",
        )
        .limit(1)
    )
    return found is not None


async def pending_upgrades(session: AsyncSession, room_ids: Collection[str]) -> dict[str, str]:
    """The rooms among `room_ids` whose tombstone the bot could not follow yet (audited
    `room.upgrade_pending` by bot/room_lifecycle.py, not replaced since): the room that
    replaces each, by its latest such record. What waits there waits for an invite."""
    if not room_ids:
        return {}
    found = await session.execute(
        select(AuditRecord.room_id, AuditRecord.subject)
        .where(
            AuditRecord.room_id.in_(list(room_ids)),
            AuditRecord.action == "room.upgrade_pending",
        )
        .order_by(AuditRecord.id)
    )
    latest = {str(r.room_id): str(r.subject) for r in found if r.subject}
    if not latest:
        return {}
    replaced = await session.scalars(
        select(Room.room_id).where(Room.room_id.in_(list(latest)), Room.replaced_by.is_not(None))
    )
    for room_id in replaced:
        latest.pop(room_id, None)
    return latest


async def carry_binding(session: AsyncSession, old: RoomId, new: RoomId) -> RoomBinding | None:
    """Copy a binding to the room that replaced `old` (a verified room upgrade).

    Never overwrites: a room that already has a binding keeps it, and then nothing
    changes at all (None). The caller verifies the upgrade (bot/room_lifecycle.py).
    A room is replaced once: after an upgrade the old room keeps an inactive copy of
    its binding, and its admins can still tombstone it again. That copy is stale (the
    room that replaced it may since have been unbound or lowered in chat), so a second
    tombstone binds nothing and gives its room none of the old room's posts.
    """
    if await session.get(RoomBinding, new) is not None:
        return None
    source = await session.get(RoomBinding, old)
    old_room = await ensure(session, old)
    if old_room.replaced_by is not None:
        return None
    old_room.replaced_by = new
    await ensure(session, new)
    # An unbound room (a direct chat above all) has duties too: its person's open
    # questions, whose answers must reach the chat they moved to (session 15: they stayed
    # in the old chat). It gets the old room as its earlier one, and nothing to bind.
    await _mark_earlier(session, old, new)
    await _carry_room_duties(session, old, new)
    if source is None:
        await session.flush()
        return None
    target = RoomBinding(room_id=new, bound_by=source.bound_by, bound_at=utcnow())
    session.add(target)
    target.incident = source.incident
    target.organisation = source.organisation
    target.role = source.role
    target.tlp_default = source.tlp_default
    target.clearance = source.clearance
    target.active = True
    source.active = False
    await session.flush()
    return target


async def _mark_earlier(session: AsyncSession, old: RoomId, new: RoomId) -> None:
    """The rooms `new` replaced: `old` and the rooms `old` replaced."""
    earlier = [*await earlier_rooms(session, old), old]
    key = _EARLIER + new
    if len(key) <= KEY_LIMIT:  # room ids are far shorter in practice
        mark = await session.get(KeyValue, key)
        if mark is None:
            session.add(KeyValue(key=key, value=json.dumps(earlier), updated_at=utcnow()))
        else:
            mark.value, mark.updated_at = json.dumps(earlier), utcnow()


async def _carry_room_duties(session: AsyncSession, old: RoomId, new: RoomId) -> None:
    """What the room does besides its binding follows it: its scheduled pictures, the
    open actions it is the owner's room of, and its open questions (their answers go to
    the asker's room). Left on the old room (no longer active, binding inactive) they
    would stop without a word: the scheduler skips such a room, a reminder needs an
    active owner room, and an answer is refused for a room that sees CLEAR only."""
    await session.execute(
        update(Subscription)
        .where(Subscription.room_id == old, Subscription.active.is_(True))
        .values(room_id=new)
    )
    await session.execute(
        update(RecordItem)
        .where(
            RecordItem.owner_room == old,
            RecordItem.done_at.is_(None),
            RecordItem.withdrawn_at.is_(None),
        )
        .values(owner_room=new)
    )
    await session.execute(
        update(OpenQuestion)
        .where(OpenQuestion.room_id == old, OpenQuestion.status == "open")
        .values(room_id=new)
    )


class BindingFields(Protocol):
    """What a binding says, whatever holds it (a binding view, a sample binding)."""

    @property
    def role(self) -> str: ...
    @property
    def incident(self) -> str | None: ...
    @property
    def organisation(self) -> str | None: ...
    @property
    def tlp_default(self) -> str: ...
    @property
    def clearance(self) -> str: ...


async def bind_as(
    session: AsyncSession, room_id: RoomId, wanted: BindingFields, by: str
) -> RoomBinding:
    """Bind the room as `wanted` says, by `by`."""
    return await bind(
        session,
        room_id,
        role=wanted.role,
        incident=wanted.incident,
        organisation=wanted.organisation,
        tlp_default=wanted.tlp_default,
        clearance=wanted.clearance,
        by=by,
    )


async def bind(
    session: AsyncSession,
    room_id: RoomId,
    *,
    role: str,
    incident: str | None,
    organisation: str | None,
    tlp_default: str,
    clearance: str,
    by: str,
) -> RoomBinding:
    await ensure(session, room_id)
    if organisation is not None:
        # The stored organisation's own name, whatever spelling was given: visibility
        # (AMBER+STRICT) and the hot path's sectors compare names exactly.
        organisation = (await organisations.ensure(session, organisation)).name
    binding = await session.get(RoomBinding, room_id)
    if binding is None:
        binding = RoomBinding(room_id=room_id, bound_by=by, bound_at=utcnow())
        session.add(binding)
    binding.role = role
    binding.incident = incident
    binding.organisation = organisation
    binding.tlp_default = tlp_default
    binding.clearance = clearance
    binding.active = True
    binding.bound_by = by
    binding.bound_at = utcnow()
    await session.flush()
    return binding


async def unbind(session: AsyncSession, room_id: RoomId) -> bool:
    binding = await session.get(RoomBinding, room_id)
    if binding is None:
        return False
    await session.delete(binding)
    return True


async def all_bindings(session: AsyncSession) -> Sequence[RoomBinding]:
    return (
        await session.scalars(select(RoomBinding).order_by(RoomBinding.incident, RoomBinding.role))
    ).all()


async def coordinator_views(
    session: AsyncSession, incident: str
) -> list[tuple[str, BindingView, bool, bool]]:
    """Active coordinator rooms of an incident: (room id, binding, public, direct chat)."""
    return await role_views(session, "coordinator", incident)


def active_bindings(
    *columns: Any, incident: str | None = None, role: str | None = None
) -> Select[Any]:
    """Active bindings of active rooms (of `incident` and with `role`, where given),
    `columns` beside each binding, by room id: the start of every "which rooms take
    part" query (add joins and conditions to it)."""
    query = (
        select(RoomBinding, *columns)
        .join(Room, Room.room_id == RoomBinding.room_id)
        .where(RoomBinding.active.is_(True), Room.active.is_(True))
        .order_by(RoomBinding.room_id)
    )
    if incident is not None:
        query = query.where(RoomBinding.incident == incident)
    if role is not None:
        query = query.where(RoomBinding.role == role)
    return query


async def role_views(
    session: AsyncSession, role: str, incident: str | None = None
) -> list[tuple[str, BindingView, bool, bool]]:
    """Active rooms bound with `role` (of one incident, if given):
    (room id, binding, public, direct chat)."""
    query = active_bindings(
        Room.public, Room.is_direct, Incident.exercise, incident=incident, role=role
    ).outerjoin(Incident, Incident.slug == RoomBinding.incident)
    # With the rooms each replaced: what a room posted before its upgrade stays its own.
    query = with_earlier(query, RoomBinding.room_id)
    return [
        (
            binding.room_id,
            BindingView.of(binding, exercise=bool(exercise), earlier=earlier_of(earlier)),
            bool(public),
            bool(is_direct),
        )
        for binding, public, is_direct, exercise, earlier in await session.execute(query)
    ]
