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
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Told:
    """What a report into a closed incident adds: the reporter's line and the notices to
    coordinator rooms of the incident beyond its alerts."""

    warning: str
    out: list[Outgoing]


Views = list[tuple[str, room_repo.BindingView, bool, bool]]


async def alert_views(ctx: CommandContext, entry: SituationEntry, views: Views) -> Views | None:
    """For a severe report into a closed incident that no coordinator room of it may see
    (`views`; none bound any more, e.g. its coordinators moved to a new incident), and
    not sent in one: the coordinator rooms of the open incidents of the same kind (real
    or exercise) that may see it, which are alerted instead. A severe report must reach
    a coordinator, and those that may see it (the alert's walk asks the one rule) could
    already read it (`!meldingen incident=…`). None when this does not apply (the incident's own rooms are
    alerted as always). The alerts are recorded as any coordinator alert, so a
    retraction, a raised label or an edit below severe withdraws them, and an edit does
    not repeat them."""
    if entry.severity not in ("Severe", "Extreme") or not await is_closed(ctx, entry):
        return None
    for room_id, binding, public, direct in views:
        access = tlp.RoomAccess.for_binding(room_id, binding, public, direct)
        if room_id == ctx.room.room_id or tlp.may_see(
            access, entry.tlp, entry.room_id, entry.organisation
        ):
            return None
    return await _open_coordinators(ctx, entry)


async def told(
    ctx: CommandContext, entry: SituationEntry, alerts: Sequence[Outgoing], elsewhere: bool
) -> Told:
    """For a report into the closed incident, after its alerts (`alerts`; `elsewhere`:
    they went to coordinator rooms of open incidents, `alert_views`): the notices for
    the incident's coordinator rooms no alert reached, and the reporter's line, which
    says who was told."""
    out = [] if elsewhere else await notices(ctx, entry, alerts)
    reached = bool(out) or any(isinstance(r, Reply) and r.notify for r in alerts)
    key = "told_elsewhere" if elsewhere and reached else "told" if reached else "not_told"
    return Told(warning(ctx, entry, key), out)


async def _open_coordinators(ctx: CommandContext, entry: SituationEntry) -> Views:
    """The coordinator rooms of open incidents of `entry`'s kind (the alert's walk asks
    the one rule of each, and withdraws a standing alert a room may no longer see)."""
    session = session_of(ctx)
    own = await incident_repo.get(session, entry.incident or "")
    exercise = bool(own is not None and own.exercise)
    found: Views = []
    for room_id, binding, public, direct in await room_repo.role_views(session, "coordinator"):
        if binding.incident in (None, entry.incident) or binding.exercise != exercise:
            continue
        incident = await incident_repo.get(session, binding.incident)
        if incident is None or not incident.open:
            continue
        found.append((room_id, binding, public, direct))
    return found


async def is_closed(ctx: CommandContext, entry: SituationEntry) -> bool:
    """Whether `entry`'s incident is closed (one look-up by its key, only for reports)."""
    if entry.incident is None:
        return False
    incident = await incident_repo.get(session_of(ctx), entry.incident)
    return incident is not None and not incident.open


def warning(ctx: CommandContext, entry: SituationEntry, who: str) -> str:
    """The reporter's line: the incident is closed, the report is kept, who was told
    (`who`: "told", "told_elsewhere" or "not_told"), how it reopens."""
    said = t(ctx.lang, f"closed.{who}", slug=entry.incident)
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
