"""The partner network in the database: dependency lines, partners, domino items, alerts.

Dependency lines and partner details come from curated files (knowledge/network.py) and
`!org`; domino items and alerts are written on the report path, in the report's own
transaction, so an alert and the items it speaks of exist exactly when the report does.
Every read that shows a report's content goes through `tlp.visible_clause` (or
`tlp.may_see` for one object); contact lines are not posted in any room, so they are
judged like objects: with no room of their own and their organisation as owner.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage import organisations, tlp
from storage.models import (
    DominoAnswer,
    DominoItem,
    Organisation,
    Room,
    RoomBinding,
    SectorDependency,
    SituationEntry,
    utcnow,
)
from storage.rooms import BindingView, active_bindings, earlier_of, with_earlier

SEVERE = ("Severe", "Extreme")


# ------------------------------------------------------------------ dependency map


@dataclass(frozen=True)
class NewDependency:
    sector: str
    dependent: str
    reason: str
    onset: str | None
    region: str | None


async def replace_map(
    session: AsyncSession, map_id: str, lines: Sequence[NewDependency], actor: str
) -> tuple[int, int]:
    """Replace the lines of one map; (lines before, lines after)."""
    before = await session.scalar(
        select(func.count()).select_from(SectorDependency).where(SectorDependency.map_id == map_id)
    )
    await session.execute(delete(SectorDependency).where(SectorDependency.map_id == map_id))
    now = utcnow()
    if lines:
        await session.execute(
            insert(SectorDependency),
            [
                {
                    "map_id": map_id,
                    "sector": line.sector,
                    "dependent": line.dependent,
                    "reason": line.reason,
                    "onset": line.onset,
                    "region": line.region,
                    "imported_at": now,
                    "imported_by": actor,
                }
                for line in lines
            ],
        )
    return int(before or 0), len(lines)


async def all_dependencies(session: AsyncSession) -> Sequence[SectorDependency]:
    return (
        await session.scalars(
            select(SectorDependency).order_by(SectorDependency.map_id, SectorDependency.id)
        )
    ).all()


async def dependents_of(
    session: AsyncSession, sectors: Collection[str], region: str | None
) -> list[SectorDependency]:
    """The lines that say some sector depends on one of `sectors`, for `region` (lines
    without a region hold everywhere). One line per (sector, dependent): a regional line
    wins over a general one."""
    if not sectors:
        return []
    rows = (
        await session.scalars(
            select(SectorDependency)
            .where(
                SectorDependency.sector.in_(list(sectors)),
                or_(SectorDependency.region.is_(None), SectorDependency.region == region)
                if region
                else SectorDependency.region.is_(None),
            )
            .order_by(SectorDependency.id)
        )
    ).all()
    chosen: dict[tuple[str, str], SectorDependency] = {}
    for row in rows:
        key = (row.sector, row.dependent)
        if key not in chosen or (row.region and not chosen[key].region):
            chosen[key] = row
    return list(chosen.values())


# ------------------------------------------------------------------ partners


async def organisation_sectors(session: AsyncSession, name: str) -> list[str]:
    found = await organisations.find(session, name)
    return list(found.sectors or []) if found is not None else []


async def upsert_partner(
    session: AsyncSession, data: dict[str, Any], keep_above: str | None = None
) -> Organisation:
    """Create or replace an organisation's network details (name kept as first written).

    `keep_above`: the ceiling a partners file was exported under (`max_tlp:`). It never
    held the contact lines labelled above it, so those stay (after the file's lines,
    unless the file holds the same line) instead of being wiped by the replacement."""
    name = str(data["name"])
    found = await organisations.ensure(session, name)
    sectors = list(data.get("sectors") or [])
    if data.get("kind"):
        found.kind = str(data["kind"])
    found.sectors = sectors
    found.sector = sectors[0] if sectors else None
    found.regions = list(data.get("regions") or [])
    found.municipalities = list(data.get("municipalities") or [])
    found.roles = dict(data.get("roles") or {})
    contacts = list(data.get("contacts") or [])
    found.contacts = contacts + kept_contacts(found.contacts or [], contacts, keep_above)
    await session.flush()
    return found


def kept_contacts(
    stored: Sequence[dict[str, Any]], written: Sequence[dict[str, Any]], ceiling: str | None
) -> list[dict[str, Any]]:
    """The stored contact lines above `ceiling` that are not among `written` again."""
    if ceiling is None or ceiling not in tlp.RANK:
        return []
    again = {(c.get("label"), c.get("line")) for c in written}
    return [
        c
        for c in stored
        if tlp.RANK.get(str(c.get("tlp")), len(tlp.LABELS)) > tlp.RANK[ceiling]
        and (c.get("label"), c.get("line")) not in again
    ]


@dataclass(frozen=True)
class BoundRoom:
    """A room bound to an incident, with its organisation's sectors."""

    room_id: str
    binding: BindingView
    public: bool
    direct: bool
    sectors: tuple[str, ...]

    @property
    def access(self) -> tlp.RoomAccess:
        return tlp.RoomAccess.for_binding(self.room_id, self.binding, self.public, self.direct)


async def bound_rooms(
    session: AsyncSession, incident: str, role: str | None = None
) -> list[BoundRoom]:
    """Active rooms bound to the incident (with `role`, if given) and their sectors."""
    query = active_bindings(
        Room.public, Room.is_direct, Organisation.sectors, incident=incident, role=role
    ).outerjoin(Organisation, Organisation.name == RoomBinding.organisation)
    # With the rooms each replaced: a cause posted before its room's upgrade is still
    # that room's own (it is not alerted about it, and RED stays visible to it).
    query = with_earlier(query, RoomBinding.room_id)
    return [
        BoundRoom(
            binding.room_id,
            BindingView.of(binding, earlier=earlier_of(earlier)),
            bool(public),
            bool(direct),
            tuple(sectors or ()),
        )
        for binding, public, direct, sectors, earlier in await session.execute(query)
    ]


async def partners_with_sector(session: AsyncSession, sector: str) -> list[Organisation]:
    """Organisations serving `sector` (the JSON list is filtered here: a few hundred rows)."""
    rows = (await session.scalars(select(Organisation).order_by(Organisation.name))).all()
    return [o for o in rows if sector in (o.sectors or [])]


# ------------------------------------------------------------------ domino items


async def open_items(
    session: AsyncSession,
    cause: SituationEntry,
    cause_sector: str,
    lines: Sequence[SectorDependency],
    already_reported: Collection[str] = (),
) -> list[str]:
    """Open one item per dependent sector of a severe cause (once per cause and sector:
    an edit or a replay opens nothing twice). Returns the sectors newly opened."""
    if cause.incident is None:
        return []
    # An edit that moved the cause to another incident takes its items along: left
    # behind, no picture would show them (the old incident no longer holds their cause)
    # and the new one would have none. Answered ones too: a report answers an item only
    # in its own incident (`_answered`), so in the new one they are open again.
    await session.execute(
        update(DominoItem)
        .where(DominoItem.cause_entry_id == cause.id, DominoItem.incident != cause.incident)
        .values(incident=cause.incident)
    )
    existing = set(
        (
            await session.scalars(
                select(DominoItem.sector).where(DominoItem.cause_entry_id == cause.id)
            )
        ).all()
    )
    now = utcnow()
    rows = [
        {
            "incident": cause.incident,
            "cause_entry_id": cause.id,
            "cause_sector": cause_sector,
            "sector": line.dependent,
            "reason": line.reason,
            "onset": line.onset,
            "opened_at": now,
            "closed_at": None,
            "closed_by_entry_id": None,
        }
        for line in lines
        if line.dependent not in existing and line.dependent != cause_sector
    ]
    for row in rows:
        if row["sector"] in already_reported:
            row["closed_at"] = now  # the cause names a sector that reported in this message
    if rows:
        await session.execute(insert(DominoItem), rows)
    return [str(row["sector"]) for row in rows]


async def close_for_sector(session: AsyncSession, answer: SituationEntry) -> int:
    """A report in a dependent sector (`answer`): the domino items of its sector in its
    incident whose cause is about its region (or one of them names none) are answered.

    Every answer is kept (`DominoAnswer`): two partners may answer an item, or one twice
    under different labels, and retracting one must leave the others standing. Whether a
    room sees the item answered is judged per room when it is read (`open_visible`), by
    its stored answers: look-ups by the item's key, not a search of the incident's
    reports. `closed_by_entry_id` keeps the answer the most rooms may see (the first, or
    a later one with a lower label), as before."""
    if answer.incident is None or answer.sector is None:
        return 0
    clauses = [
        DominoItem.incident == answer.incident,
        DominoItem.sector == answer.sector,
        DominoItem.cause_entry_id != answer.id,
    ]
    # Each by primary key on the item's own cause or answer (correlated): a report's
    # path must not read every report of a region or label.
    if answer.region is not None:
        clauses.append(
            select(SituationEntry.id)
            .where(
                SituationEntry.id == DominoItem.cause_entry_id,
                or_(SituationEntry.region.is_(None), SituationEntry.region == answer.region),
            )
            .exists()
        )
    wider = (
        select(SituationEntry.id)
        .where(
            SituationEntry.id == DominoItem.closed_by_entry_id,
            SituationEntry.tlp_rank > answer.tlp_rank,
        )
        .exists()
    )
    kept = select(DominoAnswer.item_id).where(
        DominoAnswer.item_id == DominoItem.id, DominoAnswer.entry_id == answer.id
    )
    await session.execute(
        insert(DominoAnswer).from_select(
            ["item_id", "entry_id"],
            select(DominoItem.id, literal(answer.id)).where(*clauses, ~kept.exists()),
        )
    )
    result = await session.execute(
        update(DominoItem)
        .where(*clauses, or_(DominoItem.closed_at.is_(None), wider))
        .values(closed_at=utcnow(), closed_by_entry_id=answer.id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def remove_for_cause(session: AsyncSession, cause_id: int, keep: Collection[str] = ()) -> int:
    """A retracted cause: its domino items go, answered ones too (a report answers an
    item only for the rooms that may see it, so a kept item would show again where its
    answer is not seen).

    `keep`: the dependent sectors the cause still causes after an edit; the items of
    every other sector go (an edit below severe keeps none)."""
    clauses = [DominoItem.cause_entry_id == cause_id]
    if keep:
        clauses.append(DominoItem.sector.not_in(list(keep)))
    await session.execute(
        delete(DominoAnswer).where(DominoAnswer.item_id.in_(select(DominoItem.id).where(*clauses)))
    )
    result = await session.execute(delete(DominoItem).where(*clauses))
    return int(getattr(result, "rowcount", 0) or 0)


async def reopen_answered_by(session: AsyncSession, entry_id: int) -> int:
    """A retracted report no longer answers the items it answered; an item another
    answer still answers stays answered (its widest remaining answer kept as
    `closed_by_entry_id`), the others are open again. Returns how many reopened."""
    await session.execute(delete(DominoAnswer).where(DominoAnswer.entry_id == entry_id))
    remaining = (
        select(DominoAnswer.entry_id)
        .join(SituationEntry, SituationEntry.id == DominoAnswer.entry_id)
        .where(DominoAnswer.item_id == DominoItem.id, SituationEntry.retracted_at.is_(None))
        .order_by(SituationEntry.tlp_rank, DominoAnswer.entry_id)
        .limit(1)
        .scalar_subquery()
    )
    await session.execute(
        update(DominoItem)
        .where(DominoItem.closed_by_entry_id == entry_id)
        .values(closed_by_entry_id=remaining)
    )
    result = await session.execute(
        update(DominoItem)
        .where(DominoItem.closed_at.is_not(None), DominoItem.closed_by_entry_id.is_(None))
        .values(closed_at=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class OpenDomino:
    """An open domino item as a room may see it: the cause's code, label and time; or,
    where the room may only hear of the cause (`full` False: `tlp.may_hear_of`), no code
    (''), the label GREEN (what it shows: the cause's sector and region, as the redacted
    domino alert), and a time that is not to be shown."""

    sector: str
    cause_sector: str
    cause_code: str
    cause_tlp: str
    cause_region: str | None
    cause_observed_at: datetime
    reason: str
    onset: str | None
    full: bool = True

    @property
    def key(self) -> str:
        """What the picture shows of it, for its digest and audit: never a hidden id."""
        cause = self.cause_code or f"{self.cause_sector}@{self.cause_region or '-'}"
        return f"{cause}:{self.sector}"


async def open_visible(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> list[OpenDomino]:
    """Domino items of an incident whose cause this room may see or hear of (current
    label, not retracted: `tlp.may_hear_of`; redacted then, see `OpenDomino`) and that
    no report this room may see has answered (`_answered`). A GREEN coordinator room
    hears of an AMBER cause as the GREEN partner room its alert went to does: the
    coordinators are not told less than the partners."""
    rows = await session.execute(
        select(DominoItem, SituationEntry)
        .join(SituationEntry, SituationEntry.id == DominoItem.cause_entry_id)
        .where(
            DominoItem.incident == incident,
            SituationEntry.incident == incident,
            SituationEntry.retracted_at.is_(None),
            tlp.heard_clause(
                access,
                SituationEntry.tlp_rank,
                SituationEntry.room_id,
                SituationEntry.organisation,
            ),
            or_(DominoItem.closed_at.is_(None), ~_answered(access)),
        )
        .order_by(DominoItem.id)
    )
    return [_open_item(access, item, entry) for item, entry in rows.all()]


def _open_item(access: tlp.RoomAccess, item: DominoItem, entry: SituationEntry) -> OpenDomino:
    full = tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation)
    return OpenDomino(
        sector=item.sector,
        cause_sector=item.cause_sector,
        cause_code=entry.code if full else "",
        cause_tlp=entry.tlp if full else "GREEN",
        cause_region=entry.region,
        cause_observed_at=entry.observed_at,
        reason=item.reason,
        onset=item.onset,
        full=full,
    )


def _answered(access: tlp.RoomAccess) -> ColumnElement[bool]:
    """Whether a domino item (joined with its cause) is answered as this room sees it:
    one of its stored answers is a live report, still of the item's sector and incident,
    about the cause's safety region (or one of them names none), that this room may
    see. A report the room may not see (RED in its own room, another organisation's
    AMBER+STRICT) does not exist for it, so it must not take the item out of its
    picture; nor does a report about another region. An EXISTS is never NULL: an answer
    edited to no sector or incident does not drop the item from every picture."""
    cause = SituationEntry
    answer = aliased(SituationEntry)
    return (
        select(DominoAnswer.entry_id)
        .join(answer, answer.id == DominoAnswer.entry_id)
        .where(DominoAnswer.item_id == DominoItem.id, _answer_holds(access, answer, cause))
        .exists()
    )


def _answer_holds(access: tlp.RoomAccess, answer: Any, cause: Any) -> ColumnElement[bool]:
    return and_(
        answer.retracted_at.is_(None),
        # Through coalesce: no index on the report's incident may drive the look-up (SQLite
        # walked an incident's reports, probing each one's answers: 4x slower at 2,000),
        # only the item's own answers by key. NULL (no incident) answers nothing, as before.
        func.coalesce(answer.incident, "") == DominoItem.incident,
        answer.sector == DominoItem.sector,
        or_(cause.region.is_(None), answer.region.is_(None), answer.region == cause.region),
        tlp.visible_clause(
            access, answer.tlp_rank, answer.room_id, func.coalesce(answer.organisation, "")
        ),
    )


# ------------------------------------------------------------------ alerts and causes


async def visible_ids(
    session: AsyncSession, access: tlp.RoomAccess, entry_ids: Collection[int]
) -> set[int]:
    """The ids among `entry_ids` of entries this room may see (for cause links)."""
    if not entry_ids:
        return set()
    rows = await session.scalars(
        select(SituationEntry.id).where(
            SituationEntry.id.in_(list(entry_ids)),
            _entry_visible(access),
        )
    )
    return set(rows.all())


async def highest_label(session: AsyncSession, entry_ids: Collection[int]) -> str:
    """The highest label among the entries `entry_ids` (CLEAR for none): a reply that
    names them by id shows them at that label."""
    if not entry_ids:
        return "CLEAR"
    rank = await session.scalar(
        select(func.max(SituationEntry.tlp_rank)).where(SituationEntry.id.in_(list(entry_ids)))
    )
    return tlp.LABELS[int(rank)] if rank is not None else "CLEAR"


def _entry_visible(access: tlp.RoomAccess) -> ColumnElement[bool]:
    """The one TLP rule (`tlp.visible_clause`) over situation entries."""
    return tlp.visible_clause(
        access, SituationEntry.tlp_rank, SituationEntry.room_id, SituationEntry.organisation
    )


async def consequences(
    session: AsyncSession, access: tlp.RoomAccess, cause_ids: Collection[int]
) -> dict[int, list[str]]:
    """Cause id -> the codes of live entries naming it as cause that this room may see."""
    if not cause_ids:
        return {}
    rows = await session.execute(
        select(SituationEntry.cause_id, SituationEntry.id)
        .where(
            SituationEntry.cause_id.in_(list(cause_ids)),
            SituationEntry.retracted_at.is_(None),
            _entry_visible(access),
        )
        .order_by(SituationEntry.id)
    )
    out: dict[int, list[str]] = {}
    for cause_id, entry_id in rows.all():
        if cause_id is not None:
            out.setdefault(int(cause_id), []).append(f"M-{entry_id}")
    return out


@dataclass(frozen=True)
class SevereSector:
    sector: str
    region: str | None


async def severe_sectors(
    session: AsyncSession, access: tlp.RoomAccess, incident: str
) -> list[SevereSector]:
    """Sectors with a live severe or extreme report (not resolved) this room may see."""
    rows = await session.execute(
        select(SituationEntry.sector, SituationEntry.region)
        .where(
            SituationEntry.incident == incident,
            SituationEntry.retracted_at.is_(None),
            SituationEntry.severity.in_(SEVERE),
            SituationEntry.status != "resolved",
            SituationEntry.sector.is_not(None),
            _entry_visible(access),
        )
        .distinct()
    )
    return [SevereSector(str(sector), region) for sector, region in rows.all()]


async def last_reports(
    session: AsyncSession, access: tlp.RoomAccess, incident: str, organisations: Collection[str]
) -> dict[str, datetime]:
    """Organisation -> when it last reported in the incident (reports this room may see)."""
    if not organisations:
        return {}
    rows = await session.execute(
        select(SituationEntry.organisation, func.max(SituationEntry.recorded_at))
        .where(
            SituationEntry.incident == incident,
            SituationEntry.organisation.in_(list(organisations)),
            SituationEntry.retracted_at.is_(None),
            _entry_visible(access),
        )
        .group_by(SituationEntry.organisation)
    )
    out: dict[str, datetime] = {}
    for organisation, at in rows.all():
        if organisation is not None and at is not None:
            # max() over a UtcDateTime column comes back untyped (naive text) on SQLite.
            moment = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
            out[str(organisation)] = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return out


def visible_contacts(access: tlp.RoomAccess, organisation: Organisation) -> list[dict[str, Any]]:
    """The organisation's contact lines this room may see (the one TLP rule)."""
    return [
        contact
        for contact in organisation.contacts or []
        if tlp.may_see(access, str(contact.get("tlp", "AMBER")), "", organisation.name)
    ]
