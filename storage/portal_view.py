"""What the web portal (bot/web/) reads besides the picture: the room's view, one entry
with its history, and a figure's history for the charts.

The picture itself comes from `storage.picture_service` like `!beeld`; this module adds
only the reads the portal needs beyond it, each under the one TLP rule
(`tlp.visible_clause` in SQL, `tlp.may_see` for stored revisions).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import (
    alerts,
    bounds,
    incidents,
    items,
    metric_kinds,
    open_questions,
    records,
    rooms,
    tlp,
)
from storage.ids import RoomId
from storage.models import (
    EntryFigure,
    EntryRevision,
    Incident,
    RecordItem,
    Room,
    SituationEntry,
)

# Figure points read for one chart: the newest ones, so a chart costs the same at
# 1,000 or 100,000 entries (older points fall off the left edge).
MAX_POINTS_READ = 4000
# Lines per chart and points per line: more is unreadable on a phone.
MAX_LINES = 8
MAX_POINTS_PER_LINE = 60


@dataclass(frozen=True)
class PortalRoom:
    """A link's room as the portal shows it: its TLP view and its binding's incident."""

    access: tlp.RoomAccess
    incident: str
    role: str


async def room_view(session: AsyncSession, room_id: str) -> PortalRoom | None:
    """The room's current view, or None when it has no binding with an incident now
    (unbound since the link was made, left, or a direct chat): then no page opens. The
    binding is the one its messages are handled under (`rooms.view_of`): an upgraded room
    still written in works under its successor's, within its own limits, and so does
    its page (a link `!portaal` gave there opened nothing)."""
    room = await session.get(Room, room_id)
    found = await rooms.view_of(session, RoomId(room_id))
    if room is None or not room.active or found is None:
        return None
    view, public, direct = found
    if view is None or direct or view.incident is None:
        return None
    access = tlp.RoomAccess.for_binding(room_id, view, public, direct)
    return PortalRoom(access, view.incident, view.role)


@dataclass(frozen=True)
class Revision:
    revision: int
    created_at: datetime
    withdrawn: bool
    severity: str
    status: str
    tlp: str
    text: str
    observed_at: str


@dataclass
class EntryView:
    entry: SituationEntry
    revisions: list[Revision] = field(default_factory=list)

    @property
    def marker(self) -> str:
        """A fingerprint of what the page shows of the entry (an open entry page polls
        it): it moves with every edit, relabel or withdrawn revision the room sees."""
        e = self.entry
        shown = [(r.revision, r.tlp, r.withdrawn) for r in self.revisions]
        text = f"{e.id}|{e.updated_at.isoformat()}|{e.tlp}|{e.revision}|{shown}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]


async def entry_with_history(
    session: AsyncSession, view: PortalRoom, entry_id: int
) -> EntryView | None:
    """One live entry of the room's incident that the room may see, with the revisions
    the room may see (a revision keeps the label it had: an earlier AMBER version of a
    now GREEN entry stays out of a GREEN room's view). None when it may not be seen."""
    e = SituationEntry
    entry = await session.scalar(
        select(e).where(
            e.id == entry_id,
            e.incident == view.incident,
            e.retracted_at.is_(None),
            tlp.visible_clause(view.access, e.tlp_rank, e.room_id, e.organisation),
        )
    )
    if entry is None:
        return None
    result = EntryView(entry)
    rows = list(
        await session.scalars(
            select(EntryRevision)
            .where(EntryRevision.entry_id == entry_id)
            .order_by(EntryRevision.revision)
        )
    )
    words_label = _words_labels(rows, entry.tlp)
    for row in rows:
        snap = row.snapshot
        label = str(snap.get("tlp", entry.tlp))
        text = str(snap.get("text", ""))
        if snap.get("incident") != view.incident:
            continue
        # The revision under its own label, and its words under the label their writer
        # last gave them: words posted GREEN and raised to AMBER by a later edit are
        # AMBER, also in the revision that first held them.
        if any(
            lab not in tlp.RANK
            or not tlp.may_see(view.access, lab, entry.room_id, snap.get("organisation"))
            for lab in (label, words_label.get(text, label))
        ):
            continue
        withdrawn = row.withdrawn_at is not None
        result.revisions.append(
            Revision(
                revision=row.revision,
                created_at=row.created_at,
                withdrawn=withdrawn,
                severity=str(snap.get("severity", "")),
                status=str(snap.get("status", "")),
                tlp=label,
                # A withdrawn revision (its edit was deleted) keeps its place in the
                # history, not its words: its writer took them back, and a deleted
                # lowering of the label would otherwise show RED words as CLEAR.
                text="" if withdrawn else text,
                observed_at=str(snap.get("observed_at", "")),
            )
        )
    return result


def _words_labels(rows: list[EntryRevision], default: str) -> dict[str, str]:
    """Each text of the entry's standing revisions -> the label of the newest standing
    revision that holds it (its writer's last word on those words)."""
    labels: dict[str, str] = {}
    for row in rows:
        if row.withdrawn_at is None:
            snap = row.snapshot
            labels[str(snap.get("text", ""))] = str(snap.get("tlp", default))
    return labels


@dataclass(frozen=True)
class Line:
    """A region's totals over time; each point with what its sum is (storage/bounds.py
    `of_sum`: exact, an estimate, or a bound), so the chart marks "> 3" as the table."""

    region: str
    points: list[tuple[datetime, float]]
    kinds: tuple[str, ...] = ()
    # The unit as typed (None: a bare number): never summed with another, as the picture
    # (storage/picture.py) keeps figures of different units on lines of their own.
    unit: str | None = None

    def kind_at(self, index: int) -> str:
        return self.kinds[index] if index < len(self.kinds) else bounds.EXACT


async def figure_history(
    session: AsyncSession, view: PortalRoom, metric: str
) -> tuple[list[Line], set[int]]:
    """The region totals of one metric over time, as the room may see them: after each
    visible figure, the sum per region of the latest value of each source (the item
    owner's organisation, place, location: `items.source_organisation`,
    `entries.location_key`), as `!beeld` sums the current figures. Also the entry ids
    used (for the audit).
    """
    e, f = SituationEntry, EntryFigure
    rows = (
        await session.execute(
            items.join_opener(
                select(
                    e.id,
                    items.source_organisation(e),
                    e.place,
                    e.location_key,
                    e.region,
                    e.location,
                    e.organisation,
                    e.observed_at,
                    f.value,
                    f.bound,
                    f.unit,
                ).join(f, f.entry_id == e.id),
                e,
            )
            .where(
                f.metric == metric,
                e.incident == view.incident,
                e.retracted_at.is_(None),
                tlp.visible_clause(view.access, e.tlp_rank, e.room_id, e.organisation),
            )
            .order_by(e.observed_at.desc(), e.id.desc())
            .limit(MAX_POINTS_READ)
        )
    ).all()
    points, shown, used = _history(rows, metric)

    # The lines with the largest current totals, each thinned to a readable number of
    # points (always keeping the newest).
    def label(k: _Key) -> str:
        return shown.get(k, k[0])

    keys = sorted(points, key=lambda k: (-points[k][-1][1], label(k), k[1] or ""))[:MAX_LINES]
    ordered = sorted(keys, key=lambda k: (label(k), k[1] or "", k[0]))
    return [_line(label(k), _thin(points[k]), k[1]) for k in ordered], used


_Key = tuple[str, str | None]  # a line: its region (or source) and unit
_Source = tuple[str | None, str, str]  # organisation, place, location key


def _history(
    rows: Sequence[Row[Any]], metric: str
) -> tuple[dict[_Key, list[tuple[datetime, float, str]]], dict[_Key, str], set[int]]:
    """`figure_history`'s lines from its rows (newest first): the points per line, the
    names of the per-source lines, and the entry ids used.

    Per region and unit: "1,5 m" and "120 cm" of one region were drawn as 121,5. A
    source's figure in another unit than before moves it to that unit's line."""
    latest: dict[_Key, dict[_Source, tuple[float, str]]] = defaultdict(dict)
    points: dict[_Key, list[tuple[datetime, float, str]]] = defaultdict(list)
    shown: dict[_Key, str] = {}
    used: set[int] = set()
    for row in reversed(rows):
        (entry_id, organisation, place, location, region, own_location, own_organisation,
         observed_at, value, bound, unit) = row  # fmt: skip
        used.add(entry_id)
        name = region or "?"
        if not metric_kinds.adds_up(metric, unit):
            # A level or a temperature does not add up: one line per source, not a sum.
            # Keyed by the source, but NAMED after the visible entry's own place,
            # location and organisation: the source's location key and organisation
            # are its item opener's, which the room may not see (review 17a: a GREEN
            # follow-up's line named an AMBER opener's location).
            name = _SOURCE + _SEP.join((organisation or "", place, location))
            own = (place, own_location, own_organisation)
            shown[(name, unit)] = " · ".join(p for p in own if p) or region or "?"
        key = (name, unit)
        source = (organisation, place, location)
        for other, parts in latest.items():
            if other[0] == key[0] and other != key and parts.pop(source, None) is not None:
                _add_point(points[other], observed_at, parts)
        latest[key][source] = (float(value), bound or bounds.EXACT)
        _add_point(points[key], observed_at, latest[key])
    return points, shown, used


# A per-source line's key (never shown): apart from every region's name.
_SOURCE = "\x1e"
_SEP = "\x1f"


def _add_point(
    line: list[tuple[datetime, float, str]],
    at: datetime,
    parts: dict[tuple[str | None, str, str], tuple[float, str]],
) -> None:
    """The line's total after a change of its sources' latest values."""
    values = parts.values()
    line.append((at, sum(part for part, _ in values), bounds.of_sum(k for _, k in values)))


def _line(region: str, points: list[tuple[datetime, float, str]], unit: str | None) -> Line:
    return Line(
        region, [(at, total) for at, total, _ in points], tuple(k for *_, k in points), unit
    )


def _thin(points: list[tuple[datetime, float, str]]) -> list[tuple[datetime, float, str]]:
    if len(points) <= MAX_POINTS_PER_LINE:
        return points
    step = len(points) / MAX_POINTS_PER_LINE
    picked = [points[int(i * step)] for i in range(MAX_POINTS_PER_LINE - 1)]
    return [*picked, points[-1]]


async def change_marker(session: AsyncSession, view: PortalRoom) -> str:
    """A cheap fingerprint of the room's view for live updates: the newest change the
    room may see (an edit, retraction or relabel sets `updated_at`) and the count of its
    live entries. Computed under the same TLP clause, so it moves only when something
    this room may see moved: a GREEN page learns nothing from an AMBER report arriving.
    """
    e = SituationEntry
    visible = tlp.visible_clause(view.access, e.tlp_rank, e.room_id, e.organisation)
    newest = (
        await session.execute(
            select(e.updated_at, e.id)
            .where(e.incident == view.incident, visible)
            .order_by(e.updated_at.desc(), e.id.desc())
            .limit(1)
        )
    ).first()
    count = await session.scalar(
        select(func.count()).where(e.incident == view.incident, e.retracted_at.is_(None), visible)
    )
    stamp = "-" if newest is None else f"{newest[0].isoformat()}|{newest[1]}"
    # Assessments, decisions and actions are on the page too: the newest change and the
    # count of those this room may see (withdrawn ones set updated_at as well).
    r = RecordItem
    seen = records.visible_clause(view.access)
    record = (
        await session.execute(
            select(func.max(r.updated_at), func.count()).where(r.incident == view.incident, seen)
        )
    ).first()
    stamp += (
        f"|{record[0].isoformat() if record and record[0] else '-'}|{record[1] if record else 0}"
    )
    # The open questions the page lists (asked, answered, withdrawn by the asker).
    asked = await open_questions.open_stamp(
        session, view.access, view.incident, include_unbound=view.role == "curator"
    )
    stamp += "|" + "|".join(str(n) for n in asked)
    # Closed (and since when) or open: the page says GESLOTEN, as the chat picture does.
    stamp += "|" + await _closed_stamp(session, view.incident)
    # The reports the page names as heard of (`alerts.heard_of`): an AMBER report moves
    # nothing above for a GREEN room, but its redacted alert puts a line on the page, and
    # its withdrawal takes it off (review: an open page stayed without it).
    heard = await alerts.heard_of(
        session, view.access, view.incident, alerts.coordinator_of(view.role, view.incident)
    )
    stamp += "|" + ",".join(f"{h.entry_id}:{h.severity_rank}" for h in heard.shown)
    stamp += f"|{heard.count}"
    return hashlib.sha256(f"{stamp}|{count}".encode()).hexdigest()[:32]


async def _closed_stamp(session: AsyncSession, incident: str) -> str:
    """'open', or when the incident was closed: a close or reopen moves the page."""
    found = (
        await session.execute(
            select(Incident.open, Incident.closed_at).where(Incident.slug == incident)
        )
    ).first()
    if found is None or found[0]:
        return "open"
    return f"closed:{found[1].isoformat() if found[1] else '-'}"


@dataclass(frozen=True)
class IncidentStamp:
    """When any entry of the incident last changed and its newest entry, whoever may see
    them. Only a server-side cache key, never shown: it tells the portal whether to
    look again, and what it then builds is filtered as always."""

    newest: datetime | None
    newest_id: int | None
    last_id: int | None
    # The newest change of the incident's assessments, decisions and actions, and their
    # highest id: a page shows those too, and a change of them is looked at at once.
    record: tuple[datetime | None, int | None] = (None, None)
    # The open questions of every incident (`open_questions.open_stamp`): a page lists
    # them, and one asked, answered or withdrawn by its asker is looked at at once.
    questions: tuple[int, int, int, int] = (0, 0, 0, 0)
    # How many times a report or record item left the incident (`incidents.departures`):
    # it is no longer among the incident's rows, so nothing above moves when it goes.
    left: int = 0
    # 'open', or closed and since when: a closed incident's page says so at once.
    closed: str = "open"


async def incident_stamp(session: AsyncSession, incident: str) -> IncidentStamp:
    """Two index look-ups (a new report, an edit, a retraction or a relabel all set
    `updated_at`; ix_entries_incident_updated)."""
    e = SituationEntry
    newest = (
        await session.execute(
            select(e.updated_at, e.id)
            .where(e.incident == incident)
            .order_by(e.updated_at.desc(), e.id.desc())
            .limit(1)
        )
    ).first()
    last_id = await session.scalar(select(func.max(e.id)).where(e.incident == incident))
    r = RecordItem
    found = (
        await session.execute(
            select(func.max(r.updated_at), func.max(r.id)).where(r.incident == incident)
        )
    ).first()
    record = (found[0], found[1]) if found else (None, None)
    questions = await open_questions.open_stamp(session)
    left = await incidents.departures(session, incident)
    closed = await _closed_stamp(session, incident)
    if newest is None:
        return IncidentStamp(None, None, last_id, record, questions, left, closed)
    return IncidentStamp(newest[0], newest[1], last_id, record, questions, left, closed)


async def existing_changed(session: AsyncSession, incident: str, since: IncidentStamp) -> bool:
    """Whether an entry that existed at `since` changed after it (an edit, retraction or
    relabel), as opposed to only new reports arriving: the portal may wait a few seconds
    before showing new reports, never before taking back what a room may no longer see.
    An index range on (incident, updated_at) over the few newest changes."""
    if since.newest is None or since.last_id is None:
        return False
    e = SituationEntry
    found = await session.scalar(
        select(e.id)
        .where(e.incident == incident, e.updated_at > since.newest, e.id <= since.last_id)
        .limit(1)
    )
    return found is not None
