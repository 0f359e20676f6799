"""`!incident open|phase|close|reopen|list`: incidents and their phase."""

from __future__ import annotations

import re

from commands import exercise, render
from commands.common import local_time, session_of
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Outgoing
from commands.permissions import MODERATOR, in_roles, manages_incident
from commands.registry import Command
from commands.subcommands import Subcommand, Subcommands
from commands.texts import Word
from storage import incidents as incident_repo
from storage import subscriptions as subscription_repo
from storage.exercise import MARKER
from storage.models import Incident, utcnow
from storage.vocabulary import PHASES, Phase, lookup

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
# A phase as a reply names it in Dutch (`na` alone reads oddly there: `nafase`).
_PHASE_NL = {p.value: "nafase" if p is Phase.AFTER else p.nl for p in Phase}
_manage = in_roles("coordinator", min_power=MODERATOR)
EXERCISE_KEYS = ("oefening", "exercise")


def _usage(ctx: CommandContext) -> UserError:
    return UserError("incidents.usage_incident_open_slug", prefix=ctx.prefix)


async def _managed_slug(ctx: CommandContext, args: list[str], own_rooms: bool) -> str:
    """The incident an `open`, `phase` or `close` is about, once the sender may manage it.
    Opening is any coordinator's; phase and close only for this incident's own rooms."""
    refusal = _manage(ctx)
    if refusal is not None:
        raise UserError("not_allowed", reason=refusal)
    if not args:
        raise _usage(ctx)
    slug = args[0].lower()
    if own_rooms:
        refusal = manages_incident(ctx, slug)
        if refusal is not None:
            raise UserError("incidents.not_allowed_here", reason=refusal)
    return slug


async def _existing(ctx: CommandContext, slug: str) -> Incident:
    incident = await incident_repo.get(session_of(ctx), slug)
    if incident is None:
        raise UserError("incidents.unknown_incident", slug=slug)
    return incident


async def _open(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    slug = await _managed_slug(ctx, args, own_rooms=False)
    session = session_of(ctx)
    title = " ".join(args[1:]).strip()
    if not SLUG.match(slug) or not title:
        raise UserError("incidents.give_short_slug_lower", prefix=ctx.prefix)
    extra = [k for k in parsed.options if k not in EXERCISE_KEYS]
    if extra:
        raise UserError("incidents.unknown_option_open", option=render.shorten(extra[0], 30))
    is_exercise = exercise.parse_flag(parsed.option(*EXERCISE_KEYS))
    incident = await incident_repo.open_incident(
        session, slug, title[:300], ctx.sender, exercise=is_exercise
    )
    if incident is None:
        return [render.plain(t(ctx.lang, "incidents.incident_already_exists", slug=slug))]
    await ctx.audit(
        session,
        "incident.opened",
        subject=slug,
        detail={"title": title, "exercise": is_exercise},
    )
    key = "incidents.exercise_opened" if is_exercise else "incidents.incident_opened_phase_cold"
    opened = render.plain(t(ctx.lang, key, slug=slug, title=title, prefix=ctx.prefix))
    # The incident is an exercise, whatever room opened it: its confirmation says so.
    return [exercise.mark(opened, ctx.lang) if is_exercise else opened]


async def _phase(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    slug = await _managed_slug(ctx, args, own_rooms=True)
    incident = await _existing(ctx, slug)
    phase = lookup(PHASES, args[1]) if len(args) > 1 else None
    if phase is None:
        raise UserError("incidents.choose_phase_cold_lukewarm")
    incident.phase = phase
    await ctx.audit(
        session_of(ctx),
        "incident.phase",
        subject=slug,
        detail={"phase": phase},
    )
    word = Word(_PHASE_NL[phase], phase)
    return [render.plain(t(ctx.lang, "incidents.incident_phase", slug=slug, phase=word))]


async def _close(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    slug = await _managed_slug(ctx, args, own_rooms=True)
    incident = await _existing(ctx, slug)
    incident.open = False
    incident.closed_at = utcnow()
    await ctx.audit(session_of(ctx), "incident.closed", subject=slug)
    said = t(ctx.lang, "incidents.incident_closed", slug=slug)
    return [render.plain(said + await _subscriptions_line(ctx, slug, "pause"))]


async def _subscriptions_line(ctx: CommandContext, slug: str, what: str) -> str:
    """' ' + what the incident's scheduled pictures do now (bot/scheduler.py: one last
    picture marked closed, then a pause; posts again after a reopen), '' without any."""
    count = await subscription_repo.count_for_incident(session_of(ctx), slug)
    if count == 0:
        return ""
    return " " + t(
        ctx.lang, f"incidents.subscriptions_{what}", count=count, slug=slug, prefix=ctx.prefix
    )


async def _reopen(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    """`!incident heropen <slug>`: as closing, for the incident's own coordinator rooms.
    Reports kept coming in while it was closed (commands/closed_incident.py); reopened,
    its subscriptions and attention lists take it up again."""
    slug = await _managed_slug(ctx, args, own_rooms=True)
    incident = await _existing(ctx, slug)
    if incident.open:
        return [render.plain(t(ctx.lang, "incidents.incident_already_open", slug=slug))]
    incident.open = True
    incident.closed_at = None
    await ctx.audit(session_of(ctx), "incident.reopened", subject=slug)
    said = t(ctx.lang, "incidents.incident_reopened", slug=slug)
    return [render.plain(said + await _subscriptions_line(ctx, slug, "resume"))]


async def _list_action(
    ctx: CommandContext, parsed: ParsedCommand, args: list[str]
) -> list[Outgoing]:
    return [await _list(ctx)]


INCIDENT_ACTIONS = Subcommands(
    Subcommand(("list", "lijst"), _list_action),
    Subcommand(("open",), _open),
    Subcommand(("phase", "fase"), _phase),
    Subcommand(("close", "sluit"), _close),
    Subcommand(("reopen", "heropen"), _reopen),
)


async def incident_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    return await INCIDENT_ACTIONS.run(ctx, parsed, parsed.words, _usage(ctx))


async def _list(ctx: CommandContext) -> Outgoing:
    rows = await incident_repo.all_incidents(session_of(ctx))
    if not rows:
        return render.plain(t(ctx.lang, "incidents.there_are_no_incidents"))
    lines = [t(ctx.lang, "incidents.incidents")]
    for row in rows:
        state = t(ctx.lang, "incidents.state_open" if row.open else "incidents.state_closed")
        # An exercise says so first, in the marker's own word, wherever it is listed.
        tag = f"{MARKER} " if row.exercise else ""
        lines.append(
            f"• {tag}{row.slug} — {row.title} ({state}, {t(ctx.lang, 'incidents.phase')} {Phase.display(row.phase, ctx.lang)}, {local_time(row.opened_at)})"
        )
    return render.plain("\n".join(lines))


INCIDENT = Command(
    name_nl="incident",
    name_en="incident",
    summary={
        "nl": "incidenten openen, fase zetten, sluiten en tonen",
        "en": "open, phase, close and list incidents",
    },
    usage={
        "nl": "{prefix}incident open <naam> <titel> [oefening=ja] | fase <naam> koud|lauw|warm|na | sluit <naam> | heropen <naam> | lijst",
        "en": "{prefix}incident open <slug> <title> [exercise=yes] | phase <slug> cold|lukewarm|warm|after | close <slug> | reopen <slug> | list",
    },
    example={
        "nl": "{prefix}incident open hoogwater-ijssel Hoogwater IJssel",
        "en": "{prefix}incident open flood-ijssel Flooding IJssel",
    },
    handler=incident_command,
)
