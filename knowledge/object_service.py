"""Objects in and out: check, import (replacing per owner), export, and the matcher cache."""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.file_import import import_all_or_nothing
from knowledge.objects import (
    FileResult,
    ObjectMatcher,
    SiteObject,
    object_files,
    read_file,
    write_yaml,
)
from knowledge.problems import FileProblem
from storage import objects as store
from storage import organisations, tlp
from storage.engine import Database
from storage.regions import RegionTable


def check(path: Path) -> list[FileResult]:
    return [read_file(p) for p in object_files(path)]


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    owners: list[store.ReplaceCounts] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.ok for f in self.files)


def placed(item: SiteObject, regions: RegionTable) -> SiteObject:
    """The table's spelling of the municipality and, unless the file gives one, its region."""
    municipality = regions.canonical_municipality(item.municipality)
    region = item.region or regions.region_of(municipality)
    return item.model_copy(update={"municipality": municipality, "region": region})


def to_row(item: SiteObject) -> store.NewObject:
    return store.NewObject(
        id=item.id,
        owner=item.owner,
        name=item.name,
        kind=item.kind,
        municipality=item.municipality,
        region=item.region,
        tlp=item.tlp,
        data=item.model_dump(mode="json"),
    )


async def import_files(
    session: AsyncSession, results: list[FileResult], actor: str, regions: RegionTable
) -> ImportReport:
    """All or nothing: one invalid file and nothing is imported (a partner's objects are
    replaced wholesale, so half a partner would delete the other half)."""
    report = ImportReport(files=results)
    if not results:
        report.problems.append(FileProblem.of("content.no_object_files"))
    if not report.ok:
        return report
    by_owner: dict[str, list[SiteObject]] = defaultdict(list)
    ceilings: dict[str, str] = {}
    seen: dict[str, str] = {}
    names = await _owner_names(session, {i.owner for r in results for i in r.items})
    for result in results:
        for item in result.items:
            item = item.model_copy(update={"owner": names[item.owner]})
            _lower_ceiling(ceilings, item.owner, result.max_tlp)
            if item.id in seen:
                report.problems.append(
                    FileProblem.of(
                        "content.id_also_in", path=result.path, id=item.id, other=seen[item.id]
                    )
                )
            seen[item.id] = str(result.path)
            by_owner[item.owner].append(placed(item, regions))
    if report.problems:
        return report
    for owner in sorted(by_owner):
        counts = await store.replace_owner(
            session, owner, [to_row(i) for i in by_owner[owner]], actor, ceilings.get(owner)
        )
        if counts.conflicts:
            shown = ", ".join(counts.conflicts[:5])
            report.problems.append(
                FileProblem.of("content.ids_of_other_owner", owner=owner, ids=shown)
            )
        report.owners.append(counts)
    return report


async def _owner_names(session: AsyncSession, owners: set[str]) -> dict[str, str]:
    """Each owner as its organisation is named (`organisations.ensure`: one organisation
    whatever its case or Unicode form). AMBER+STRICT stays within the owner's
    organisation by name (`tlp.may_see`): a file's `owner: ghor fryslân` must be the
    organisation whose rooms are bound as "GHOR Fryslân", or its own rooms may not see
    its objects."""
    return {owner: (await organisations.ensure(session, owner)).name for owner in sorted(owners)}


def _lower_ceiling(ceilings: dict[str, str], owner: str, ceiling: str | None) -> None:
    """An owner's objects in several files exported under different ceilings: the
    lowest one counts (what no file may have held is kept; nothing is lost)."""
    if ceiling is not None and (
        owner not in ceilings or tlp.RANK[ceiling] < tlp.RANK[ceilings[owner]]
    ):
        ceilings[owner] = ceiling


async def import_path(
    db: Database, path: Path, actor: str, regions: RegionTable | None = None
) -> ImportReport:
    return await import_all_or_nothing(db, path, actor, regions, check, import_files)


def _slug(owner: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", owner.lower()).strip("-") or "objecten"


@dataclass(frozen=True)
class Exported:
    """What `export_to` wrote (owner -> objects) and left out (label -> objects)."""

    written: dict[str, int]
    left_out: dict[str, int]


async def export_to(db: Database, target: Path, ceiling: str = "GREEN") -> Exported:
    """One YAML file per owner, readable by `import` again, holding only objects up to
    `ceiling` (files travel: a git repository, a mail). Under a ceiling below RED each
    file says `max_tlp:`, so its import keeps the owner's objects above it instead of
    deleting them; every file says it, so the files do not tell which owners hold more."""
    async with db.session() as session:
        rows = await store.all_objects(session)
    per_owner: dict[str, list[SiteObject]] = defaultdict(list)
    left_out: dict[str, int] = defaultdict(int)
    for row in rows:
        if not tlp.within_ceiling(row.tlp, ceiling):
            left_out[row.tlp] += 1
        else:
            per_owner[row.owner].append(SiteObject.model_validate(row.data))
    marker = None if ceiling == tlp.LABELS[-1] else ceiling

    def write() -> None:
        target.mkdir(parents=True, exist_ok=True)
        for owner, items in per_owner.items():
            write_yaml(items, target / f"{_slug(owner)}.yaml", marker)

    await asyncio.to_thread(write)
    return Exported({owner: len(items) for owner, items in per_owner.items()}, dict(left_out))


class MatcherCache:
    """The matcher for the current store version; rebuilt after an import.

    `max_age`: how long the version last read may be trusted without reading it again
    (the report path passes a few seconds: one kv read fewer per report). An import by
    this process is seen at once; one by another process (the CLI) within `max_age`.
    The matcher only names candidates: their rows are always read from the database."""

    def __init__(self) -> None:
        self._version: str | None = None
        self._matcher = ObjectMatcher([])
        self._lock = asyncio.Lock()
        # When the version was last read, for which database, after how many local imports.
        self._checked: tuple[float, URL, int] | None = None

    def _fresh(self, database: URL, max_age: float) -> bool:
        if self._checked is None or max_age <= 0:
            return False
        at, checked_for, bumps = self._checked
        return (
            checked_for == database
            and bumps == store.local_bumps()
            and time.monotonic() - at < max_age
        )

    async def matcher(self, session: AsyncSession, max_age: float = 0.0) -> ObjectMatcher:
        database = session.get_bind().engine.url
        if self._fresh(database, max_age):
            return self._matcher
        bumps = store.local_bumps()
        version = await store.store_version(session)
        if version != self._version:
            async with self._lock:
                if version != self._version:
                    names = await store.names(session)
                    self._matcher = await asyncio.to_thread(ObjectMatcher, names)
                    self._version = version
        self._checked = (time.monotonic(), database, bumps)
        return self._matcher
