"""Command-line work on the database that needs no homeserver: export, audit trail."""

from __future__ import annotations

import getpass
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import terminal_safe, with_database
from bot.config import ConfigError, Settings
from commands.export import FORMATS, closed_at, render_export
from storage import audit, tlp
from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage import records as record_repo
from storage.engine import Database
from storage.exercise import MARKER
from storage.models import utcnow

if TYPE_CHECKING:
    from commands.texts import Language

# The operator holds the database anyway, but an export is a file that travels: it
# holds entries up to an explicit ceiling (`--max-tlp`, default AMBER), says what it
# left out, and the audit log records who exported what.
DEFAULT_MAX_TLP = "AMBER"
# The subcommand's name before each note on stderr, as Unix tools do (not a sentence).
NOTE_PREFIX = "knooppunt export:"


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    count: int
    label: str  # the highest label in the file: its banner
    ceiling: str
    left_out: dict[str, int]  # label above the ceiling -> entries not written
    exercise: bool = False  # an exercise's file: OEFENING inside and in its name


def parse_ceiling(text: str) -> str:
    label = tlp.parse_label(text)
    if label is None:
        raise ConfigError(
            "cli.bad_choice", option="--max-tlp", given=text, known=", ".join(tlp.LABELS)
        )
    return label


async def build_export(
    settings: Settings, incident: str, fmt: str, max_tlp: str = DEFAULT_MAX_TLP
) -> ExportResult:
    if fmt not in FORMATS:
        raise ConfigError("cli.bad_choice", option="--format", given=fmt, known=", ".join(FORMATS))
    ceiling = parse_ceiling(max_tlp)
    db = Database(settings.effective_database_url)
    try:
        await db.migrate()
        async with db.transaction() as session:
            found = await incident_repo.get(session, incident)
            if found is None:
                raise ConfigError("cli.unknown_incident", incident=incident)
            # The stored slug: `--incident Storm` wrote an empty file ("0 entries written").
            incident = found.slug
            is_exercise = found.exercise
            wanted = entry_repo.EntryFilter(incident=incident)
            rows = await entry_repo.all_visible(
                session, tlp.RoomAccess.for_operator(ceiling), wanted
            )
            counts = await entry_repo.count_by_label(
                session, tlp.RoomAccess.for_operator("RED"), wanted
            )
            left_out = {
                label: n for label, n in counts.items() if not tlp.within_ceiling(label, ceiling)
            }
            figures = await entry_repo.figures_of(session, [row.id for row in rows])
            # Assessments, decisions and actions under the same ceiling.
            record = await record_repo.for_export(
                session, tlp.RoomAccess.for_operator(ceiling), incident
            )
            label = tlp.highest([*(row.tlp for row in rows), *(item.tlp for item in record)])
            # The file names its ceiling, never what lies above it (the counts per label
            # are the operator's, on stderr): a GREEN file sent to a municipality must
            # not tell it that the incident holds two RED reports.
            meta: dict[str, object] = {
                "incident": incident,
                "exported_at": utcnow().isoformat(),
                "max_tlp": ceiling,
                "closed_at": closed_at(found),
                **({"exercise": True} if is_exercise else {}),
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
    return ExportResult(data, len(rows), label, ceiling, left_out, is_exercise)


def export_notes(
    result: ExportResult, incident: str, out: Path | None, lang: Language
) -> list[str]:
    """What the operator is told on stderr: what was written, and what was left out and why."""
    from commands.i18n import t

    where = str(out) if out is not None else t(lang, "export.note_stdout")
    kind = t(lang, "export.note_exercise", marker=MARKER) if result.exercise else ""
    notes = [
        t(
            lang,
            "export.note_written",
            kind=kind,
            count=result.count,
            incident=incident,
            where=where,
            label=result.label,
        )
    ]
    if result.left_out:
        labels = ", ".join(
            f"{n} {label}"
            for label, n in sorted(result.left_out.items(), key=lambda i: tlp.RANK[i[0]])
        )
        notes.append(
            t(
                lang,
                "export.note_left_out",
                total=sum(result.left_out.values()),
                ceiling=result.ceiling,
                labels=labels,
                highest=tlp.highest(list(result.left_out)),
            )
        )
    return notes


def export_path(result: ExportResult, out: Path | None) -> Path | None:
    """Where the file goes: an exercise's file name starts with OEFENING-, like `!export`'s."""
    if out is None or not result.exercise or out.name.startswith(MARKER):
        return out
    return out.with_name(f"{MARKER}-{out.name}")


def write_export(result: ExportResult, incident: str, out: Path | None, lang: Language) -> None:
    out = export_path(result, out)
    if out is None:
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
    else:
        out.write_bytes(result.data)
    for note in export_notes(result, incident, out, lang):
        print(f"{NOTE_PREFIX} {note}", file=sys.stderr)


async def audit_lines(settings: Settings, incident: str) -> list[str]:
    """Who recorded, changed, retracted, exported or received what, oldest first:
    `<ISO time>  <who> <what>`, in the configured language."""
    from commands.i18n import t

    async def history(db: Database) -> list[audit.Event]:
        async with db.session() as session:
            found = await incident_repo.get(session, incident)
            if found is None:
                raise ConfigError("cli.unknown_incident", incident=incident)
            # By the stored slug: `--incident Storm` printed an empty history.
            return await audit.incident_history(session, found.slug)

    events = await with_database(settings, history)
    said = (t(settings.language, e.key, **e.values).rstrip() for e in events)
    # One event per line, none able to move the cursor: see `terminal_safe`.
    return sorted(
        terminal_safe(f"{event.at}  {text}") for event, text in zip(events, said, strict=True)
    )
