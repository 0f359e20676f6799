"""`!incident open|phase|close|list`: incidents and their phase."""

from __future__ import annotations

import re

from commands import render
from commands.common import local_time, session_of, tr
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.message import Outgoing
from commands.permissions import MODERATOR, in_roles, manages_incident
from commands.registry import Command
from storage import audit
from storage import incidents as incident_repo
from storage.vocabulary import PHASES, lookup

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_PHASE_NL = {"koud": "koud", "lauw": "lauw", "warm": "warm", "na": "nafase"}
_manage = in_roles("coordinator", min_power=MODERATOR)


def _usage(ctx: CommandContext) -> Outgoing:
    return render.plain(
        tr(
            ctx.lang,
            "Gebruik: !incident open <naam> <titel> | fase <naam> koud|lauw|warm|na | sluit <naam> | lijst",
            "Usage: !incident open <slug> <title> | phase <slug> cold|lukewarm|warm|after | close <slug> | list",
        ).replace("!", ctx.prefix, 1)
    )


async def incident_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    if not parsed.words:
        return [_usage(ctx)]
    action = parsed.words[0].lower()
    if action in ("list", "lijst"):
        return [await _list(ctx)]
    if action not in ("open", "phase", "fase", "close", "sluit"):
        return [_usage(ctx)]
    refusal = _manage(ctx)
    if refusal is not None:
        raise UserError("not_allowed", reason=refusal)
    if len(parsed.words) < 2:
        return [_usage(ctx)]
    slug = parsed.words[1].lower()
    if action != "open":
        # Opening is any coordinator's; phase and close only for this incident's own rooms.
        refusal = manages_incident(ctx, slug)
        if refusal is not None:
            return [
                render.plain(tr(ctx.lang, "Dat mag hier niet: ", "Not allowed here: ") + refusal)
            ]
    session = session_of(ctx)
    if action == "open":
        title = " ".join(parsed.words[2:]).strip()
        if not SLUG.match(slug) or not title:
            return [
                render.plain(
                    tr(
                        ctx.lang,
                        "Geef een korte naam (kleine letters, cijfers, streepjes) en een titel: "
                        "!incident open hoogwater-ijssel Hoogwater IJssel",
                        "Give a short slug (lower case, digits, dashes) and a title: "
                        "!incident open flood-ijssel Flooding IJssel",
                    )
                )
            ]
        incident = await incident_repo.open_incident(session, slug, title[:300], ctx.sender)
        if incident is None:
            return [
                render.plain(
                    tr(ctx.lang, f"Incident {slug} bestaat al.", f"Incident {slug} already exists.")
                )
            ]
        await audit.add(
            session,
            ctx.sender,
            "incident.opened",
            ctx.room.room_id,
            subject=slug,
            detail={"title": title},
        )
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Incident {slug} geopend: {title} (fase koud).",
                    f"Incident {slug} opened: {title} (phase cold).",
                )
            )
        ]
    incident = await incident_repo.get(session, slug)
    if incident is None:
        return [
            render.plain(tr(ctx.lang, f"Onbekend incident: {slug}.", f"Unknown incident: {slug}."))
        ]
    if action in ("phase", "fase"):
        phase = lookup(PHASES, parsed.words[2]) if len(parsed.words) > 2 else None
        if phase is None:
            return [
                render.plain(
                    tr(
                        ctx.lang,
                        "Kies een fase: koud, lauw, warm of na.",
                        "Choose a phase: cold, lukewarm, warm or after.",
                    )
                )
            ]
        incident.phase = phase
        await audit.add(
            session,
            ctx.sender,
            "incident.phase",
            ctx.room.room_id,
            subject=slug,
            detail={"phase": phase},
        )
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Incident {slug}: fase {_PHASE_NL[phase]}.",
                    f"Incident {slug}: phase {phase}.",
                )
            )
        ]
    from storage.models import utcnow

    incident.open = False
    incident.closed_at = utcnow()
    await audit.add(session, ctx.sender, "incident.closed", ctx.room.room_id, subject=slug)
    return [render.plain(tr(ctx.lang, f"Incident {slug} gesloten.", f"Incident {slug} closed."))]


async def _list(ctx: CommandContext) -> Outgoing:
    rows = await incident_repo.all_incidents(session_of(ctx))
    if not rows:
        return render.plain(
            tr(ctx.lang, "Er zijn nog geen incidenten.", "There are no incidents yet.")
        )
    lines = [tr(ctx.lang, "Incidenten:", "Incidents:")]
    for row in rows:
        state = tr(ctx.lang, "open" if row.open else "gesloten", "open" if row.open else "closed")
        lines.append(
            f"• {row.slug} — {row.title} ({state}, {tr(ctx.lang, 'fase', 'phase')} {row.phase}, {local_time(row.opened_at)})"
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
        "nl": "{prefix}incident open <naam> <titel> | fase <naam> koud|lauw|warm|na | sluit <naam> | lijst",
        "en": "{prefix}incident open <slug> <title> | phase <slug> cold|lukewarm|warm|after | close <slug> | list",
    },
    example={
        "nl": "{prefix}incident open hoogwater-ijssel Hoogwater IJssel",
        "en": "{prefix}incident open flood-ijssel Flooding IJssel",
    },
    handler=incident_command,
)
