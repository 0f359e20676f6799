"""Objects in the database: replaced per owner on import, read under the TLP rule.

An import replaces an owner's objects wholesale (the owner's file is the truth: an
object left out of it is gone) and never touches another owner's. Every read path
that lists or shows objects goes through `tlp.visible_clause`; objects are not posted
in any room, so the clause sees them with an empty room (`NO_ROOM`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit, sync_state, tlp
from storage.models import EntryObjectLink, SiteObjectRow, utcnow
from storage.organisations import name_key
from storage.vocabulary import fold

STORE_VERSION = "objects.store_version"
# Objects belong to no room: the room part of the TLP rule never applies to them.
NO_ROOM = ""
_CHUNK = 1000


@dataclass(frozen=True)
class NewObject:
    id: str
    owner: str
    name: str
    kind: str
    municipality: str
    region: str | None
    tlp: str
    data: dict[str, Any]


@dataclass
class ReplaceCounts:
    owner: str
    before: int = 0
    after: int = 0
    conflicts: list[str] | None = None
    # Objects above the file's ceiling (`kept_above`) that it did not hold, and were kept.
    kept: int = 0
    kept_above: str | None = None


def municipality_key(name: str) -> str:
    return " ".join(fold(name).split())


def visible(access: tlp.RoomAccess) -> Any:
    return tlp.visible_clause(access, SiteObjectRow.tlp_rank, literal(NO_ROOM), SiteObjectRow.owner)


def may_see(access: tlp.RoomAccess, row: SiteObjectRow) -> bool:
    return tlp.may_see(access, row.tlp, NO_ROOM, row.owner)


async def store_version(session: AsyncSession) -> str:
    """A token that changes with every import: a random one, so two databases (a test's,
    a bench's) never share a token and a process never serves one's matcher for another."""
    return await sync_state.get_value(session, STORE_VERSION) or ""


# Imports this process has made (into any database): a matcher cache that trusts its
# version for a while (knowledge/object_service.py) reads it again after one at once.
_local_bumps = 0


def local_bumps() -> int:
    return _local_bumps


async def _bump(session: AsyncSession) -> None:
    global _local_bumps
    _local_bumps += 1
    await sync_state.set_value(session, STORE_VERSION, uuid.uuid4().hex)


async def spellings(session: AsyncSession, owner: str) -> list[str]:
    """The owner names stored that are `owner`'s organisation (`organisations.name_key`:
    case and Unicode form aside): objects imported under another spelling before are
    still this owner's, to replace, not another owner's. A few dozen owners: compared in
    Python, the same on SQLite and PostgreSQL."""
    key = name_key(owner)
    stored = await session.scalars(select(SiteObjectRow.owner).distinct())
    return sorted({owner, *(name for name in stored if name_key(name) == key)})


async def foreign_ids(session: AsyncSession, owner: str, ids: Sequence[str]) -> list[str]:
    """Ids in `ids` that another owner already holds: an import must not take them."""
    taken: list[str] = []
    mine = await spellings(session, owner)
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = await session.execute(
            select(SiteObjectRow.id).where(
                SiteObjectRow.id.in_(chunk), SiteObjectRow.owner.not_in(mine)
            )
        )
        taken += [row[0] for row in rows]
    return sorted(taken)


async def replace_owner(
    session: AsyncSession,
    owner: str,
    objects: Sequence[NewObject],
    actor: str,
    keep_above: str | None = None,
) -> ReplaceCounts:
    """The owner's objects become exactly `objects`; nothing of another owner changes.

    `keep_above`: the ceiling the file was exported under (`max_tlp:`). It never held
    the owner's objects labelled above it, so those are kept, unless the file holds
    one of their ids (then the file's version replaces it, as any other).
    Refused (nothing written, `conflicts` set) when an id belongs to another owner.
    """
    counts = ReplaceCounts(owner)
    conflicts = await foreign_ids(session, owner, [o.id for o in objects])
    if conflicts:
        counts.conflicts = conflicts
        return counts
    mine = await spellings(session, owner)
    counts.before = (
        await session.execute(select(func.count()).where(SiteObjectRow.owner.in_(mine)))
    ).scalar_one()
    counts.kept = await _clear_owner(session, (owner, mine), keep_above, {o.id for o in objects})
    counts.kept_above = keep_above
    now = utcnow()
    rows = [
        {
            "id": o.id,
            "owner": owner,
            "name": o.name,
            "kind": o.kind,
            "municipality": o.municipality,
            "municipality_key": municipality_key(o.municipality),
            "region": o.region,
            "tlp": o.tlp,
            "tlp_rank": tlp.RANK[o.tlp],
            "data": o.data,
            "imported_at": now,
            "imported_by": actor,
        }
        for o in objects
    ]
    # One executemany per chunk on the table itself (Core, not the ORM's bulk path, which
    # spends more time comparing every row's keys than the database spends storing it).
    table = SiteObjectRow.metadata.tables[SiteObjectRow.__tablename__]
    for start in range(0, len(rows), _CHUNK):
        await session.execute(insert(table), rows[start : start + _CHUNK])
    counts.after = len(rows) + counts.kept
    await _bump(session)
    await audit.add(
        session,
        actor,
        "objects.replaced",
        subject=owner,
        detail={"before": counts.before, "after": counts.after, "kept": counts.kept},
    )
    return counts


async def _clear_owner(
    session: AsyncSession,
    owner: tuple[str, list[str]],
    ceiling: str | None,
    in_file: set[str],
) -> int:
    """Delete the owner's objects (`owner`: its name and the spellings they are stored
    under) but those labelled above `ceiling` that the file does not hold; how many were
    kept. The kept ones are stored under its name from now on, as the rest."""
    name, spelled = owner
    kept: list[str] = []
    clause = SiteObjectRow.owner.in_(spelled)
    if ceiling is not None and ceiling in tlp.RANK:
        above = await session.scalars(
            select(SiteObjectRow.id).where(clause, SiteObjectRow.tlp_rank > tlp.RANK[ceiling])
        )
        kept = sorted(set(above) - in_file)
    await session.execute(
        delete(SiteObjectRow).where(clause, SiteObjectRow.id.not_in(kept))
        if kept
        else delete(SiteObjectRow).where(clause)
    )
    if kept:
        await session.execute(update(SiteObjectRow).where(clause).values(owner=name))
    return len(kept)


async def all_objects(session: AsyncSession, owner: str | None = None) -> Sequence[SiteObjectRow]:
    query = select(SiteObjectRow).order_by(SiteObjectRow.owner, SiteObjectRow.id)
    if owner is not None:
        query = query.where(SiteObjectRow.owner == owner)
    return (await session.scalars(query)).all()


async def names(session: AsyncSession) -> list[tuple[str, list[str]]]:
    """(id, [name, *aliases]) of every object: what the matcher is built from."""
    rows = await session.execute(select(SiteObjectRow.id, SiteObjectRow.name, SiteObjectRow.data))
    return [(oid, [name, *(data.get("aliases") or [])]) for oid, name, data in rows]


async def by_ids(session: AsyncSession, ids: Sequence[str]) -> list[SiteObjectRow]:
    if not ids:
        return []
    rows = (await session.scalars(select(SiteObjectRow).where(SiteObjectRow.id.in_(ids)))).all()
    order = {oid: i for i, oid in enumerate(ids)}
    return sorted(rows, key=lambda r: order.get(r.id, 0))


async def in_municipality(
    session: AsyncSession, access: tlp.RoomAccess, municipality: str, kind: str | None
) -> tuple[list[SiteObjectRow], dict[str, int]]:
    """Visible objects in a municipality (of a kind), and per owner how many are hidden."""
    where = [SiteObjectRow.municipality_key == municipality_key(municipality)]
    if kind is not None:
        where.append(SiteObjectRow.kind == kind)
    clause = visible(access)
    shown = (
        await session.scalars(
            select(SiteObjectRow).where(*where, clause).order_by(SiteObjectRow.name)
        )
    ).all()
    hidden_rows = await session.execute(
        select(SiteObjectRow.owner, func.count())
        .where(*where, ~clause, SiteObjectRow.tlp != "RED")
        .group_by(SiteObjectRow.owner)
    )
    return list(shown), {owner: count for owner, count in hidden_rows}


async def link(session: AsyncSession, entry_id: int, object_ids: Sequence[str]) -> list[str]:
    """Links a report to objects; a link a person removed is not made again. Returns the
    ids linked now (new or already there)."""
    existing = {
        row.object_id: row
        for row in (
            await session.scalars(
                select(EntryObjectLink).where(EntryObjectLink.entry_id == entry_id)
            )
        ).all()
    }
    linked: list[str] = []
    for object_id in object_ids:
        row = existing.get(object_id)
        if row is None:
            session.add(EntryObjectLink(entry_id=entry_id, object_id=object_id, linked_at=utcnow()))
        elif row.removed_at is not None:
            continue
        linked.append(object_id)
    return linked


async def keep_links(session: AsyncSession, entry_id: int, object_ids: Sequence[str]) -> None:
    """An edited report: drops the links its earlier text made that the new text no longer
    names. Links a person removed are kept as they are (so they are not made again)."""
    await session.execute(
        delete(EntryObjectLink).where(
            EntryObjectLink.entry_id == entry_id,
            EntryObjectLink.removed_at.is_(None),
            EntryObjectLink.object_id.not_in(list(object_ids)),
        )
    )


async def unlink(session: AsyncSession, entry_id: int, object_id: str | None, actor: str) -> int:
    """Marks the report's links (one, or all) as wrong; returns how many were removed."""
    where = [EntryObjectLink.entry_id == entry_id, EntryObjectLink.removed_at.is_(None)]
    if object_id is not None:
        where.append(EntryObjectLink.object_id == object_id)
    result = await session.execute(
        update(EntryObjectLink).where(*where).values(removed_at=utcnow(), removed_by=actor)
    )
    removed = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if removed:
        await audit.add(
            session, actor, "objects.unlinked", subject=str(entry_id), detail={"object": object_id}
        )
    return removed


async def linked_objects(
    session: AsyncSession, entry_ids: Sequence[int]
) -> dict[int, list[SiteObjectRow]]:
    """Current links of these reports, with their objects (TLP is the caller's to apply)."""
    if not entry_ids:
        return {}
    rows = await session.execute(
        select(EntryObjectLink.entry_id, SiteObjectRow)
        .join(SiteObjectRow, SiteObjectRow.id == EntryObjectLink.object_id)
        .where(EntryObjectLink.entry_id.in_(list(entry_ids)), EntryObjectLink.removed_at.is_(None))
        .order_by(EntryObjectLink.entry_id, SiteObjectRow.name)
    )
    found: dict[int, list[SiteObjectRow]] = {}
    for entry_id, row in rows:
        found.setdefault(entry_id, []).append(row)
    return found
