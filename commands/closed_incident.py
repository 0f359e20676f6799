"""A report recorded into a closed incident: kept, and said so to both sides.

A room stays bound to its incident after `!incident sluit`; a liaison who goes on
reporting there was met with a plain confirmation, and the coordinators (whose
subscriptions and attention lists follow open incidents) never heard of it. The
report is stored all the same (a report is never lost, and what happened after the
close may be why the incident must open again); the liaison is told the incident is
closed and how it opens again, and every coordinator room of the incident that may see
the report (the one TLP rule) is told it came in: a severe one in its alert (the note
`alert_note` makes), any other in a notice of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.i18n import t
from commands.message import Outgoing, Reply
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage import tlp
from storage.ids import RoomId
from storage.models import SituationEntry
from storage.vocabulary import Category


async def alerts_note(ctx: CommandContext, entry: SituationEntry) -> str | None:
    """The last line of a coordinator's alert about `entry` when its incident is closed;
    None when it is open (then nothing here applies)."""
    return alert_note(ctx, entry) if await is_closed(ctx, entry) else None


async def told(
    ctx: CommandContext, entry: SituationEntry, alerts: Sequence[Outgoing]
) -> tuple[str, list[Outgoing]]:
    """For a report into the closed incident, after its alerts (`alerts`): the reporter's
    warning and the notices for the coordinator rooms no alert reached. The warning
    says the coordinators know only when some room of theirs got an alert or a notice."""
    out = await notices(ctx, entry, alerts)
    reached = bool(out) or any(isinstance(r, Reply) and r.notify for r in alerts)
    return warning(ctx, entry, reached), out


async def is_closed(ctx: CommandContext, entry: SituationEntry) -> bool:
    """Whether `entry`'s incident is closed (one look-up by its key, only for reports)."""
    if entry.incident is None:
        return False
    incident = await incident_repo.get(session_of(ctx), entry.incident)
    return incident is not None and not incident.open


def warning(ctx: CommandContext, entry: SituationEntry, reached: bool) -> str:
    """The reporter's line: the incident is closed, the report is kept, whether its
    coordinators were told (`reached`), how it reopens."""
    said = t(ctx.lang, "closed.told" if reached else "closed.not_told", slug=entry.incident)
    return t(ctx.lang, "closed.report_warning", slug=entry.incident, prefix=ctx.prefix, told=said)


def alert_note(ctx: CommandContext, entry: SituationEntry) -> str:
    """The last line of a coordinator's alert about a report into the closed incident."""
    return t(ctx.lang, "closed.alert_note", slug=entry.incident, prefix=ctx.prefix)


async def notices(
    ctx: CommandContext, entry: SituationEntry, sent: Sequence[Outgoing]
) -> list[Outgoing]:
    """A notice for each coordinator room of the closed incident that may see `entry` and
    got nothing about it already (`sent`: the alerts just made). It names the report's
    id, category and organisation only, under the report's label."""
    assert entry.incident is not None
    told = {reply.room_id for reply in sent if isinstance(reply, Reply)}
    out: list[Outgoing] = []
    views = await room_repo.coordinator_views(session_of(ctx), entry.incident)
    for room_id, binding, public, direct in views:
        if room_id == ctx.room.room_id or room_id in told:
            continue
        access = tlp.RoomAccess.for_binding(room_id, binding, public, direct)
        if not tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation):
            continue
        text = t(
            ctx.lang,
            "closed.coordinator_notice",
            label=entry.tlp,
            code=entry.code,
            category=Category.display(entry.category, ctx.lang),
            org=entry.organisation or "?",
            slug=entry.incident,
            prefix=ctx.prefix,
        )
        notice = render.plain(text)
        out.append(Reply(notice.text, notice.html, room_id=RoomId(room_id), tlp=entry.tlp))
    return out
