"""Keeping `series_latest`, `figure_latest` and `item_latest` current, on the read side.

The report path must stay fast (bench/report_path.py), so writes do not touch
these tables. Before a picture is built, the entries of the incident changed
since the watermark (indexed `updated_at`) are folded in: each series key they
had or have now is recomputed from `entries` with an indexed look-up. An edit can
move an entry to another incident: the rows that still point at it from here are
found from the rows' side and recomputed too, so a row never outlives its entry's
incident, label or retraction (the picture also checks the entry's current state
when it reads a row, see `picture._current`). `item_latest` is kept the same way,
per situation item instead of per series: the attention section reads each open
item's current state from it (storage/items.py). When
many entries changed (a bulk import, the first picture), the tables are rebuilt
with one window query instead.

A series is (category, organisation, place, location) and a figure's source
(organisation, place, location, metric), per visibility class: `place` is the
municipality when one is given, `location_key` the report's `locatie:` folded ("" when
none). Without the location, two shelters of one organisation in one municipality were
one source and the later report's figure replaced the earlier one's in the sums.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Label,
    Row,
    and_,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage import items
from storage.engine import Database
from storage.models import (
    EntryFigure,
    FigureLatest,
    ItemLatest,
    KeyValue,
    PictureWatermark,
    SeriesLatest,
    SituationEntry,
    utcnow,
)
from storage.sqlite_driver import DEFER_OPTION

REBUILD_ABOVE = 500


def newest_first(partition_by: Sequence[Any], observed_at: Any, entry_id: Any) -> Label[int]:
    """A window column `rn`: 1 for the newest report of each `partition_by` group (the
    later entry wins a tie on `observed_at`). The picture and the rebuild keep that row."""
    return (
        func.row_number()
        .over(partition_by=partition_by, order_by=(observed_at.desc(), entry_id.desc()))
        .label("rn")
    )


# What a figure_latest row is made of (see _figure_row), for the rebuild and the fold-in.
FIGURE_COLUMNS = (
    SituationEntry.id,
    SituationEntry.organisation,
    SituationEntry.place,
    SituationEntry.location_key,
    EntryFigure.metric,
    SituationEntry.tlp_rank,
    SituationEntry.room_id,
    SituationEntry.observed_at,
    EntryFigure.value,
    EntryFigure.unit,
    SituationEntry.region,
    EntryFigure.bound,
)
_SEP = "\x1f"

StateKey = tuple[
    str, str, str | None, str, str, int, str
]  # incident, category, org, place, location_key, tlp_rank, room
FigureKey = tuple[
    str, str | None, str, str, str, int, str
]  # incident, org, place, location_key, metric, tlp_rank, room
ItemKey = tuple[str, int, str | None, int, str]  # incident, item_id, org, tlp_rank, room


# A missing part (a room bound without `org=`) in a key. Not NUL, as the keys had it
# before: PostgreSQL text cannot hold one, and every picture of the incident failed.
# A SQLite database may still hold rows keyed the old way: a fold-in finds the rows it
# replaces by their entry as well as by key (`_apply`), so those go too.
_NONE = "\x1e"


def _key(parts: tuple[object, ...]) -> str:
    joined = _SEP.join(_NONE if p is None else str(p) for p in parts)
    # With the location (up to 300 characters) a key can outgrow its column (900):
    # PostgreSQL refuses it. Such a key is kept as its hash (one form per key: `_key`
    # is the only writer, and rows are found by key or by entry).
    if len(joined) > _KEY_LIMIT:
        return "#" + hashlib.sha256(joined.encode()).hexdigest()
    return joined


_KEY_LIMIT = 900


def _is(column: Any, value: object) -> ColumnElement[bool]:
    return cast(ColumnElement[bool], column.is_(None) if value is None else column == value)


async def refresh(session: AsyncSession, incident: str) -> None:
    # FOR UPDATE (PostgreSQL; SQLite serialises writers anyway): two refreshes of
    # one incident at once would both recompute a key and the second insert of
    # its row would collide, so the second waits here for the first to commit.
    watermark = await session.get(PictureWatermark, incident, with_for_update=True)
    newest = await _newest_update(session, incident)
    last_id = await _newest_id(session)
    if watermark is None:
        if newest is None:
            return
        # Claim the incident's watermark BEFORE rebuilding: two first refreshes at
        # once (a `!beeld`, the scheduler, a portal view) would otherwise both
        # rebuild and collide on the rows' keys. The claim waits for a concurrent
        # claimer to commit and then does nothing; the loser reads the winner's
        # watermark and folds in like any later refresh.
        if await _claim_watermark(session, incident, newest):
            await _rebuild(session, incident)
            await _set_id_mark(session, incident, last_id)
            return
        watermark = await session.get(
            PictureWatermark, incident, with_for_update=True, populate_existing=True
        )
        if watermark is None:  # pragma: no cover - the claim saw a committed row
            return
    since = watermark.updated_at
    mark = await _id_mark(session, incident)
    changed_ids = await _changed(session, incident, since, mark)
    if len(changed_ids) > REBUILD_ABOVE:
        await _rebuild(session, incident)
    elif changed_ids:
        await _fold_in(session, incident, sorted(changed_ids))
    if newest is not None and newest > since:
        watermark.updated_at = newest
    if last_id != mark:
        await _set_id_mark(session, incident, last_id)


async def refresh_with_short_lock(db: Database, incident: str) -> None:
    """`refresh` for a process beside the bot (the portal's build worker): the reads run
    in a read session, and the write lock is held only to write the rows they found.

    Under one write transaction the fold-in's look-ups held SQLite's write lock for
    80-500 ms at 100,000 entries, and every report waited behind it. Writes made after
    the read (reports) have an `updated_at` at or after the newest one read, so the
    next refresh folds them in (`>=` the watermark); if another refresh moved the
    watermark meanwhile, this one writes nothing: its rows could be older than those.
    A first or large refresh (a rebuild) still runs in one write transaction.
    """
    since: datetime | None = None
    async with db.session() as session:
        watermark = await session.get(PictureWatermark, incident)
        newest = await _newest_update(session, incident)
        last_id = await _newest_id(session)
        if watermark is None:
            plan = None
        else:
            since = watermark.updated_at
            mark = await _id_mark(session, incident)
            changed_ids = await _changed(session, incident, since, mark)
            if not changed_ids and (newest is None or newest <= since):
                return  # nothing to write: no write lock taken at all
            large = len(changed_ids) > REBUILD_ABOVE
            plan = None if large else await _fold_in_plan(session, incident, sorted(changed_ids))
    async with db.transaction() as session:
        if plan is None:
            await refresh(session, incident)
            return
        # Two trips to SQLite's thread while the write lock is held: BEGIN IMMEDIATE
        # with this check, then every write and the COMMIT together (DEFER_OPTION: kept
        # and sent with the commit). The worker runs below the bot's CPU priority, and
        # each trip it made under the lock (there were 7) waited for a core while a
        # report slept in the busy handler.
        current = await session.scalar(
            select(PictureWatermark.updated_at)
            .where(PictureWatermark.incident == incident)
            .with_for_update()
        )
        if current is None or current != since:
            return
        await _apply(session, plan, {DEFER_OPTION: True})
        await _set_id_mark(session, incident, last_id, {DEFER_OPTION: True})
        if newest is not None and newest > since:
            await session.execute(
                update(PictureWatermark)
                .where(PictureWatermark.incident == incident)
                .values(updated_at=newest),
                execution_options={DEFER_OPTION: True},
            )


async def _newest_update(session: AsyncSession, incident: str) -> datetime | None:
    return await session.scalar(
        select(func.max(SituationEntry.updated_at)).where(SituationEntry.incident == incident)
    )


async def _newest_id(session: AsyncSession) -> int | None:
    return await session.scalar(select(func.max(SituationEntry.id)))


# The highest entry id (of any incident) when an incident's tables were last brought up
# to date, per incident, in `kv`: the entries written since are folded in whatever
# their `updated_at` says (`_changed`).
_ID_MARK = "picture_watermark.last_id:"


async def _id_mark(session: AsyncSession, incident: str) -> int | None:
    value = await session.scalar(select(KeyValue.value).where(KeyValue.key == _ID_MARK + incident))
    return None if value is None else int(value)


async def _set_id_mark(
    session: AsyncSession,
    incident: str,
    last_id: int | None,
    options: dict[str, Any] | None = None,
) -> None:
    if last_id is None:
        return
    values = {"key": _ID_MARK + incident, "value": str(last_id), "updated_at": utcnow()}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        statement: Any = postgresql_insert(KeyValue).values(values)
    else:
        statement = sqlite_insert(KeyValue).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[KeyValue.key],
        set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
    )
    await session.execute(statement, execution_options=options or {})


async def _changed(
    session: AsyncSession, incident: str, since: datetime, above: int | None = None
) -> set[int]:
    """Entries changed since the watermark, and those behind rows that no longer match.

    Also every entry written since the previous refresh (its id above `above`, the id
    mark): the watermark is wall time, and a bot whose clock went back (NTP stepping
    a clock that ran ahead, a failover to a host whose clock is behind) wrote a new
    report with an `updated_at` below it, never folded in: an extreme report stayed
    out of the attention list for good. Ids only grow. Read as a range of the primary
    key (the entries written since, of any incident) and sorted out here: with the
    incident in the query a planner could scan the incident's index instead."""
    e = SituationEntry
    changed_ids = set(
        await session.scalars(select(e.id).where(e.incident == incident, e.updated_at >= since))
    )
    if above is not None:
        written = await session.execute(select(e.id, e.incident).where(e.id > above))
        changed_ids |= {entry_id for entry_id, of in written if of == incident}
    # Entries that LEFT this incident (an edit naming another one) are not found by
    # the query above, but this incident's rows still point at them: find every
    # row that no longer matches its entry from the rows' side.
    return changed_ids | await _stale(session, incident)


async def _claim_watermark(session: AsyncSession, incident: str, newest: datetime) -> bool:
    """Insert the incident's watermark unless it exists; True when this call inserted it."""
    values = {"incident": incident, "updated_at": newest}
    if session.get_bind().dialect.name == "postgresql":
        # Imported only here: loading SQLAlchemy's PostgreSQL dialect costs a SQLite
        # bot's start some 20 ms.
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        statement: Any = postgresql_insert(PictureWatermark).values(values)
    else:
        statement = sqlite_insert(PictureWatermark).values(values)
    statement = statement.on_conflict_do_nothing(index_elements=[PictureWatermark.incident])
    claimed = await session.scalar(statement.returning(PictureWatermark.incident))
    return claimed is not None


async def _stale(session: AsyncSession, incident: str) -> set[int]:
    """Entries behind this incident's rows that no longer are what the row says.

    Left the incident (an edit naming another one), retracted, relabelled, or
    moved to another series: found by comparing each row with its entry, not by
    time, so no change can slip past a watermark. This reads the incident's
    rows (one per series and visibility class) with a primary-key look-up each.
    """
    e = SituationEntry
    found: set[int] = set()
    for table in (SeriesLatest, FigureLatest, ItemLatest):
        same = [
            e.incident == incident,
            e.retracted_at.is_(None),
            e.tlp_rank == table.tlp_rank,
            e.room_id == table.room_id,
            e.organisation.is_not_distinct_from(table.organisation),
        ]
        if table is ItemLatest:
            same += [
                e.item_id == ItemLatest.item_id,
                items.needs_attention(e) == ItemLatest.attention,
                e.keeps_item_state.is_(False),
            ]
        else:
            same.append(e.place == table.place)  # type: ignore[union-attr]
            same.append(e.location_key == table.location_key)  # type: ignore[union-attr]
        if table is SeriesLatest:
            same.append(e.category == SeriesLatest.category)
        found |= set(
            await session.scalars(
                select(table.entry_id)
                .join(e, e.id == table.entry_id, isouter=True)
                .where(table.incident == incident, or_(e.id.is_(None), not_(and_(*same))))
            )
        )
    return found


async def _rebuild(session: AsyncSession, incident: str) -> None:
    await session.execute(delete(SeriesLatest).where(SeriesLatest.incident == incident))
    await session.execute(delete(FigureLatest).where(FigureLatest.incident == incident))
    await session.execute(delete(ItemLatest).where(ItemLatest.incident == incident))
    e = SituationEntry
    rows = await _newest(
        session,
        incident,
        (
            e.id,
            e.category,
            e.organisation,
            e.place,
            e.location_key,
            e.tlp_rank,
            e.room_id,
            e.observed_at,
        ),
        (e.category, e.organisation, e.place, e.location_key, e.tlp_rank, e.room_id),
    )
    if rows:
        await session.execute(insert(SeriesLatest), [_series_row(incident, r) for r in rows])
    f = EntryFigure
    figures = await _newest(
        session,
        incident,
        FIGURE_COLUMNS,
        (e.organisation, e.place, e.location_key, f.metric, e.tlp_rank, e.room_id),
        with_figures=True,
    )
    if figures:
        await session.execute(insert(FigureLatest), [_figure_row(incident, r) for r in figures])
    item_rows = await _newest(
        session,
        incident,
        ITEM_COLUMNS,
        (e.item_id, e.organisation, e.tlp_rank, e.room_id),
        where=e.keeps_item_state.is_(False),  # read from the entries (items._kept_states)
    )
    if item_rows:
        await session.execute(insert(ItemLatest), [_item_row(incident, r) for r in item_rows])


Column = ColumnElement[Any] | InstrumentedAttribute[Any]


async def _newest(
    session: AsyncSession,
    incident: str,
    columns: Sequence[Column],
    partition_by: Sequence[Column],
    *,
    with_figures: bool = False,
    where: ColumnElement[bool] | None = None,
) -> Sequence[Row[Any]]:
    """`columns` of the newest entry (or figure) of each `partition_by` group among the
    incident's entries that are not retracted."""
    e = SituationEntry
    query = select(*columns, newest_first(partition_by, e.observed_at, e.id))
    if with_figures:
        query = query.join(e, e.id == EntryFigure.entry_id)
    query = query.where(e.incident == incident, e.retracted_at.is_(None))
    if where is not None:
        query = query.where(where)
    ranked = query.subquery()
    return (await session.execute(select(ranked).where(ranked.c.rn == 1))).all()


# What an item_latest row is made of (see _item_row).
ITEM_COLUMNS = (
    SituationEntry.id,
    SituationEntry.item_id,
    SituationEntry.organisation,
    SituationEntry.tlp_rank,
    SituationEntry.room_id,
    SituationEntry.observed_at,
    items.needs_attention(SituationEntry).label("attention"),
)


def _item_row(incident: str, r: Any) -> dict[str, object]:
    return {
        "key": _key((incident, r.item_id, r.organisation, r.tlp_rank, r.room_id)),
        "incident": incident,
        "item_id": r.item_id,
        "organisation": r.organisation,
        "tlp_rank": r.tlp_rank,
        "room_id": r.room_id,
        "entry_id": r.id,
        "observed_at": r.observed_at,
        "attention": bool(r.attention),
    }


def _series_row(incident: str, r: Any) -> dict[str, object]:
    return {
        "key": _key(
            (incident, r.category, r.organisation, r.place, r.location_key, r.tlp_rank, r.room_id)
        ),
        "incident": incident,
        "category": r.category,
        "organisation": r.organisation,
        "place": r.place,
        "location_key": r.location_key,
        "tlp_rank": r.tlp_rank,
        "room_id": r.room_id,
        "entry_id": r.id,
        "observed_at": r.observed_at,
    }


def _figure_row(incident: str, r: object) -> dict[str, object]:
    return {
        "key": _key(
            (incident, r.organisation, r.place, r.location_key, r.metric, r.tlp_rank, r.room_id)  # type: ignore[attr-defined]
        ),
        "incident": incident,
        "organisation": r.organisation,  # type: ignore[attr-defined]
        "place": r.place,  # type: ignore[attr-defined]
        "location_key": r.location_key,  # type: ignore[attr-defined]
        "metric": r.metric,  # type: ignore[attr-defined]
        "tlp_rank": r.tlp_rank,  # type: ignore[attr-defined]
        "room_id": r.room_id,  # type: ignore[attr-defined]
        "entry_id": r.id,  # type: ignore[attr-defined]
        "observed_at": r.observed_at,  # type: ignore[attr-defined]
        "value": r.value,  # type: ignore[attr-defined]
        "unit": r.unit,  # type: ignore[attr-defined]
        "region": r.region,  # type: ignore[attr-defined]
        "bound": r.bound,  # type: ignore[attr-defined]
    }


async def _fold_in(session: AsyncSession, incident: str, entry_ids: list[int]) -> None:
    """Recompute every series key these entries held before or hold now."""
    await _apply(session, await _fold_in_plan(session, incident, entry_ids))


@dataclass
class _Rows:
    """What a fold-in writes: per table, the keys whose rows go and the rows that take
    their place (a key whose series has no live entry left just goes); and the entries
    folded in, whose rows go whatever their key (see `_NONE`)."""

    incident: str = ""
    entry_ids: list[int] = field(default_factory=list)

    keys: dict[type[Any], list[str]] = field(default_factory=dict)
    rows: dict[type[Any], list[dict[str, object]]] = field(default_factory=dict)

    def put(self, table: type[Any], key: str, row: dict[str, object] | None) -> None:
        self.keys.setdefault(table, []).append(key)
        if row is not None:
            self.rows.setdefault(table, []).append(row)


async def _fold_in_plan(session: AsyncSession, incident: str, entry_ids: list[int]) -> _Rows:
    """Only reads: the rows every key these entries held before or hold now must have."""
    plan = _Rows(incident, entry_ids)
    state_keys, figure_keys = await _keys_held(session, incident, entry_ids)
    for state_key in state_keys:
        plan.put(SeriesLatest, _key(state_key), await _state_row(session, state_key))
    for figure_key in figure_keys:
        plan.put(FigureLatest, _key(figure_key), await _latest_figure(session, figure_key))
    for item_key in await _item_keys_held(session, incident, entry_ids):
        plan.put(ItemLatest, _key(item_key), await _latest_item(session, item_key))
    return plan


async def _apply(session: AsyncSession, plan: _Rows, options: dict[str, Any] | None = None) -> None:
    for table, keys in plan.keys.items():
        held = and_(table.incident == plan.incident, table.entry_id.in_(plan.entry_ids))
        await session.execute(
            delete(table).where(or_(table.key.in_(keys), held)), execution_options=options or {}
        )
        if plan.rows.get(table):
            await session.execute(insert(table), plan.rows[table], execution_options=options or {})


async def _item_keys_held(
    session: AsyncSession, incident: str, entry_ids: list[int]
) -> set[ItemKey]:
    """The item keys these entries held before (an edit may have moved them to another
    item, label or incident) and hold now."""
    e, il = SituationEntry, ItemLatest
    before = select(il.item_id, il.organisation, il.tlp_rank, il.room_id).where(
        il.incident == incident, il.entry_id.in_(entry_ids)
    )
    now = select(e.item_id, e.organisation, e.tlp_rank, e.room_id).where(
        e.id.in_(entry_ids), e.incident == incident, e.item_id.is_not(None)
    )
    found: set[ItemKey] = set()
    for query in (before, now):
        for item_id, org, rank, room in await session.execute(query):
            if item_id is not None:
                found.add((incident, item_id, org, rank, room))
    return found


async def _latest_live(
    session: AsyncSession, columns: Sequence[Column], *where: ColumnElement[bool]
) -> Row[*tuple[Any, ...]] | None:
    """`columns` of the newest entry (observed last, then the highest id) that meets
    `where` and is not retracted."""
    e = SituationEntry
    query = (
        select(*columns)
        .where(*where, e.retracted_at.is_(None))
        .order_by(e.observed_at.desc(), e.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).first()


async def _latest_item(session: AsyncSession, item_key: ItemKey) -> dict[str, object] | None:
    """The item_latest row of one item and class: its latest live entry, if any."""
    e = SituationEntry
    incident, item_id, org, rank, room = item_key
    latest = await _latest_live(
        session,
        ITEM_COLUMNS,
        e.incident == incident,
        e.item_id == item_id,
        _is(e.organisation, org),
        e.tlp_rank == rank,
        e.room_id == room,
        e.keeps_item_state.is_(False),  # read from the entries (items._kept_states)
    )
    return None if latest is None else _item_row(incident, latest)


async def _keys_held(
    session: AsyncSession, incident: str, entry_ids: list[int]
) -> tuple[set[StateKey], set[FigureKey]]:
    """The keys these entries held before (an edit may have moved them), and the
    keys they hold now if they (still) belong to this incident."""
    e, f, s, fl = SituationEntry, EntryFigure, SeriesLatest, FigureLatest
    state_keys: set[StateKey] = set()
    figure_keys: set[FigureKey] = set()
    before_states = select(
        s.category, s.organisation, s.place, s.location_key, s.tlp_rank, s.room_id
    ).where(s.incident == incident, s.entry_id.in_(entry_ids))
    now_states = select(
        e.category, e.organisation, e.place, e.location_key, e.tlp_rank, e.room_id
    ).where(e.id.in_(entry_ids), e.incident == incident)
    for query in (before_states, now_states):
        for row in await session.execute(query):
            state_keys.add((incident, *row))
    before_figures = select(
        fl.organisation, fl.place, fl.location_key, fl.metric, fl.tlp_rank, fl.room_id
    ).where(fl.incident == incident, fl.entry_id.in_(entry_ids))
    now_figures = (
        select(e.organisation, e.place, e.location_key, f.metric, e.tlp_rank, e.room_id)
        .join(f, f.entry_id == e.id)
        .where(e.id.in_(entry_ids), e.incident == incident)
    )
    for before in await session.execute(before_figures):
        figure_keys.add((incident, *before))
    for now in await session.execute(now_figures):
        figure_keys.add((incident, *now))
    return state_keys, figure_keys


async def _state_row(session: AsyncSession, state_key: StateKey) -> dict[str, object] | None:
    """The series_latest row of one series: its latest live entry, if any."""
    e = SituationEntry
    incident, category, org, place, location, rank, room = state_key
    latest = await _latest_live(
        session,
        (e.id, e.observed_at),
        e.incident == incident,
        e.category == category,
        _is(e.organisation, org),
        e.place == place,
        e.location_key == location,
        e.tlp_rank == rank,
        e.room_id == room,
    )
    if latest is None:
        return None
    return {
        "key": _key(state_key),
        "incident": incident,
        "category": category,
        "organisation": org,
        "place": place,
        "location_key": location,
        "tlp_rank": rank,
        "room_id": room,
        "entry_id": latest.id,
        "observed_at": latest.observed_at,
    }


async def _latest_figure(session: AsyncSession, figure_key: FigureKey) -> dict[str, object] | None:
    """The figure_latest row of one source and metric: its latest live value, if any."""
    e, f = SituationEntry, EntryFigure
    incident, org, place, location, metric, rank, room = figure_key
    # The source's latest entry with this metric, walked from the entries' series index
    # (a few hundred entries of one source) with a figure check per entry. Joining on
    # the metric instead let SQLite start from every figure of that metric (thousands
    # at 100,000 entries): 50-130 ms for each folded-in entry.
    latest_id = (
        select(e.id)
        .where(
            e.incident == incident,
            _is(e.organisation, org),
            e.place == place,
            e.location_key == location,
            e.tlp_rank == rank,
            e.room_id == room,
            e.retracted_at.is_(None),
            exists().where(f.entry_id == e.id, f.metric == metric),
        )
        .order_by(e.observed_at.desc(), e.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    latest = (
        await session.execute(
            select(*FIGURE_COLUMNS)
            .join(f, f.entry_id == e.id)
            .where(e.id == latest_id, f.metric == metric)
            .limit(1)
        )
    ).first()
    return None if latest is None else _figure_row(incident, latest)
