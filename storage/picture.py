"""The situation picture's numbers, computed in SQL.

Latest state per (category, organisation, place, location) and latest figure per
source (organisation, place, location, metric) come from window functions; sums per
region from GROUP BY. The location (`entries.location_key`, folded) tells two
shelters of one organisation in one municipality apart: as one source, the later
report replaced the earlier in the sums, and 160 showed where 205 were sheltered. Only the rows the picture shows leave the database, so the cost grows
with the number of series, not with the number of entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import bounds, items, metric_kinds, series, tlp
from storage.items import LatestState
from storage.models import EntryFigure, FigureLatest, SeriesLatest, SituationEntry

MAX_STATES = 200


@dataclass(frozen=True)
class RegionFigure:
    metric: str
    region: str
    total: float
    sources: int
    oldest: datetime
    unit: str | None
    # What the sum is (storage/bounds.py `of_sum`): exact only when every part is; with
    # a bound or an estimate in it, shown "> 8", "< 8" or "ca. 8", never as exact.
    bound: str = bounds.EXACT
    # The lowest and highest of the sources' latest values, and whether the metric adds
    # up across sources (storage/metric_kinds.py): a water level, a temperature or a
    # share is shown as low – high, never as `total`.
    low: float = 0.0
    high: float = 0.0
    adds_up: bool = True


@dataclass(frozen=True)
class StateFigure:
    """A figure of a shown latest state's own entry, as its confirmation wrote it."""

    label: str
    value: float
    unit: str | None
    bound: str
    estimate: bool


@dataclass(frozen=True)
class Change:
    entry_id: int
    kind: str  # new | updated | resolved | retracted
    category: str
    organisation: str | None
    place: str
    tlp: str

    @property
    def code(self) -> str:
        return f"M-{self.entry_id}"


@dataclass
class Picture:
    incident: str
    since: datetime | None
    entry_count: int
    labels: list[str] = field(default_factory=list)
    states: list[LatestState] = field(default_factory=list)
    # How many latest states each category has (`states` holds at most MAX_STATES each).
    state_totals: dict[str, int] = field(default_factory=dict)
    # The figures of the shown states without text, by entry id: such a line showed an
    # empty end ("… (1 min) —  (M-5)") and now shows "opgevangen 160".
    state_figures: dict[int, list[StateFigure]] = field(default_factory=dict)
    # Every open severe or extreme situation item (storage/items.py).
    attention: list[items.ItemState] = field(default_factory=list)
    # More open items than the list shows (`items.MAX_ATTENTION`): the oldest left out.
    attention_cut: bool = False
    figures: list[RegionFigure] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    # More changes than the list holds (MAX_STATES): the oldest left out, and said so.
    changes_cut: bool = False
    changes_since: datetime | None = None
    # The picture narrowed to a category (`category`) whose changes are counted since
    # a whole picture (no earlier one of that category since): the title says so.
    category: str | None = None
    changes_against_whole: bool = True

    @property
    def highest_label(self) -> str:
        return tlp.highest(self.labels)

    @property
    def entry_ids(self) -> set[int]:
        return (
            {s.entry_id for s in self.states}
            | {c.entry_id for c in self.changes}
            | {a.entry_id for a in self.attention}
        )


def _visible(
    access: tlp.RoomAccess, incident: str, since: datetime | None, category: str | None
) -> list[ColumnElement[bool]]:
    return items.live_visible(SituationEntry, access, incident, since, category)


async def build_picture(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    *,
    since: datetime | None = None,
    category: str | None = None,
    changes_since: datetime | None = None,
    refresh_series: bool = True,
) -> Picture:
    """`refresh_series=False`: the caller brought the series tables up to date in its
    own short write transaction (the web portal), so this build only reads; rows gone
    stale since are still checked against their entry's current state (`_current`)."""
    visible = _visible(access, incident, since, category)

    count, labels = (
        await session.execute(
            select(func.count(), func.max(SituationEntry.tlp_rank)).where(*visible)
        )
    ).one()
    picture = Picture(
        incident=incident,
        since=since,
        entry_count=int(count or 0),
        changes_since=changes_since,
        category=category,
    )
    if labels is not None:
        picture.labels.append(tlp.LABELS[int(labels)])

    if refresh_series:
        # The attention section reads `item_latest`, also for a category's picture (an
        # item's state is its latest entry, whatever that entry's category).
        await series.refresh(session, incident)
    if since is None and category is None:
        # The common case, the whole incident: read the small series tables.
        picture.states, picture.state_totals = await _states_from_series(session, access, incident)
        picture.figures = await _figures_from_series(session, access, incident)
    else:
        picture.states, picture.state_totals = await _states_by_window(session, visible)
        picture.figures = await _figures_by_window(session, visible)
    picture.state_figures = await _state_figures(session, picture.states)
    # An open severe item stays in view until it is resolved, whatever the period:
    # `!beeld sinds=4h` (the usage's own example) left out an extreme item reported
    # five hours ago and still open, and said "Geen meldingen in deze periode".
    attention = await items.open_attention(session, access, incident, category=category)
    picture.attention = attention[: items.MAX_ATTENTION]
    picture.attention_cut = len(attention) > items.MAX_ATTENTION
    picture.labels += [item.tlp for item in picture.attention]
    if changes_since is not None:
        changes = await _changes(session, access, incident, category, changes_since)
        picture.changes = changes[:MAX_STATES]
        picture.changes_cut = len(changes) > MAX_STATES
        picture.labels += [c.tlp for c in picture.changes]
    return picture


async def _states_by_window(
    session: AsyncSession, visible: list[ColumnElement[bool]]
) -> tuple[list[LatestState], dict[str, int]]:
    """Latest state per category, organisation, place and location, over the filtered
    entries."""
    e = SituationEntry
    ranked = (
        select(
            *STATE_COLUMNS,
            series.newest_first(
                (e.category, e.organisation, e.place, e.location_key), e.observed_at, e.id
            ),
        )
        .where(*visible)
        .subquery()
    )
    return await _first_of_each(session, ranked)


async def _figures_by_window(
    session: AsyncSession, visible: list[ColumnElement[bool]]
) -> list[RegionFigure]:
    """Latest figure per source (item owner's organisation, place, location, metric),
    summed per region."""
    e = SituationEntry
    source = (
        items.source_organisation(e),
        e.place,
        e.location_key,
        EntryFigure.metric,
    )
    query = select(
        EntryFigure.metric,
        EntryFigure.value,
        EntryFigure.unit,
        func.coalesce(e.region, literal("?")).label("region"),
        EntryFigure.bound,
        e.observed_at,
        series.newest_first(source, e.observed_at, e.id),
    ).join(e, e.id == EntryFigure.entry_id)
    latest_figure = items.join_opener(query, e).where(*visible).subquery()
    return await _region_sums(session, latest_figure)


async def _state_figures(
    session: AsyncSession, states: list[LatestState]
) -> dict[int, list[StateFigure]]:
    """The figures of the shown states that have no text, in one query. Only those
    entries' own figures: each state is an entry this room may see (the state queries
    checked its label), and a line never shows another entry's figures."""
    ids = [s.entry_id for s in states if not s.text]
    if not ids:
        return {}  # the common case, every line with text, costs no query
    f = EntryFigure
    rows = await session.execute(
        select(f.entry_id, f.label, f.value, f.unit, f.bound, f.estimate)
        .where(f.entry_id.in_(ids))
        .order_by(f.entry_id, f.id)
    )
    shown: dict[int, list[StateFigure]] = {}
    for entry_id, label, value, unit, bound, estimate in rows:
        shown.setdefault(entry_id, []).append(
            StateFigure(label, float(value), unit, bound, bool(estimate))
        )
    return shown


# The columns a LatestState is made of, in its field order.
STATE_COLUMNS = items.LATEST_COLUMNS


def _state(row: Any) -> LatestState:
    return LatestState(*row)


def _attention(severity: Any, status: Any) -> ColumnElement[int]:
    """Severe and extreme first, then what is not resolved, then the rest."""
    return case((severity.in_(("Extreme", "Severe")), 0), (status != "resolved", 1), else_=2)


def _current(access: tlp.RoomAccess, incident: str, entry_id: Any) -> list[ColumnElement[bool]]:
    """A series row counts only while its entry is, NOW, live, in this incident and visible.

    The series tables are brought up to date before each picture (`series.refresh`);
    this check on the entry's current incident, retraction and label makes sure a
    row that is stale anyway can neither leak text nor put an entry under a label
    other than its current one.
    """
    e = SituationEntry
    return [
        e.id == entry_id,
        e.incident == incident,
        e.retracted_at.is_(None),
        tlp.visible_clause(access, e.tlp_rank, e.room_id, e.organisation),
    ]


async def _states_from_series(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> tuple[list[LatestState], dict[str, int]]:
    s = SeriesLatest
    ranked = _ranked_series(
        s,
        STATE_COLUMNS,
        (s.category, s.organisation, s.place, s.location_key),
        access,
        incident,
    )
    return await _first_of_each(session, ranked)


def _ranked_series(
    table: type[SeriesLatest] | type[FigureLatest],
    columns: Sequence[Any],
    partition_by: Sequence[Any],
    access: tlp.RoomAccess,
    incident: str,
) -> Subquery:
    """`columns` of the incident's series rows whose entry is current and visible to the
    room (`_current`), ranked newest first (`rn`) per `partition_by` (which may name
    the entry's item's opener, `items.OPENER`)."""
    query = select(
        *columns, series.newest_first(partition_by, table.observed_at, table.entry_id)
    ).join(SituationEntry, and_(*_current(access, incident, table.entry_id)))
    joined = items.join_opener(query, SituationEntry)
    ranked: Subquery = joined.where(table.incident == incident).subquery()
    return ranked


async def _first_of_each(
    session: AsyncSession, ranked: Any
) -> tuple[list[LatestState], dict[str, int]]:
    """The rows ranked first (`rn == 1`) of a ranked subquery, attention first per
    category, at most MAX_STATES per category; and how many there are per category.
    What both the window path and the series path end with.

    The limit is per category: one limit over all of them, in category order, left
    whole categories (`water`, `zorg`) out of a picture with 200 shelter locations,
    and the picture read as complete."""
    order = (
        _attention(ranked.c.severity, ranked.c.status),
        ranked.c.observed_at.desc(),
        ranked.c.id.desc(),
    )
    firsts = (
        select(
            *(ranked.c[column.key] for column in STATE_COLUMNS),
            func.row_number().over(partition_by=ranked.c.category, order_by=order).label("nc"),
            func.count().over(partition_by=ranked.c.category).label("total"),
        )
        .where(ranked.c.rn == 1)
        .subquery()
    )
    rows = await session.execute(
        select(*(firsts.c[column.key] for column in STATE_COLUMNS), firsts.c.total)
        .where(firsts.c.nc <= MAX_STATES)
        .order_by(
            firsts.c.category,
            _attention(firsts.c.severity, firsts.c.status),
            firsts.c.observed_at.desc(),
            firsts.c.id.desc(),
        )
    )
    states: list[LatestState] = []
    totals: dict[str, int] = {}
    for *columns, total in rows:
        state = _state(columns)
        states.append(state)
        totals[state.category] = int(total)
    return states, totals


async def _figures_from_series(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> list[RegionFigure]:
    f = FigureLatest
    columns = (
        f.metric,
        f.value,
        f.unit,
        func.coalesce(f.region, literal("?")).label("region"),
        f.bound,
    )
    source = (
        items.source_organisation(SituationEntry),
        f.place,
        f.location_key,
        f.metric,
    )
    ranked = _ranked_series(f, (*columns, f.observed_at), source, access, incident)
    return await _region_sums(session, ranked)


async def _region_sums(session: AsyncSession, ranked: Subquery) -> list[RegionFigure]:
    """Sum the latest value of each source (rn == 1) per metric, region and unit, with how
    many of the summed figures are of each kind that is not exact (`_BOUND_KINDS`).

    Per unit: units are kept as typed, not converted, and `waterstand: 1,5 m` from one
    source and `waterstand: 150 cm` from another were summed as "151,5 m", a confident
    wrong figure. Figures in different units are shown on lines of their own."""
    sums = await session.execute(
        select(
            ranked.c.metric,
            ranked.c.region,
            func.sum(ranked.c.value),
            func.count(),
            func.min(ranked.c.observed_at),
            ranked.c.unit,
            func.min(ranked.c.value),
            func.max(ranked.c.value),
            *(func.sum(case((ranked.c.bound == kind, 1), else_=0)) for kind in _BOUND_KINDS),
        )
        .where(ranked.c.rn == 1)
        .group_by(ranked.c.metric, ranked.c.region, ranked.c.unit)
        .order_by(ranked.c.metric, ranked.c.region, ranked.c.unit)
    )
    return [
        RegionFigure(
            metric,
            region,
            float(total),
            int(n),
            _aware(oldest),
            unit,
            bounds.of_sum(k for k, count in zip(_BOUND_KINDS, kinds, strict=True) if count),
            float(low),
            float(high),
            metric_kinds.adds_up(metric, unit),
        )
        for metric, region, total, n, oldest, unit, low, high, *kinds in sums
    ]


_BOUND_KINDS = tuple(kind for kind in bounds.KINDS if kind != bounds.EXACT)


def _aware(moment: datetime | str) -> datetime:
    """Aggregates bypass the column type: normalise what SQLite hands back."""
    from datetime import UTC

    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def _changes(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: str,
    category: str | None,
    since: datetime,
) -> list[Change]:
    conditions: list[ColumnElement[bool]] = [
        SituationEntry.incident == incident,
        tlp.visible_clause(
            access, SituationEntry.tlp_rank, SituationEntry.room_id, SituationEntry.organisation
        ),
        or_(SituationEntry.updated_at > since, SituationEntry.recorded_at > since),
    ]
    if category is not None:
        conditions.append(SituationEntry.category == category)
    rows = await session.execute(
        select(
            SituationEntry.id,
            SituationEntry.category,
            SituationEntry.organisation,
            SituationEntry.place,
            SituationEntry.tlp,
            SituationEntry.recorded_at,
            SituationEntry.retracted_at,
            SituationEntry.status,
            SituationEntry.revision,
        )
        .where(and_(*conditions))
        .order_by(SituationEntry.updated_at.desc())
        .limit(MAX_STATES + 1)
    )
    changes = []
    for r in rows:
        if r.retracted_at is not None:
            if r.recorded_at > since:
                continue  # new and already withdrawn: nothing changed for this room
            kind = "retracted"
        elif r.recorded_at > since:
            kind = "new"
        elif r.status == "resolved":
            kind = "resolved"
        else:
            kind = "updated"
        changes.append(Change(r.id, kind, r.category, r.organisation, r.place, r.tlp))
    return changes
