"""Dependency maps and partner files in and out of the database.

`import_path` checks every file first; one invalid file (or a safety region nobody
knows) and nothing is imported. A map replaces the lines of the map with the same id;
a partners file replaces the network details of each organisation it lists (other
organisations and their room bindings are left alone).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.file_import import import_all_or_nothing
from knowledge.network import (
    Contact,
    Dependency,
    DependencyMap,
    FileResult,
    Partner,
    check,
    map_yaml,
    partners_yaml,
)
from knowledge.problems import FileProblem
from storage import network as store
from storage import organisations, tlp
from storage.engine import Database
from storage.models import Organisation
from storage.regions import RegionTable


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    maps: list[tuple[str, int, int]] = field(default_factory=list)  # id, before, after
    partners: int = 0
    # Organisation, contact lines above its file's ceiling kept, that ceiling.
    kept: list[tuple[str, int, str]] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(f.ok for f in self.files)


def _place(result: FileResult, regions: RegionTable) -> None:
    """Safety regions and municipalities in the table's spelling; unknown regions are
    problems (a line scoped to a misspelt region would silently never apply)."""

    def region(name: str, where: str) -> str:
        found = regions.canonical_region(name)
        if found is None:
            result.problems.append(
                FileProblem.of("content.unknown_region", where=where, name=repr(name))
            )
            return name
        return found

    if result.map is not None:
        lines: list[Dependency] = []
        for number, line in enumerate(result.map.dependencies):
            if line.region:
                line = line.model_copy(
                    update={"region": region(line.region, f"dependencies.{number}.region")}
                )
            lines.append(line)
        update: dict[str, object] = {"dependencies": lines}
        if result.map.region:
            update["region"] = region(result.map.region, "region")
        result.map = result.map.model_copy(update=update)
    placed: list[Partner] = []
    for number, partner in enumerate(result.partners):
        contacts = [
            c.model_copy(
                update={
                    "municipalities": [regions.canonical_municipality(m) for m in c.municipalities]
                }
            )
            for c in partner.contacts
        ]
        placed.append(
            partner.model_copy(
                update={
                    "regions": [
                        region(r, f"organisations.{number}.regions") for r in partner.regions
                    ],
                    "municipalities": [
                        regions.canonical_municipality(m) for m in partner.municipalities
                    ],
                    "contacts": contacts,
                }
            )
        )
    result.partners = placed


async def import_files(
    session: AsyncSession, results: list[FileResult], actor: str, regions: RegionTable
) -> ImportReport:
    report = ImportReport(files=results)
    if not results:
        report.problems.append(FileProblem.of("content.no_network_files"))
    for result in results:
        if result.ok:
            _place(result, regions)
    if not report.ok:
        return report
    seen_maps: dict[str, Path] = {}
    for result in results:
        if result.map is not None:
            if result.map.id in seen_maps:
                report.problems.append(
                    FileProblem.of(
                        "content.map_id_also_in",
                        path=result.path,
                        id=result.map.id,
                        other=seen_maps[result.map.id],
                    )
                )
            seen_maps[result.map.id] = result.path
    if report.problems:
        return report
    for result in results:
        if result.map is not None:
            lines = [
                store.NewDependency(d.sector, d.dependent, d.reason, d.onset, d.region)
                for d in result.map.lines()
            ]
            before, after = await store.replace_map(session, result.map.id, lines, actor)
            report.maps.append((result.map.id, before, after))
        for partner in result.partners:
            data = partner.model_dump(mode="json", exclude={"max_tlp"})
            found = await store.upsert_partner(session, data, partner.max_tlp)
            report.partners += 1
            kept = len(found.contacts or []) - len(partner.contacts)
            if kept and partner.max_tlp is not None:
                report.kept.append((found.name, kept, partner.max_tlp))
    return report


async def import_path(
    db: Database, path: Path, actor: str, regions: RegionTable | None = None
) -> ImportReport:
    return await import_all_or_nothing(db, path, actor, regions, check, import_files)


@dataclass(frozen=True)
class Exported:
    """What `export_to` wrote (map id -> lines; organisations) and left out (label ->
    contact lines)."""

    maps: dict[str, int]
    partners: int
    left_out: dict[str, int]


async def export_to(db: Database, target: Path, ceiling: str = "GREEN") -> Exported:
    """One YAML file per map (`afhankelijkheden-<id>.yaml`) and `partners.yaml` with every
    organisation that has network details; readable by `import` again.

    Contact lines above `ceiling` are left out (the files travel). Under a ceiling below
    RED every organisation says `max_tlp:`, so an import keeps its lines above it rather
    than replacing them with the fewer the file holds; every one says it, so the file
    does not tell which organisations have more."""
    async with db.session() as session:
        lines = await store.all_dependencies(session)
        orgs = await organisations.all_organisations(session)
    maps: dict[str, list[Dependency]] = {}
    for line in lines:
        maps.setdefault(line.map_id, []).append(
            Dependency(
                sector=line.sector,
                dependent=line.dependent,
                reason=line.reason,
                onset=line.onset,
                region=line.region,
            )
        )
    marker = None if ceiling == tlp.LABELS[-1] else ceiling
    left_out: dict[str, int] = {}
    partners: list[Partner] = []
    for o in orgs:
        shown: list[Contact] = []
        for contact in (Contact.model_validate(c) for c in o.contacts or []):
            if tlp.within_ceiling(contact.tlp, ceiling):
                shown.append(contact)
            else:
                left_out[contact.tlp] = left_out.get(contact.tlp, 0) + 1
        if o.sectors or o.roles or shown:
            partners.append(_partner(o, shown, marker))

    def write() -> None:
        target.mkdir(parents=True, exist_ok=True)
        for map_id, deps in maps.items():
            text = map_yaml(DependencyMap(id=map_id, dependencies=deps))
            (target / f"afhankelijkheden-{map_id}.yaml").write_text(text, encoding="utf-8")
        if partners:
            (target / "partners.yaml").write_text(partners_yaml(partners), encoding="utf-8")

    await asyncio.to_thread(write)
    return Exported({k: len(v) for k, v in maps.items()}, len(partners), left_out)


def _partner(o: Organisation, contacts: list[Contact], ceiling: str | None) -> Partner:
    return Partner(
        name=o.name,
        kind=o.kind,
        sectors=list(o.sectors or []),
        regions=list(o.regions or []),
        municipalities=list(o.municipalities or []),
        roles=dict(o.roles or {}),
        contacts=contacts,
        max_tlp=ceiling,
    )
