"""`!beeld` / `!summary`: the situation picture of an incident, as this room may see it.

The handler parses and authorises; `storage.picture_service` builds, logs and audits
the picture (the scheduler calls the same service); `render_picture` writes it as
plain text and as HTML, section by section.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from commands import objects, picture_record, render
from commands.common import age, local_time, option, session_of, tr, unknown_options
from commands.context import CommandContext
from commands.dutch_numbers import format_number
from commands.grammar import ParsedCommand
from commands.i18n import Language, t
from commands.message import Outgoing, Reply
from commands.permissions import in_roles
from commands.phone import METRICS, shorten_words
from commands.questions import open_question_line
from commands.registry import Command
from commands.reports import parse_since
from storage import incidents as incident_repo
from storage import picture_service, tlp
from storage.models import Incident
from storage.picture import LatestState, Picture
from storage.picture_service import RoomPicture
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


@dataclass
class _Page:
    """The picture being written: plain-text lines and HTML fragments side by side."""

    lang: Language
    now: datetime
    prefix: str
    text: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        self.text += ["", title]
        self.html.append(f"<h4>{render.escape(title)}</h4>")

    def paragraph(self, line: str, bullet: bool = False) -> None:
        self.text.append(f"• {line}" if bullet else line)
        self.html.append(f"<p>{render.escape(line)}</p>")

    def table(self, header: str, rows: list[list[str]]) -> None:
        self.html.append(
            "<table><tr>" + "".join(f"<th>{h}</th>" for h in header.split("|")) + "</tr>"
        )
        for cells in rows:
            self.html.append(
                "<tr>" + "".join(f"<td>{render.escape(c)}</td>" for c in cells) + "</tr>"
            )
        self.html.append("</table>")

    def extend(self, text: list[str], html: list[str]) -> None:
        self.text += text
        self.html += html

    def reply(self) -> Reply:
        return Reply(text="\n".join(self.text), html="".join(self.html))


def render_picture(
    room_picture: RoomPicture,
    now: datetime,
    lang: Language,
    prefix: str = "!",
    curator: bool = False,
) -> Reply:
    """The picture as plain text and as HTML with tables; both say the same.

    Askers' Matrix ids appear only in a curator room's picture (`curator`).
    """
    picture = room_picture.picture
    page = _Page(lang, now, prefix)
    if not room_picture.full and room_picture.previous_full is not None:
        # A scheduled post with nothing new: one line, pointing at the last full picture.
        page.paragraph(
            t(
                lang,
                "picture_unchanged",
                label=tlp.highest(
                    [
                        *picture.labels,
                        *(q.tlp for q in room_picture.questions),
                        *room_picture.record.labels,
                    ]
                ),
                incident=room_picture.incident.slug,
                at=local_time(room_picture.previous_full),
                command=f"{prefix}{'beeld' if lang == 'nl' else 'summary'}",
            )
        )
        return page.reply()
    _header(page, room_picture)
    _attention_section(page, picture)
    _category_sections(page, picture)
    _figures_section(page, picture)
    _changes_section(page, picture)
    _questions_section(page, room_picture, curator)
    page.extend(*picture_record.sections(room_picture.record, lang, now, prefix))
    if picture.entry_count == 0:
        page.paragraph(
            tr(
                lang,
                "Geen meldingen (die deze kamer mag zien) in deze periode.",
                "No entries (that this room may see) in this period.",
            )
        )
    return page.reply()


def _header(page: _Page, room_picture: RoomPicture) -> None:
    picture, incident, lang = room_picture.picture, room_picture.incident, page.lang
    label = tlp.highest(
        [*picture.labels, *(q.tlp for q in room_picture.questions), *room_picture.record.labels]
    )
    phase = Phase.display(incident.phase, lang)
    period_start = (
        local_time(picture.since)
        if picture.since
        else tr(lang, "begin incident", "start of incident")
    )
    head = tr(lang, "Situatiebeeld", "Situation picture")
    count = picture.entry_count
    title = (
        f"TLP:{label} — {head} {incident.slug}: {incident.title} "
        f"({tr(lang, 'fase', 'phase')} {phase})"
    )
    period = (
        f"{tr(lang, 'Periode', 'Period')}: {period_start} – {local_time(page.now)} · "
        f"{count} {tr(lang, 'melding' if count == 1 else 'meldingen', 'entry' if count == 1 else 'entries')}"
    )
    page.text += [title, period]
    page.html.append(
        f"<p><b>TLP:{render.escape(label)}</b> — <b>{head} {render.escape(incident.slug)}</b>: "
        f"{render.escape(incident.title)} ({tr(lang, 'fase', 'phase')} {render.escape(phase)})<br>"
        f"{render.escape(period)}</p>"
    )


def _severity_word(value: str, lang: Language) -> str:
    return Severity.display(value, lang)


def _attention_section(page: _Page, picture: Picture) -> None:
    """Every open severe or extreme situation item, whatever else its place reported."""
    if not picture.attention:
        return
    lang, now = page.lang, page.now
    title = tr(lang, "Aandacht: ernstig of extreem", "Attention: severe or extreme")
    lines: list[str] = []
    for item in picture.attention:
        lines.append(
            f"{item.code} {_category_name(item.category, lang)} · {item.organisation or '-'} · "
            f"{item.place} · {_severity_word(item.severity, lang)} · "
            f"{age(now, item.observed_at, lang)} — {shorten_words(item.text)}"
        )
    bulleted, listed = render.bullets(lines)
    page.text += ["", title, *bulleted]
    page.html.append(f"<h4>{title}</h4>{listed}")


def _category_name(category: str, lang: Language) -> str:
    return Category.display(category, lang)


def _category_sections(page: _Page, picture: Picture) -> None:
    by_category: dict[str, list[LatestState]] = defaultdict(list)
    for s in picture.states:
        by_category[s.category].append(s)
    if by_category:
        page.section(tr(page.lang, "Laatste stand per categorie", "Latest state per category"))
    # Categories in the alphabetical order of the words this room reads.
    for category, states in sorted(
        by_category.items(), key=lambda item: _category_name(item[0], page.lang)
    ):
        _category_table(page, category, states)


def _category_table(page: _Page, category: str, states: list[LatestState]) -> None:
    lang, now = page.lang, page.now
    # The count says what the list shows: one line per organisation and place.
    title = t(
        lang,
        "picture_category_title",
        name=_category_name(category, lang),
        shown=len(states),
    )
    page.text.append(title)
    page.html.append(f"<p><b>{render.escape(title)}</b></p>")
    rows: list[list[str]] = []
    for s in states[:MAX_LINES_PER_CATEGORY]:
        status = Status.display(s.status, lang)
        when = f"{local_time(s.observed_at)} ({age(now, s.observed_at, lang)})"
        cells = [
            s.organisation or "-",
            s.place,
            _severity_word(s.severity, lang),
            status,
            when,
            shorten_words(s.text),
        ]
        page.text.append(f"• {' · '.join(cells[:5])} — {cells[5]} ({s.code})")
        rows.append(cells)
    page.table(
        tr(
            lang,
            "Organisatie|Plaats|Ernst|Status|Tijd|Tekst",
            "Organisation|Place|Severity|Status|Time|Text",
        ),
        rows,
    )
    if len(states) > MAX_LINES_PER_CATEGORY:
        hidden = len(states) - MAX_LINES_PER_CATEGORY
        page.paragraph(
            tr(
                lang,
                f"… en {hidden} meer: {page.prefix}meldingen categorie={category}",
                f"… and {hidden} more: {page.prefix}entries category={category}",
            )
        )


def _figures_section(page: _Page, picture: Picture) -> None:
    if not picture.figures:
        return
    lang, now = page.lang, page.now
    page.section(
        tr(
            lang,
            "Cijfers per regio (laatste waarde per bron, opgeteld)",
            "Figures per region (latest value per source, summed)",
        )
    )
    rows: list[list[str]] = []
    for f in picture.figures:
        unit = f.unit or METRICS.unit(f.metric, lang)
        total = format_number(f.total) + (f" {unit}" if unit else "")
        label = METRICS.label(f.metric, lang)
        stale = now - f.oldest > STALE_AFTER
        oldest = age(now, f.oldest, lang) + (tr(lang, " (verouderd)", " (stale)") if stale else "")
        sources = f"{f.sources} {tr(lang, 'bron' if f.sources == 1 else 'bronnen', 'source' if f.sources == 1 else 'sources')}"
        page.text.append(
            f"• {label} · {f.region}: {total} ({sources}, {tr(lang, 'oudste', 'oldest')} {oldest})"
        )
        rows.append([label, f.region, total, str(f.sources), oldest])
    page.table(
        tr(lang, "Cijfer|Regio|Totaal|Bronnen|Oudste", "Figure|Region|Total|Sources|Oldest"), rows
    )


def _changes_section(page: _Page, picture: Picture) -> None:
    if picture.changes_since is None:
        return
    lang = page.lang
    since = local_time(picture.changes_since)
    page.section(
        tr(
            lang,
            f"Gewijzigd sinds vorig beeld ({since})",
            f"Changed since the previous picture ({since})",
        )
    )
    if not picture.changes:
        none = tr(lang, "niets", "nothing")
        page.text.append(none)
        page.html.append(f"<p>{none}</p>")
    grouped: dict[str, list[str]] = defaultdict(list)
    for c in picture.changes:
        grouped[c.kind].append(c.code)
    for kind in ("new", "updated", "resolved", "retracted"):
        if grouped[kind]:
            word = KIND_NL[kind] if lang == "nl" else kind
            page.paragraph(f"{word}: {', '.join(grouped[kind])}", bullet=True)


def _questions_section(page: _Page, room_picture: RoomPicture, curator: bool) -> None:
    questions = room_picture.questions
    if not questions:
        return
    count = f"{len(questions)}+" if room_picture.more_questions else str(len(questions))
    title = tr(
        page.lang,
        f"Open vragen van gemeenten ({count}, oudste eerst)",
        f"Open questions from municipalities ({count}, oldest first)",
    )
    lines, listed = render.bullets([open_question_line(q, with_asker=curator) for q in questions])
    page.text += ["", title, *lines]
    page.html.append(f"<h4>{render.escape(title)}</h4>{listed}")


def _usage_error(ctx: CommandContext, nl: str, en: str) -> list[Outgoing]:
    return [render.plain(tr(ctx.lang, nl, en))]


async def picture_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    extra = unknown_options(parsed, ("incident", "since", "category"))
    if extra:
        return _usage_error(
            ctx,
            f"Onbekende optie {extra[0]}=. Opties: sinds= categorie= incident=",
            f"Unknown option {extra[0]}=. Options: since= category= incident=",
        )
    binding = ctx.room.binding
    slug = (
        option(parsed, "incident")
        or (parsed.words[0] if parsed.words else None)
        or (binding.incident if binding else None)
    )
    if slug is None:
        return _usage_error(
            ctx,
            f"Welk incident? {ctx.prefix}beeld <incident>",
            f"Which incident? {ctx.prefix}summary <incident>",
        )
    incident: Incident | None = await incident_repo.get(session, slug.lower())
    if incident is None:
        return _usage_error(ctx, f"Onbekend incident: {slug}.", f"Unknown incident: {slug}.")
    since_text = option(parsed, "since")
    since = parse_since(since_text, ctx.now) if since_text else None
    if since_text and since is None:
        return _usage_error(
            ctx,
            "sinds= begrijp ik niet; voorbeelden: sinds=4h, sinds=gisteren.",
            "I do not understand since=; examples: since=4h, since=yesterday.",
        )
    category_word = option(parsed, "category")
    category = lookup(CATEGORIES, category_word) if category_word else None
    if category_word and category is None:
        return _usage_error(
            ctx,
            f"Onbekende categorie '{render.shorten(category_word, 30)}'.",
            f"Unknown category '{render.shorten(category_word, 30)}'.",
        )
    curator = ctx.room.role == "curator"
    room_picture = await picture_service.picture_for_room(
        session,
        ctx.room.access,
        incident,
        ctx.now,
        actor=ctx.sender,
        since=since,
        category=category,
        curator=curator,
    )
    return [
        await render_room_picture(
            session, ctx.room.access, room_picture, ctx.now, ctx.lang, ctx.prefix, curator
        )
    ]


async def render_room_picture(
    session: AsyncSession,
    access: tlp.RoomAccess,
    room_picture: RoomPicture,
    now: datetime,
    lang: Language,
    prefix: str,
    curator: bool,
) -> Reply:
    """The picture as `render_picture` writes it, plus 'Betrokken objecten': the known
    objects its reports name, as this room may see them. The scheduler posts the same."""
    reply = render_picture(room_picture, now, lang, prefix, curator)
    if not room_picture.full and room_picture.previous_full is not None:
        return reply  # the one-line 'nothing changed' post stays one line
    return await objects.picture_section(
        session,
        access,
        room_picture.picture.entry_ids,
        now.astimezone(AMSTERDAM).date(),
        lang,
        reply,
    )


PICTURE = Command(
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
    handler=picture_command,
    permission=in_roles("coordinator"),
)
