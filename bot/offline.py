"""Command-line work on the database that needs no homeserver: export, config bindings."""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import ConfigError, RoomBindingConfig, Settings
from commands.export import FORMATS, render_export
from storage import audit, organisations, tlp
from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage import records as record_repo
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import utcnow
from storage.vocabulary import ROLES, lookup

# The operator holds the database anyway, but an export is a file that travels: it
# holds entries up to an explicit ceiling (`--max-tlp`, default AMBER), says what it
# left out, and the audit log records who exported what.
DEFAULT_MAX_TLP = "AMBER"


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    count: int
    label: str  # the highest label in the file: its banner
    ceiling: str
    left_out: dict[str, int]  # label above the ceiling -> entries not written


def parse_ceiling(text: str) -> str:
    label = tlp.parse_label(text)
    if label is None:
        raise ConfigError(f"--max-tlp must be one of {', '.join(tlp.LABELS)} (not {text!r})")
    return label


async def build_export(
    settings: Settings, incident: str, fmt: str, max_tlp: str = DEFAULT_MAX_TLP
) -> ExportResult:
    if fmt not in FORMATS:
        raise ConfigError(f"--format must be one of {', '.join(FORMATS)}")
    ceiling = parse_ceiling(max_tlp)
    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        async with db.transaction() as session:
            if await incident_repo.get(session, incident) is None:
                raise ConfigError(f"unknown incident {incident!r}")
            wanted = entry_repo.EntryFilter(incident=incident)
            rows = await entry_repo.all_visible(
                session, tlp.RoomAccess.for_operator(ceiling), wanted
            )
            counts = await entry_repo.count_by_label(
                session, tlp.RoomAccess.for_operator("RED"), wanted
            )
            left_out = {
                label: n for label, n in counts.items() if tlp.RANK[label] > tlp.RANK[ceiling]
            }
            figures = await entry_repo.figures_of(session, [row.id for row in rows])
            # Assessments, decisions and actions under the same ceiling.
            record = await record_repo.for_export(
                session, tlp.RoomAccess.for_operator(ceiling), incident
            )
            label = tlp.highest([*(row.tlp for row in rows), *(item.tlp for item in record)])
            meta: dict[str, object] = {
                "incident": incident,
                "exported_at": utcnow().isoformat(),
                "max_tlp": ceiling,
                "left_out": left_out,
            }
            data = render_export(fmt, rows, figures, meta, record)
            await audit.add(
                session,
                f"cli:{getpass.getuser()}",
                "entries.exported",
                None,
                subject=incident,
                detail={
                    "format": fmt,
                    "count": len(rows),
                    "entries": [row.code for row in rows],
                    "max_tlp": ceiling,
                    "left_out": left_out,
                },
            )
    finally:
        await db.close()
    return ExportResult(data, len(rows), label, ceiling, left_out)


def export_notes(result: ExportResult, incident: str, out: Path | None) -> list[str]:
    """What the operator is told on stderr: what was written, and what was left out and why."""
    where = str(out) if out is not None else "standard output"
    notes = [f"{result.count} entries of {incident} written to {where} (banner TLP:{result.label})"]
    if result.left_out:
        total = sum(result.left_out.values())
        labels = ", ".join(
            f"{n} {label}"
            for label, n in sorted(result.left_out.items(), key=lambda i: tlp.RANK[i[0]])
        )
        highest = tlp.highest(list(result.left_out))
        notes.append(
            f"warning: {total} entries left out because their label is above "
            f"--max-tlp {result.ceiling}: {labels}; use --max-tlp {highest} to include them"
        )
    return notes


def write_export(result: ExportResult, incident: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(result.data)
    for note in export_notes(result, incident, out):
        print(f"knooppunt export: {note}", file=sys.stderr)


async def apply_config_bindings(
    db: Database, bindings: list[RoomBindingConfig], resolved: dict[str, str]
) -> int:
    """Bind the rooms listed under `rooms:` in the config file (aliases already resolved)."""
    applied = 0
    async with db.transaction() as session:
        for item in bindings:
            room_id = resolved.get(item.room, item.room)
            if not room_id.startswith("!"):
                continue
            role = lookup(ROLES, item.role) or item.role
            if item.incident and await incident_repo.get(session, item.incident) is None:
                await incident_repo.open_incident(
                    session, item.incident.lower(), item.incident, "config"
                )
            organisation = (
                (await organisations.ensure(session, item.org)).name if item.org else None
            )
            await room_repo.bind(
                session,
                RoomId(room_id),
                role=role,
                incident=item.incident.lower() if item.incident else None,
                organisation=organisation,
                tlp_default=item.tlp,
                clearance=item.clearance,
                by="config",
            )
            applied += 1
    return applied


async def audit_lines(settings: Settings, incident: str) -> list[str]:
    """Who recorded, changed, retracted, exported or received what, oldest first."""
    from sqlalchemy import or_, select

    from storage.models import AuditRecord, EntryRevision, SituationEntry

    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        async with db.session() as session:
            if await incident_repo.get(session, incident) is None:
                raise ConfigError(f"unknown incident {incident!r}")
            entries = (
                await session.scalars(
                    select(SituationEntry).where(SituationEntry.incident == incident)
                )
            ).all()
            codes = {e.code for e in entries}
            events: list[tuple[str, str]] = []
            for entry in entries:
                # A report's recording is the entry row itself (no separate audit row).
                events.append(
                    (
                        entry.recorded_at.isoformat(),
                        f"{entry.reporter} recorded {entry.code} in {entry.room_id} (TLP:{entry.tlp})",
                    )
                )
            revisions = (
                await session.scalars(
                    select(EntryRevision).where(
                        EntryRevision.entry_id.in_([e.id for e in entries]),
                        EntryRevision.revision > 1,
                    )
                )
            ).all()
            for revision in revisions:
                events.append(
                    (
                        revision.created_at.isoformat(),
                        f"{revision.created_by} made revision {revision.revision} of M-{revision.entry_id}",
                    )
                )
            records = (
                await session.scalars(
                    select(AuditRecord).where(
                        or_(AuditRecord.subject == incident, AuditRecord.subject.in_(codes))
                    )
                )
            ).all()
            for record in records:
                if record.action == "entry.edited":
                    continue  # already listed from the revision history
                detail = " ".join(f"{k}={v}" for k, v in sorted(record.detail.items()))
                where = f" in {record.room_id}" if record.room_id else ""
                events.append(
                    (
                        record.at.isoformat(),
                        f"{record.actor} {record.action} {record.subject or ''}{where} {detail}".rstrip(),
                    )
                )
    finally:
        await db.close()
    return [f"{at}  {text}" for at, text in sorted(events)]
