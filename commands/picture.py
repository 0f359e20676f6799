"""`!beeld` / `!summary`: the situation picture of an incident, as this room may see it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands import objects, render
from commands.common import age, local_time, option, session_of, tr, unknown_options
from commands.context import CommandContext
from commands.dutch_numbers import format_number
from commands.grammar import ParsedCommand
from commands.i18n import Language
from commands.message import Outgoing, Reply
from commands.permissions import in_roles
from commands.questions import open_question_line
from commands.registry import Command
from commands.reports import parse_since
from storage import audit, open_questions, tlp
from storage import incidents as incident_repo
from storage.models import Incident, OpenQuestion, SummaryLog
from storage.summary import LatestState, Picture, build_picture
from storage.timezone import AMSTERDAM
from storage.vocabulary import CATEGORIES, Category, Phase, Severity, Status, lookup

STALE_AFTER = timedelta(hours=6)
MAX_LINES_PER_CATEGORY = 12
KIND_NL = {
    "new": "nieuw",
    "updated": "bijgewerkt",
    "resolved": "opgelost",
    "retracted": "ingetrokken",
}


# Open questions shown in a picture; the curators' `!vragen` lists them all.
MAX_QUESTIONS = 20


def render_picture(
    picture: Picture,
    incident: Incident,
    now: datetime,
    lang: Language,
    prefix: str = "!",
    questions: Sequence[OpenQuestion] = (),
    curator: bool = False,
) -> Reply:
    """The picture as plain text and as HTML with tables; both say the same.

    Askers' Matrix ids appear only in a curator room's picture (`curator`).
    """
    more_questions = len(questions) > MAX_QUESTIONS
    questions = questions[:MAX_QUESTIONS]
    label = tlp.highest([*picture.labels, *(q.tlp for q in questions)])
    phase = Phase.display(incident.phase, lang)
    period_start = (
        local_time(picture.since)
        if picture.since
        else tr(lang, "begin incident", "start of incident")
    )
    head = tr(lang, "Situatiebeeld", "Situation picture")
    text: list[str] = [
        f"TLP:{label} — {head} {incident.slug}: {incident.title} ({tr(lang, 'fase', 'phase')} {phase})",
        f"{tr(lang, 'Periode', 'Period')}: {period_start} – {local_time(now)} · "
        f"{picture.entry_count} {tr(lang, 'melding' if picture.entry_count == 1 else 'meldingen', 'entry' if picture.entry_count == 1 else 'entries')}",
    ]
    html: list[str] = [
        f"<p><b>TLP:{render.escape(label)}</b> — <b>{head} {render.escape(incident.slug)}</b>: "
        f"{render.escape(incident.title)} ({tr(lang, 'fase', 'phase')} {render.escape(phase)})<br>"
        f"{render.escape(text[1])}</p>"
    ]

    def severity_word(value: str) -> str:
        return Severity.display(value, lang)

    attention = [s for s in picture.states if s.severity in ("Extreme", "Severe")]
    if attention:
        title = tr(lang, "Aandacht: ernstig of extreem", "Attention: severe or extreme")
        lines, listed = render.bullets(
            [
                f"{s.code} {Category.display(s.category, lang)} · {s.organisation or '-'} · {s.place} · {severity_word(s.severity)} · "
                f"{age(now, s.observed_at, lang)} — {render.shorten(s.text, 80)}"
                for s in attention
            ]
        )
        text += ["", title, *lines]
        html.append(f"<h4>{title}</h4>{listed}")

    by_category: dict[str, list[LatestState]] = defaultdict(list)
    for s in picture.states:
        by_category[s.category].append(s)
    if by_category:
        title = tr(lang, "Laatste stand per categorie", "Latest state per category")
        text += ["", title]
        html.append(f"<h4>{title}</h4>")
    # Categories in the alphabetical order of the words this room reads.
    for category, states in sorted(
        by_category.items(), key=lambda item: Category.display(item[0], lang)
    ):
        name = Category.display(category, lang)
        text.append(name)
        header = tr(
            lang,
            "Organisatie|Plaats|Ernst|Status|Tijd|Tekst",
            "Organisation|Place|Severity|Status|Time|Text",
        )
        html.append(f"<p><b>{render.escape(name)}</b></p><table><tr>")
        html += [f"<th>{h}</th>" for h in header.split("|")]
        html.append("</tr>")
        for s in states[:MAX_LINES_PER_CATEGORY]:
            status = Status.display(s.status, lang)
            when = f"{local_time(s.observed_at)} ({age(now, s.observed_at, lang)})"
            cells = [
                s.organisation or "-",
                s.place,
                severity_word(s.severity),
                status,
                when,
                render.shorten(s.text, 60),
            ]
            text.append(f"• {' · '.join(cells[:5])} — {cells[5]} ({s.code})")
            html.append("<tr>" + "".join(f"<td>{render.escape(c)}</td>" for c in cells) + "</tr>")
        html.append("</table>")
        if len(states) > MAX_LINES_PER_CATEGORY:
            more = tr(
                lang,
                f"… en {len(states) - MAX_LINES_PER_CATEGORY} meer: {prefix}meldingen categorie={name}",
                f"… and {len(states) - MAX_LINES_PER_CATEGORY} more: {prefix}entries category={name}",
            )
            text.append(more)
            html.append(f"<p>{render.escape(more)}</p>")

    if picture.figures:
        title = tr(
            lang,
            "Cijfers per regio (laatste waarde per bron, opgeteld)",
            "Figures per region (latest value per source, summed)",
        )
        text += ["", title]
        header = tr(
            lang, "Cijfer|Regio|Totaal|Bronnen|Oudste", "Figure|Region|Total|Sources|Oldest"
        )
        html.append(
            f"<h4>{title}</h4><table><tr>"
            + "".join(f"<th>{h}</th>" for h in header.split("|"))
            + "</tr>"
        )
        for f in picture.figures:
            total = format_number(f.total) + (f" {f.unit}" if f.unit else "")
            stale = now - f.oldest > STALE_AFTER
            oldest = age(now, f.oldest, lang) + (
                tr(lang, " (verouderd)", " (stale)") if stale else ""
            )
            sources = f"{f.sources} {tr(lang, 'bron' if f.sources == 1 else 'bronnen', 'source' if f.sources == 1 else 'sources')}"
            text.append(
                f"• {f.metric} · {f.region}: {total} ({sources}, {tr(lang, 'oudste', 'oldest')} {oldest})"
            )
            cells = [f.metric, f.region, total, str(f.sources), oldest]
            html.append("<tr>" + "".join(f"<td>{render.escape(c)}</td>" for c in cells) + "</tr>")
        html.append("</table>")

    if picture.changes_since is not None:
        title = tr(
            lang,
            f"Gewijzigd sinds vorig beeld ({local_time(picture.changes_since)})",
            f"Changed since the previous picture ({local_time(picture.changes_since)})",
        )
        text += ["", title]
        html.append(f"<h4>{render.escape(title)}</h4>")
        if not picture.changes:
            none = tr(lang, "niets", "nothing")
            text.append(none)
            html.append(f"<p>{none}</p>")
        grouped: dict[str, list[str]] = defaultdict(list)
        for c in picture.changes:
            grouped[c.kind].append(c.code)
        for kind in ("new", "updated", "resolved", "retracted"):
            if grouped[kind]:
                word = KIND_NL[kind] if lang == "nl" else kind
                line = f"{word}: {', '.join(grouped[kind])}"
                text.append(f"• {line}")
                html.append(f"<p>{render.escape(line)}</p>")
    if questions:
        count = f"{len(questions)}+" if more_questions else str(len(questions))
        title = tr(
            lang,
            f"Open vragen van gemeenten ({count}, oudste eerst)",
            f"Open questions from municipalities ({count}, oldest first)",
        )
        lines, listed = render.bullets(
            [open_question_line(q, with_asker=curator) for q in questions]
        )
        text += ["", title, *lines]
        html.append(f"<h4>{render.escape(title)}</h4>{listed}")
    if picture.entry_count == 0:
        empty = tr(
            lang,
            "Geen meldingen (die deze kamer mag zien) in deze periode.",
            "No entries (that this room may see) in this period.",
        )
        text.append(empty)
        html.append(f"<p>{empty}</p>")
    return Reply(text="\n".join(text), html="".join(html))


async def last_summary(session: AsyncSession, room_id: str, incident: str) -> datetime | None:
    return await session.scalar(
        select(SummaryLog.generated_at)
        .where(SummaryLog.room_id == room_id, SummaryLog.incident == incident)
        .order_by(SummaryLog.generated_at.desc())
        .limit(1)
    )


async def picture_for_room(
    session: AsyncSession,
    access: tlp.RoomAccess,
    incident: Incident,
    now: datetime,
    lang: Language,
    *,
    since: datetime | None = None,
    category: str | None = None,
    actor: str,
    prefix: str = "!",
    curator: bool = False,
) -> tuple[Reply, Picture]:
    """Build, render, log and audit one picture: shared by `!beeld` and scheduled posts.

    `curator`: the room is bound as curator room. Only there does the picture list
    questions from direct chats and show who asked.
    """
    previous = await last_summary(session, access.room_id, incident.slug)
    picture = await build_picture(
        session, access, incident.slug, since=since, category=category, changes_since=previous
    )
    questions = await open_questions.open_for(
        session,
        access,
        incident=incident.slug,
        limit=MAX_QUESTIONS + 1,
        include_unbound=curator,
    )
    reply = render_picture(picture, incident, now, lang, prefix, questions, curator)
    # 'Betrokken objecten': known objects the shown reports name, as this room may see them.
    reply = await objects.picture_section(
        session, access, picture.entry_ids, now.astimezone(AMSTERDAM).date(), lang, reply
    )
    session.add(
        SummaryLog(
            room_id=access.room_id,
            incident=incident.slug,
            generated_at=now,
            entries=picture.entry_count,
        )
    )
    await audit.add(
        session,
        actor,
        "summary.sent",
        access.room_id,
        subject=incident.slug,
        detail={
            "since": since.isoformat() if since else None,
            "category": category,
            "clearance": access.clearance,
            "entries": picture.entry_count,
            "shown": sorted(f"M-{i}" for i in picture.entry_ids),
            "tlp": picture.highest_label,
            "open_questions": [f"V{q.id}" for q in questions],
        },
    )
    return reply, picture


async def summary_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    extra = unknown_options(parsed, ("incident", "since", "category"))
    if extra:
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Onbekende optie {extra[0]}=. Opties: sinds= categorie= incident=",
                    f"Unknown option {extra[0]}=. Options: since= category= incident=",
                )
            )
        ]
    binding = ctx.room.binding
    slug = (
        option(parsed, "incident")
        or (parsed.words[0] if parsed.words else None)
        or (binding.incident if binding else None)
    )
    if slug is None:
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Welk incident? {ctx.prefix}beeld <incident>",
                    f"Which incident? {ctx.prefix}summary <incident>",
                )
            )
        ]
    incident = await incident_repo.get(session, slug.lower())
    if incident is None:
        return [
            render.plain(tr(ctx.lang, f"Onbekend incident: {slug}.", f"Unknown incident: {slug}."))
        ]
    since_text = option(parsed, "since")
    since = parse_since(since_text, ctx.now) if since_text else None
    if since_text and since is None:
        return [
            render.plain(
                tr(
                    ctx.lang,
                    "sinds= begrijp ik niet; voorbeelden: sinds=4h, sinds=gisteren.",
                    "I do not understand since=; examples: since=4h, since=yesterday.",
                )
            )
        ]
    category_word = option(parsed, "category")
    category = lookup(CATEGORIES, category_word) if category_word else None
    if category_word and category is None:
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Onbekende categorie '{render.shorten(category_word, 30)}'.",
                    f"Unknown category '{render.shorten(category_word, 30)}'.",
                )
            )
        ]
    reply, _ = await picture_for_room(
        session,
        ctx.room.access,
        incident,
        ctx.now,
        ctx.lang,
        since=since,
        category=category,
        actor=ctx.sender,
        prefix=ctx.prefix,
        curator=ctx.room.role == "curator",
    )
    return [reply]


SUMMARY = Command(
    name_nl="beeld",
    name_en="summary",
    summary={
        "nl": "het situatiebeeld van een incident",
        "en": "the situation picture of an incident",
    },
    usage={
        "nl": "{prefix}beeld [incident] [sinds=4h] [categorie=]",
        "en": "{prefix}summary [incident] [since=4h] [category=]",
    },
    example={"nl": "{prefix}beeld sinds=4h", "en": "{prefix}summary since=4h"},
    handler=summary_command,
    permission=in_roles("coordinator"),
)
