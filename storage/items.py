"""Situation items: a report opens one, follow-ups update it, `status: opgelost` closes it.

An item is the set of live entries with the same `item_id` (the id of the entry that
opened it). Its current state is its latest live entry (by observed time, then id)
among those the room may see - the same order the series use. A follow-up is a
report that replies to a report (or to the bot's confirmation of one), or names it
with `betreft: M-7`.

Unlike the series (latest state per organisation, place and location), an item is never
hidden by another report about the same place: the picture's attention section lists
every open severe or extreme item until a follow-up resolves or downgrades it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import tlp
from storage.models import ItemLatest, OutboxMessage, SituationEntry
from storage.vocabulary import Severity

ATTENTION_SEVERITIES = ("Extreme", "Severe")
# The attention list shows at most this many items, the newest first; `open_attention`
# returns one more, so the picture can say that it left the oldest out.
MAX_ATTENTION = 200


@dataclass(frozen=True)
class LatestState:
    """The latest entry a room may see of one series (a picture's row)."""

    entry_id: int
    category: str
    organisation: str | None
    place: str
    observed_at: datetime
    severity: str
    status: str
    tlp: str
    text: str
    # The entry's own location (`locatie:`), None without one: two shelters of one
    # organisation in one municipality are two lines, told apart by it. The entry's
    # own: a follow-up whose lower label kept its item's place out has none.
    location: str | None

    @property
    def code(self) -> str:
        """The latest visible entry's code: a reply to it updates the item, and it names
        nothing this room may not see (the opening report may carry another label)."""
        return f"M-{self.entry_id}"


@dataclass(frozen=True)
class ItemState(LatestState):
    """An item as a room sees it: the item's id and its latest visible entry."""

    item_id: int


def needs_attention(entry: Any) -> ColumnElement[bool]:
    """Severe or extreme and not resolved, as SQL over any entry alias."""
    return and_(entry.severity.in_(ATTENTION_SEVERITIES), entry.status != "resolved")


# The report that opened an entry's situation item: its organisation is the source of
# the item's figures (`source_organisation`).
OPENER = aliased(SituationEntry, name="opener")


def source_organisation(entry: Any) -> ColumnElement[Any]:
    """The organisation a figure counts for: that of the report that opened the entry's
    item (joined as `OPENER` by `join_opener`). Another organisation's follow-up
    (`betreft: M-1` with "opvangplekken beschikbaar: 40") updates the item's figure: as
    a source of its own it was added to the owner's 120, and the region showed 160."""
    return func.coalesce(OPENER.organisation, entry.organisation)


def join_opener(query: Any, entry: Any) -> Any:
    """`query` with `OPENER` joined for `entry` (any alias of SituationEntry)."""
    return query.outerjoin(OPENER, OPENER.id == func.coalesce(entry.item_id, entry.id))


def item_of(entry: SituationEntry) -> int:
    return entry.item_id if entry.item_id is not None else entry.id


async def entry_behind(session: AsyncSession, event_id: str, room_id: str) -> SituationEntry | None:
    """The entry a replied-to event in `room_id` stands for: the report itself, the
    message whose edit became the report, or the bot's confirmation of a report; each
    only in the report's own room. A reply can only name an event of its own room, and
    the bot's other messages about a report elsewhere (a domino alert in a partner's
    room, a coordinator's alert) are not its confirmation: a report in reply to those is
    that room's own, not an update of another organisation's item."""
    e = SituationEntry
    found = await session.scalar(
        select(e).where((e.source_event_id == event_id) | (e.origin_event_id == event_id))
    )
    if found is not None:
        return found if found.room_id == room_id else None
    # The bot's confirmation: the outbox row that was sent as `event_id` in this room
    # answered a report of this room.
    source = await session.scalar(
        select(OutboxMessage.source_event_id).where(
            OutboxMessage.result_event_id == event_id, OutboxMessage.room_id == room_id
        )
    )
    if source is None:
        return None
    return await session.scalar(
        select(e).where(
            (e.source_event_id == source) | (e.origin_event_id == source), e.room_id == room_id
        )
    )


async def follow_target(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    *,
    code: int | None,
    reply_to: str | None,
) -> tuple[SituationEntry | None, bool]:
    """The entry a new report follows up, and whether a named `betreft:` was not found.

    Only a live entry of the same incident that the reporting room may see can be
    followed: a room cannot attach to (and so learn about) what it may not see.
    """
    candidate: SituationEntry | None = None
    if code is not None:
        candidate = await session.get(SituationEntry, code)
    elif reply_to is not None:
        candidate = await entry_behind(session, reply_to, access.room_id)
    usable = (
        candidate is not None
        and candidate.incident == incident
        and candidate.retracted_at is None
        and tlp.may_see(access, candidate.tlp, candidate.room_id, candidate.organisation)
    )
    if usable:
        return candidate, False
    return None, code is not None


def _newer_than(e: Any, entry: SituationEntry) -> ColumnElement[bool]:
    """Later than `entry` in the item's order (observed time, then id)."""
    later: ColumnElement[bool] = (e.observed_at > entry.observed_at) | (
        (e.observed_at == entry.observed_at) & (e.id > entry.id)
    )
    return later


def _not_below(severity: str) -> list[str]:
    """The stored severities ranked at least as high as `severity`."""
    rank = Severity.of(severity).rank
    return [s.value for s in Severity if s.rank >= rank]


def _opens_attention(entry: SituationEntry) -> bool:
    return entry.severity in ATTENTION_SEVERITIES and entry.status != "resolved"


async def _state(
    session: AsyncSession, item_id: int, conditions: list[ColumnElement[bool]]
) -> SituationEntry | None:
    """The item's current state among its live entries meeting `conditions`: the latest
    of them, except that a follow-up marked `keeps_item_state` does not count when it
    would lower the open severe state before it (the latest unmarked entry, `base`).

    Such a follow-up came from a room that could not see that state (follow_up_rights.
    lowers_unseen): for the rooms that see it (the coordinators) the item keeps its
    severe state under "Aandacht"; for rooms that do not, the follow-up is the item's
    latest state like any other, so nothing tells them that a hidden state exists."""
    e = SituationEntry
    within = [
        func.coalesce(e.item_id, e.id) == item_id,
        e.retracted_at.is_(None),
        *conditions,
    ]
    newest = (e.observed_at.desc(), e.id.desc())
    base = await session.scalar(
        select(e).where(*within, e.keeps_item_state.is_(False)).order_by(*newest).limit(1)
    )
    marked = [*within, e.keeps_item_state.is_(True)]
    if base is not None:
        marked.append(_newer_than(e, base))
        if _opens_attention(base):
            # Neither lower nor resolved: an owner's room that cannot see the severe
            # state may resolve its item only for itself (follow_up_rights.lowers_unseen).
            marked.append(e.severity.in_(_not_below(base.severity)))
            marked.append(e.status != "resolved")
    kept = await session.scalar(select(e).where(*marked).order_by(*newest).limit(1))
    return kept or base


async def latest_in_item(
    session: AsyncSession, access: tlp.RoomAccess, item_id: int
) -> SituationEntry | None:
    """The item's current state as this room sees it (`_state`)."""
    e = SituationEntry
    visible = tlp.visible_clause(access, e.tlp_rank, e.room_id, e.organisation)
    return await _state(session, item_id, [visible])


async def open_severity(session: AsyncSession, incident: str, item_id: int) -> str | None:
    """The severity of the item's current state in `incident` over ALL its live entries,
    whoever may see them, when that state is severe or extreme and not resolved; else
    None. Only ever compared (`follow_up_rights.lowers_unseen`), never shown."""
    latest = await _state(session, item_id, [SituationEntry.incident == incident])
    if latest is None or not _opens_attention(latest):
        return None
    return str(latest.severity)


async def state_before(
    session: AsyncSession, access: tlp.RoomAccess, item_id: int, entry: SituationEntry
) -> SituationEntry | None:
    """The item's state as this room sees it just before `entry` (among the other live
    entries observed no later): what a follow-up without its own severity inherited."""
    e = SituationEntry
    return await _state(
        session,
        item_id,
        [
            e.id != entry.id,
            (e.observed_at < entry.observed_at)
            | ((e.observed_at == entry.observed_at) & (e.id < entry.id)),
            tlp.visible_clause(access, e.tlp_rank, e.room_id, e.organisation),
        ],
    )


def live_visible(
    entry: Any,
    access: tlp.RoomAccess,
    incident: str,
    since: datetime | None,
    category: str | None,
) -> list[ColumnElement[bool]]:
    """The picture's conditions on entries, for any alias of SituationEntry: this
    incident, not retracted, visible to `access`, and within `since` and `category`."""
    conditions: list[ColumnElement[bool]] = [
        entry.incident == incident,
        entry.retracted_at.is_(None),
        tlp.visible_clause(access, entry.tlp_rank, entry.room_id, entry.organisation),
    ]
    if since is not None:
        conditions.append(entry.recorded_at >= since)
    if category is not None:
        conditions.append(entry.category == category)
    return conditions


async def open_attention(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    *,
    category: str | None = None,
) -> list[ItemState]:
    """Every item whose latest visible entry is severe or extreme and not resolved,
    read from `item_latest`, which the caller brings up to date first
    (`series.refresh`, as `build_picture` does). The cost grows with the number of
    items that need attention, not with the number of entries.

    `category` selects items, not the entries that make their state: an item with a
    visible entry of that category, in the state the whole picture gives it (its
    latest visible entry, whatever that entry's category). Ranked over the category's
    entries only, an item resolved by a follow-up filed under another category
    (`!melding stroom`, `betreft: M-1`, `status: opgelost`) stayed open and extreme.
    """
    kept, states = await _kept_states(session, access, incident)
    found = await _attention_from_table(session, access, incident, len(kept), category)
    if category is not None and states:
        selected = set(
            await session.scalars(
                select(SituationEntry.item_id).where(
                    SituationEntry.item_id.in_([s.item_id for s in states]),
                    *live_visible(SituationEntry, access, incident, None, category),
                )
            )
        )
        states = [s for s in states if s.item_id in selected]
    found = [s for s in found if s.item_id not in kept] + states
    found.sort(key=lambda s: (s.observed_at, s.entry_id), reverse=True)
    return found[: MAX_ATTENTION + 1]


def _has_entry_in(
    item_id: Any, access: tlp.RoomAccess, incident: str, category: str
) -> ColumnElement[bool]:
    """The item has a live entry of `category` the room may see (the filter may select
    an item only by what the room sees of it)."""
    x = aliased(SituationEntry)
    return exists().where(x.item_id == item_id, *live_visible(x, access, incident, None, category))


async def _kept_states(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> tuple[set[int], list[ItemState]]:
    """The items with a visible follow-up marked `keeps_item_state` (rare: a follow-up
    that may not lower a state its room cannot see), and those of them that need
    attention, each read with `_state`: whether such a follow-up counts depends on
    what the room sees before it, which `item_latest` (one row per class) cannot say,
    so its rows leave them out (storage/series.py)."""
    e = SituationEntry
    conditions = live_visible(e, access, incident, None, None)
    kept = set(
        await session.scalars(
            select(func.coalesce(e.item_id, e.id))
            .where(*conditions, e.keeps_item_state.is_(True))
            .distinct()
        )
    )
    states = []
    for item_id in sorted(kept):
        state = await _state(session, item_id, conditions)
        if state is not None and _opens_attention(state):
            states.append(_item_state(state))
    return kept, states


def _item_state(r: Any) -> ItemState:
    return ItemState(
        item_id=r.item_id if r.item_id is not None else r.id,
        entry_id=r.id,
        category=r.category,
        organisation=r.organisation,
        place=r.place,
        observed_at=r.observed_at,
        severity=r.severity,
        status=r.status,
        tlp=r.tlp,
        text=r.text,
        location=r.location,
    )


# The columns a LatestState is made of, in its field order.
LATEST_COLUMNS = (
    SituationEntry.id,
    SituationEntry.category,
    SituationEntry.organisation,
    SituationEntry.place,
    SituationEntry.observed_at,
    SituationEntry.severity,
    SituationEntry.status,
    SituationEntry.tlp,
    SituationEntry.text,
    SituationEntry.location,
)
STATE_COLUMNS = (SituationEntry.item_id, *LATEST_COLUMNS)


def _current(access: tlp.RoomAccess, incident: str, row: Any) -> list[ColumnElement[bool]]:
    """An item_latest row counts only while its entry is, NOW, live, in this incident and
    item, and visible to the room: a row that escaped the refresh can neither leak
    text nor show an entry under a label other than its current one."""
    e = SituationEntry
    return [
        e.id == row.entry_id,
        e.incident == incident,
        e.item_id == row.item_id,
        e.retracted_at.is_(None),
        tlp.visible_clause(access, e.tlp_rank, e.room_id, e.organisation),
    ]


async def _attention_from_table(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    kept: int,
    category: str | None = None,
) -> list[ItemState]:
    """Open attention items from `item_latest`: the cost grows with the number of items
    that need attention (and their visibility classes), not with the entries.

    Candidates: items with a row marked for attention. Per candidate, its current
    state is the latest of its rows the room may see, read from the entries as they
    are now (a newer minor or resolved entry in a class the room sees takes the item
    out of the section; a row of a class the room may not see counts for nothing).
    """
    e, il = SituationEntry, ItemLatest
    # Items with a row that needs attention, by the rows' own flag (indexed): a superset,
    # the ranking below reads each row's entry as it is now.
    candidates = select(il.item_id).where(il.incident == incident, il.attention.is_(True))
    row = aliased(ItemLatest)
    ranked = (
        select(
            e.id,
            row.item_id,
            e.observed_at,
            e.severity,
            e.status,
            func.row_number()
            .over(partition_by=row.item_id, order_by=(e.observed_at.desc(), e.id.desc()))
            .label("rn"),
        )
        .join(e, and_(*_current(access, incident, row)))
        .where(row.incident == incident, row.item_id.in_(candidates))
        .subquery()
    )
    chosen = [ranked.c.rn == 1, needs_attention(ranked.c)]
    if category is not None:
        # Per shown item, one look-up on `ix_entries_item` (incident, item_id, ...).
        chosen.append(_has_entry_in(ranked.c.item_id, access, incident, category))
    shown = (
        select(ranked.c.id)
        .where(*chosen)
        .order_by(ranked.c.observed_at.desc(), ranked.c.id.desc())
        .limit(MAX_ATTENTION + 1 + kept)
    )
    # Only the shown rows' texts leave the database.
    rows = await session.execute(
        select(*STATE_COLUMNS).where(e.id.in_(shown)).order_by(e.observed_at.desc(), e.id.desc())
    )
    return [_item_state(r) for r in rows]
