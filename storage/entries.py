"""Situation entries: recording, revising, retracting, and reading them as a room may see them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage import bounds, exercise, incidents, organisations, regions, tlp
from storage.models import EntryFigure, EntryRevision, SituationEntry, utcnow
from storage.revision_history import last_number, revision_columns, standing_revision
from storage.vocabulary import fold

# The report path's statements, built once (their cache keys are computed once too),
# on the tables themselves: Core, without the ORM's per-row bookkeeping.
_ENTRIES = cast(Table, SituationEntry.__table__)
_NEXT_ENTRY_ID = select(func.coalesce(func.max(_ENTRIES.c.id), 0) + 1).scalar_subquery()
_INSERT_ENTRY = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_NEW_ITEM = (
    insert(_ENTRIES).values(id=_NEXT_ENTRY_ID, item_id=_NEXT_ENTRY_ID).returning(_ENTRIES.c.id)
)
_INSERT_FIGURES = insert(cast(Table, EntryFigure.__table__))


def _item_location(
    item_id: Any, place: Any, rank: Any, organisation: Any, room: Any
) -> ColumnElement[str]:
    """The `location_key` of the report that opened item `item_id`, when it is about
    `place` and every room that may see the follow-up (label `rank`, `organisation`,
    `room`) may see the opener; else "" (see `location_key`).

    The key is the opener's location: as secret as its report (review 17a). A GREEN
    follow-up that named the municipality took an AMBER opener's key, and the portal's
    per-source chart line of a level was named after it in GREEN rooms; two GREEN
    reports of one organisation and place also stayed two sources there, which told of
    a located report the room may not see."""
    opener = _ENTRIES.alias("opener")
    covered = or_(
        opener.c.tlp_rank < tlp.RANK["AMBER+STRICT"],
        and_(opener.c.tlp_rank < tlp.RANK["RED"], opener.c.organisation == organisation),
        opener.c.room_id == room,
    )
    found = (
        select(opener.c.location_key)
        .where(
            opener.c.id == item_id,
            opener.c.place == place,
            opener.c.tlp_rank <= rank,
            covered,
        )
        .scalar_subquery()
    )
    return func.coalesce(found, "")


# A follow-up without a location of its own: the item's location, in the same INSERT
# (no extra round trip on the report path).
_INSERT_UNLOCATED_FOLLOW_UP = (
    insert(_ENTRIES)
    .values(
        location_key=_item_location(
            bindparam("opener_id"),
            bindparam("opener_place"),
            bindparam("opener_rank"),
            bindparam("opener_organisation"),
            bindparam("opener_room"),
        )
    )
    .returning(_ENTRIES.c.id, _ENTRIES.c.location_key)
)


@dataclass(frozen=True)
class FigureInput:
    metric: str
    value: float
    unit: str | None
    label: str
    estimate: bool = False  # "ca. 120"; older snapshots have no such key
    # How it was given (storage/bounds.py); older snapshots have none: their estimate
    # flag says exact or estimate (`bounds.kind_of`).
    bound: str | None = None

    @property
    def kind(self) -> str:
        return bounds.kind_of(self.bound, self.estimate)


@dataclass
class EntryInput:
    """Everything one revision of an entry holds (what a report said, in context)."""

    incident: str | None
    category: str
    organisation: str | None
    observed_at: datetime
    municipality: str | None
    region: str | None
    location: str | None
    severity: str
    status: str
    source: str | None
    sector: str | None
    text: str
    tlp: str
    figures: list[FigureInput] = field(default_factory=list)
    # `oorzaak: M-7`: the id of the entry this report names as its cause.
    cause_id: int | None = None
    # The situation item the revision put the entry in (an edit's `betreft:` moves it):
    # withdrawing that edit moves it back. None (older snapshots): the item stays.
    item_id: int | None = None
    # Part of its item without lowering a severe state its room may not see
    # (`SituationEntry.keeps_item_state`); older snapshots have no such key.
    keeps_item_state: bool = False

    def snapshot(self) -> dict[str, Any]:
        data = asdict(self)
        data["observed_at"] = self.observed_at.isoformat()
        return data

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> EntryInput:
        values = dict(data)
        values["observed_at"] = datetime.fromisoformat(values["observed_at"])
        values["figures"] = [FigureInput(**f) for f in values.get("figures", [])]
        return cls(**values)


@dataclass(frozen=True)
class EntryFilter:
    incident: str | None = None
    category: str | None = None
    organisation: str | None = None
    municipality: str | None = None
    since: datetime | None = None
    include_retracted: bool = False
    # Exercise or real incidents only (storage/exercise.py); None: no such limit
    # (the operator's export names its incident).
    exercise: bool | None = None


def location_key(location: str | None) -> str:
    """A report's `locatie:` as the series compare it: lower case, without diacritics,
    spacing collapsed (as `storage.objects.municipality_key` folds a municipality); ""
    without one. "Sporthal De Ring" and "sporthal  de ríng" are one location, and with
    the organisation and the municipality one source of figures (storage/series.py).

    A follow-up that names no location but is about its item's place counts for the
    item's location (`_item_location`, set by `record` and `_apply_revision`): one that
    named only the municipality (`betreft: M-1`, `gemeente: Dordrecht`) was a source of
    its own, and its figure was added to the item's. The key is internal (compared,
    never shown), so a GREEN follow-up may carry an AMBER item's key: no room reads it.
    Fixed when written, as the place a follow-up inherits is (commands/reports.py)."""
    # At most the column's 300 characters: folding (NFKD) can lengthen a location of 300
    # ("ﬁ" is "fi"), and PostgreSQL would refuse the whole report.
    return " ".join(fold(location).split())[:300] if location else ""


def _fields(data: EntryInput) -> dict[str, Any]:
    return {
        "incident": data.incident,
        "category": data.category,
        "organisation": data.organisation,
        "observed_at": data.observed_at,
        "municipality": data.municipality,
        "region": data.region,
        "location": data.location,
        "place": data.municipality or data.location or "-",
        "location_key": location_key(data.location),
        "severity": data.severity,
        "status": data.status,
        "source": data.source,
        "sector": data.sector,
        "text": data.text,
        "tlp": data.tlp,
        "tlp_rank": tlp.RANK[data.tlp],
        "cause_id": data.cause_id,
        "keeps_item_state": data.keeps_item_state,
    }


async def _apply_revision(session: AsyncSession, entry: SituationEntry, data: EntryInput) -> None:
    """`_apply` for a revision: an entry that leaves its incident is counted there, and a
    follow-up without a location of its own takes its item's (`location_key`)."""
    left = entry.incident
    _apply(entry, data)
    if not entry.location_key and entry.item_id is not None and entry.item_id != entry.id:
        found = await session.scalar(
            select(
                _item_location(
                    entry.item_id,
                    entry.place,
                    entry.tlp_rank,
                    entry.organisation,
                    entry.room_id,
                )
            )
        )
        entry.location_key = str(found or "")
    if left is not None and left != entry.incident:
        await incidents.note_departure(session, left)


def _apply(entry: SituationEntry, data: EntryInput) -> None:
    # The same columns an insert writes (`_fields`), set on a loaded entry.
    for column, value in _fields(data).items():
        setattr(entry, column, value)
    if data.item_id is not None:
        entry.item_id = data.item_id


async def _replace_figures(
    session: AsyncSession, entry_id: int, figures: list[FigureInput]
) -> None:
    await session.execute(delete(EntryFigure).where(EntryFigure.entry_id == entry_id))
    for figure in figures:
        session.add(
            EntryFigure(
                entry_id=entry_id,
                metric=figure.metric,
                value=figure.value,
                unit=figure.unit,
                label=figure.label,
                estimate=figure.estimate,
                bound=figure.kind,
            )
        )


async def record(
    session: AsyncSession,
    data: EntryInput,
    reporter: str,
    room_id: str,
    source_event_id: str,
    origin_event_id: str | None = None,
    item_id: int | None = None,
) -> SituationEntry:
    """Store a new entry and its figures.

    `item_id`: the situation item a follow-up joins (storage/items.py); None opens a
    new item, named after this entry.

    This is the bot's hottest write path (bench/report_path.py): prebuilt Core inserts
    (not the ORM's unit of work or bulk path), and no revision row yet - until the first edit the entry
    row itself is revision 1 (`revise` writes it into the history then). The
    returned entry is a detached snapshot.
    """
    now = utcnow()
    values: dict[str, Any] = {
        "reporter": reporter,
        "room_id": room_id,
        "source_event_id": source_event_id,
        "origin_event_id": origin_event_id,
        "recorded_at": now,
        "updated_at": now,
        "revision": 1,
        "supersedes": None,
        "retracted_at": None,
        "item_id": item_id,
        **_fields(data),
    }
    entry_id = await _insert_entry(session, values)
    values["item_id"] = item_id if item_id is not None else entry_id
    if data.figures:
        await session.execute(
            _INSERT_FIGURES,
            [
                {
                    "entry_id": entry_id,
                    "metric": f.metric,
                    "value": f.value,
                    "unit": f.unit,
                    "label": f.label,
                    "estimate": f.estimate,
                    "bound": f.kind,
                }
                for f in data.figures
            ],
        )
    return SituationEntry(id=entry_id, **values)


async def _insert_entry(session: AsyncSession, values: dict[str, Any]) -> int:
    """Insert the entry row; its id. `item_id` None opens a new item named after it."""
    if values["item_id"] is not None and not values["location_key"]:
        # A follow-up without a location: its item's (`location_key`).
        del values["location_key"]
        params = {
            **values,
            "opener_id": values["item_id"],
            "opener_place": values["place"],
            "opener_rank": values["tlp_rank"],
            "opener_organisation": values["organisation"],
            "opener_room": values["room_id"],
        }
        row = (await session.execute(_INSERT_UNLOCATED_FOLLOW_UP, params)).one()
        values["location_key"] = row.location_key
        return int(row.id)
    if values["item_id"] is None and session.get_bind().dialect.name == "sqlite":
        # A new item is named after its first entry. SQLite gives a new row the id
        # max(id) + 1 (no AUTOINCREMENT on `entries`), and this transaction holds the
        # write lock (storage/sqlite_driver.py): the INSERT names that id itself, for
        # the row and its item, instead of an UPDATE after it.
        del values["item_id"]
        return int((await session.execute(_INSERT_NEW_ITEM, values)).scalar_one())
    entry_id = int((await session.execute(_INSERT_ENTRY, values)).scalar_one())
    if values["item_id"] is None:
        # PostgreSQL: the id comes from a sequence, known only now.
        await session.execute(
            update(_ENTRIES).where(_ENTRIES.c.id == entry_id).values(item_id=entry_id)
        )
    return entry_id


async def revise(
    session: AsyncSession, entry: SituationEntry, data: EntryInput, edit_event_id: str, editor: str
) -> SituationEntry:
    """A new revision of the same entry; the history keeps every earlier one."""
    last = await last_number(session, EntryRevision, EntryRevision.entry_id, entry.id)
    now = utcnow()
    if last is None:
        # First edit: put the original report into the history as revision 1.
        original = (await current_input(session, entry)).snapshot()
        first = revision_columns(
            1, entry.source_event_id, original, entry.recorded_at, entry.reporter
        )
        session.add(EntryRevision(entry_id=entry.id, **first))
        last = 1
    number = int(last) + 1
    edited = revision_columns(number, edit_event_id, data.snapshot(), now, editor)
    session.add(EntryRevision(entry_id=entry.id, **edited))
    await _apply_revision(session, entry, data)
    entry.revision = number
    entry.updated_at = now
    await _replace_figures(session, entry.id, data.figures)
    return entry


async def current_input(session: AsyncSession, entry: SituationEntry) -> EntryInput:
    """The entry's current state as an `EntryInput` (for the revision history)."""
    figures = (await figures_of(session, [entry.id]))[entry.id]
    return EntryInput(
        incident=entry.incident,
        category=entry.category,
        organisation=entry.organisation,
        observed_at=entry.observed_at,
        municipality=entry.municipality,
        region=entry.region,
        location=entry.location,
        severity=entry.severity,
        status=entry.status,
        source=entry.source,
        sector=entry.sector,
        text=entry.text,
        tlp=entry.tlp,
        figures=[
            FigureInput(f.metric, f.value, f.unit, f.label, f.estimate, f.bound) for f in figures
        ],
        cause_id=entry.cause_id,
        item_id=entry.item_id,
        keeps_item_state=entry.keeps_item_state,
    )


async def retract(session: AsyncSession, entry: SituationEntry) -> None:
    entry.retracted_at = utcnow()
    entry.updated_at = entry.retracted_at


async def withdraw_revision(session: AsyncSession, edit_event_id: str) -> SituationEntry | None:
    """The edit was redacted: withdraw that revision and go back to the latest one left."""
    revision = await session.scalar(
        select(EntryRevision).where(EntryRevision.source_event_id == edit_event_id)
    )
    if revision is None or revision.revision == 1 or revision.withdrawn_at is not None:
        return None
    revision.withdrawn_at = utcnow()
    entry = await session.get(SituationEntry, revision.entry_id)
    if entry is None:
        return None
    latest = await standing_revision(session, EntryRevision, EntryRevision.entry_id, entry.id)
    if latest is None:
        return None
    data = EntryInput.from_snapshot(latest.snapshot)
    await _apply_revision(session, entry, data)
    entry.revision = latest.revision
    entry.updated_at = utcnow()
    await _replace_figures(session, entry.id, data.figures)
    return entry


async def by_source_event(session: AsyncSession, event_id: str) -> SituationEntry | None:
    return await session.scalar(
        select(SituationEntry).where(SituationEntry.source_event_id == event_id)
    )


async def by_message(session: AsyncSession, event_id: str) -> SituationEntry | None:
    """The entry a chat message stands for: the report itself, or the message whose
    edit became the report (`origin_event_id`)."""
    return await session.scalar(
        select(SituationEntry).where(
            or_(
                SituationEntry.source_event_id == event_id,
                SituationEntry.origin_event_id == event_id,
            )
        )
    )


async def revision_by_event(session: AsyncSession, edit_event_id: str) -> EntryRevision | None:
    return await session.scalar(
        select(EntryRevision).where(EntryRevision.source_event_id == edit_event_id)
    )


async def revisions(session: AsyncSession, entry_id: int) -> Sequence[EntryRevision]:
    rows = await session.scalars(
        select(EntryRevision)
        .where(EntryRevision.entry_id == entry_id)
        .order_by(EntryRevision.revision)
    )
    return rows.all()


async def figures_of(
    session: AsyncSession, entry_ids: Sequence[int]
) -> dict[int, list[EntryFigure]]:
    result: dict[int, list[EntryFigure]] = {entry_id: [] for entry_id in entry_ids}
    if not entry_ids:
        return result
    rows = await session.scalars(
        select(EntryFigure).where(EntryFigure.entry_id.in_(entry_ids)).order_by(EntryFigure.id)
    )
    for figure in rows:
        result[figure.entry_id].append(figure)
    return result


async def _same_name(session: AsyncSession, column: Any, wanted: str) -> Any:
    """`column` holds `wanted` whatever its case: the column's distinct values (one per
    organisation or municipality) are compared by `organisations.name_key` in Python, as
    SQL `lower()` folds only ASCII on SQLite but all of Unicode on PostgreSQL."""
    key = organisations.name_key(wanted)
    values = await session.scalars(select(column).where(column.is_not(None)).distinct())
    return column.in_([v for v in values if organisations.name_key(v) == key])


async def _names_municipality(session: AsyncSession, column: Any, wanted: str) -> Any:
    """`column` names the municipality `wanted`, alone or among several: a report about
    `gemeente: Dordrecht, Zwijndrecht` was missing from `!meldingen gemeente=Zwijndrecht`
    (the filter compared the whole value), so a liaison filtering on their own
    municipality did not see it."""
    key = organisations.name_key(wanted)
    values = await session.scalars(select(column).where(column.is_not(None)).distinct())
    return column.in_(
        [
            v
            for v in values
            if organisations.name_key(v) == key
            or any(organisations.name_key(p) == key for p in regions.named_municipalities(v))
        ]
    )


async def _visible_query(
    session: AsyncSession, access: tlp.RoomAccess, filters: EntryFilter
) -> Any:
    query = select(SituationEntry).where(
        tlp.visible_clause(
            access, SituationEntry.tlp_rank, SituationEntry.room_id, SituationEntry.organisation
        )
    )
    if filters.incident is not None:
        query = query.where(SituationEntry.incident == filters.incident)
    if filters.exercise is not None:
        query = query.where(exercise.incident_clause(SituationEntry.incident, filters.exercise))
    if filters.category is not None:
        query = query.where(SituationEntry.category == filters.category)
    if filters.organisation is not None:
        query = query.where(
            await _same_name(session, SituationEntry.organisation, filters.organisation)
        )
    if filters.municipality is not None:
        query = query.where(
            await _names_municipality(session, SituationEntry.municipality, filters.municipality)
        )
    if filters.since is not None:
        query = query.where(SituationEntry.recorded_at >= filters.since)
    if not filters.include_retracted:
        query = query.where(SituationEntry.retracted_at.is_(None))
    return query


async def list_visible(
    session: AsyncSession, access: tlp.RoomAccess, filters: EntryFilter, limit: int, offset: int = 0
) -> tuple[list[SituationEntry], int]:
    """Newest first by the time the report gives (observed), only what `access` may
    see, with the total count for paging."""
    query = await _visible_query(session, access, filters)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(SituationEntry.observed_at.desc(), SituationEntry.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(rows), int(total or 0)


async def all_visible(
    session: AsyncSession, access: tlp.RoomAccess, filters: EntryFilter
) -> list[SituationEntry]:
    rows = await session.scalars(
        (await _visible_query(session, access, filters)).order_by(SituationEntry.id)
    )
    return list(rows)


async def count_by_label(
    session: AsyncSession, access: tlp.RoomAccess, filters: EntryFilter
) -> dict[str, int]:
    """How many entries `access` may see, per TLP label (for saying what an export left out)."""
    query = (await _visible_query(session, access, filters)).subquery()
    rows = await session.execute(select(query.c.tlp, func.count()).group_by(query.c.tlp))
    return {str(label): int(count) for label, count in rows.all()}
