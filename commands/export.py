"""`!export [incident] csv|json|edxl`: a file with the entries this room may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from commands import exercise, render
from commands.common import option, session_of, unknown_options
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Attachment, Outgoing, Reply
from commands.permissions import in_roles
from commands.registry import Command
from storage import entries as entry_repo
from storage import exercise as exercise_store
from storage import export_formats, tlp
from storage import incidents as incident_repo
from storage import records as record_repo
from storage.exercise import MARKER
from storage.models import EntryFigure, Incident, RecordItem, SituationEntry, utcnow
from storage.timezone import AMSTERDAM

# `csv` is for a Dutch spreadsheet; `csv-en` is the international form.
FORMATS = {
    "csv": "text/csv",
    "csv-en": "text/csv",
    "json": "application/json",
    "edxl": "application/xml",
}
EXTENSIONS = {"csv": "csv", "csv-en": "csv", "json": "json", "edxl": "xml"}


def render_export(
    fmt: str,
    rows: list[SituationEntry],
    figures: dict[int, list[EntryFigure]],
    meta: dict[str, object],
    record: Sequence[RecordItem] = (),
) -> bytes:
    """The file; an exercise's (`meta["exercise"]`) starts with OEFENING in every format.
    `record`: the assessments, decisions and actions the reader may see (after the entries)."""
    marker = MARKER if meta.get("exercise") else None
    # A closed incident's file says so (`meta["closed_at"]`, ISO): read later or passed
    # on, it must not look like a running incident's picture.
    when = meta.get("closed_at")
    closed = datetime.fromisoformat(when) if isinstance(when, str) else None
    if fmt == "json":
        return export_formats.to_json(rows, figures, meta, record, marker=marker)
    if fmt == "csv":
        return export_formats.to_csv_nl(rows, figures, record, marker=marker, closed=closed)
    if fmt == "csv-en":
        return export_formats.to_csv(rows, figures, record, marker=marker, closed=closed)
    return export_formats.to_edxl(rows, figures, record, marker=marker, closed=closed)


def closed_at(incident: Incident) -> str | None:
    """`meta["closed_at"]` of an export: when the incident was closed, None while open."""
    if incident.open or incident.closed_at is None:
        return None
    return incident.closed_at.isoformat()


def file_name(incident: str, fmt: str, stamp: datetime, exercise: bool) -> str:
    """`knooppunt-<incident>-<time>.<ext>`, with OEFENING- in front for an exercise."""
    # The Dutch CSV is named in Amsterdam time, like the times inside it.
    named = stamp.astimezone(AMSTERDAM) if fmt == "csv" else stamp
    name = f"knooppunt-{incident}-{named.strftime('%Y%m%d-%H%M')}.{EXTENSIONS[fmt]}"
    return f"{MARKER}-{name}" if exercise else name


def _what(ctx: CommandContext, parsed: ParsedCommand) -> tuple[str | None, str | None]:
    """The incident and the format asked for (None when not given)."""
    # Options were ignored: `incident=stom` exported the room's own incident without a
    # word, and `categorie=zorg` every category. `incident=` names it as `!beeld` reads
    # it; a filter the file does not apply is refused rather than silently dropped.
    extra = unknown_options(parsed, ("incident",))
    if extra:
        raise UserError(
            "export.unknown_option", option=render.shorten(extra[0], 30), prefix=ctx.prefix
        )
    words = [w.lower() for w in parsed.words]
    fmt = next((w for w in words if w in FORMATS), None)
    named = option(parsed, "incident")
    incident_word = named.lower() if named else next((w for w in words if w not in FORMATS), None)
    binding = ctx.room.binding
    return incident_word or (binding.incident if binding else None), fmt


async def export_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    incident, fmt = _what(ctx, parsed)
    if fmt is None or incident is None:
        return [render.plain(t(ctx.lang, "export.usage_export_incident_csv", prefix=ctx.prefix))]
    session = session_of(ctx)
    # A mistyped name gave an empty file ("0 entries"), as if the incident held nothing,
    # and any word went into the file's name; `!beeld` refuses it the same way.
    found = await incident_repo.get(session, incident)
    if found is None:
        raise UserError("picture.unknown_incident", slug=incident)
    await exercise.check_incident(ctx, incident)
    is_exercise = await exercise_store.is_exercise(session, incident)
    access = ctx.room.access
    rows = await entry_repo.all_visible(session, access, entry_repo.EntryFilter(incident=incident))
    figures = await entry_repo.figures_of(session, [row.id for row in rows])
    record = await record_repo.for_export(session, access, incident)
    stamp = utcnow()
    meta: dict[str, object] = {
        "incident": incident,
        "exported_at": stamp.isoformat(),
        "closed_at": closed_at(found),
    }
    if is_exercise:
        meta["exercise"] = True
    data = render_export(fmt, rows, figures, meta, record)
    label = tlp.highest([*(row.tlp for row in rows), *(item.tlp for item in record)])
    filename = file_name(incident, fmt, stamp, is_exercise)
    await ctx.audit(
        session,
        "entries.exported",
        subject=incident,
        detail={
            "format": fmt,
            "count": len(rows),
            "clearance": access.clearance,
            "entries": [row.code for row in rows],
            "record": [item.code for item in record],
        },
    )
    text = t(
        ctx.lang,
        "export.done_one" if len(rows) == 1 else "export.done",
        label=label,
        rows=len(rows),
        incident=incident,
        fmt=fmt,
    )
    return [
        render.plain(text),
        Reply(
            text=filename,
            html=render.escape(filename),
            attachment=Attachment(filename, FORMATS[fmt], data),
        ),
    ]


EXPORT = Command(
    name_nl="export",
    name_en="export",
    reads_written=True,
    summary={
        "nl": "bestand met de meldingen die deze kamer mag zien",
        "en": "a file with the entries this room may see",
    },
    usage={
        "nl": "{prefix}export [incident] csv|csv-en|json|edxl",
        "en": "{prefix}export [incident] csv|csv-en|json|edxl",
    },
    example={"nl": "{prefix}export hoogwater-ijssel csv", "en": "{prefix}export flood-ijssel json"},
    handler=export_command,
    permission=in_roles("coordinator"),
)
