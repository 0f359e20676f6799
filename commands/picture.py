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

from commands import exercise, objects, picture_domino, picture_record, render
from commands.common import age, local_time, option, session_of, unknown_options
from commands.context import CommandContext
from commands.dutch_numbers import format_number
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import Language, t
from commands.message import Outgoing, Reply, for_curators
from commands.permissions import in_roles
from commands.phone import METRICS, shorten_words
from commands.questions import open_question_line
from commands.registry import Command
from commands.reports import figure_phrase, parse_since
from storage import alerts, bounds, picture_service, tlp
from storage import incidents as incident_repo
from storage.items import LatestState
from storage.models import Incident
from storage.picture import Picture, RegionFigure, StateFigure
from storage.picture_service import RoomPicture
from storage.timezone import AMSTERDAM
from storage.vocabulary import CATEGORIES, Category, Phase, Severity, Status, lookup

STALE_AFTER = timedelta(hours=6)
MAX_LINES_PER_CATEGORY = 12


@dataclass
class _Page:
    """The picture being written: plain-text lines and HTML fragments side by side."""

    lang: Language
    now: datetime
    prefix: str
    text: list[str] = field(default_factory=list)
    # The figures of the shown states without text (`Picture.state_figures`).
    figures: dict[int, list[StateFigure]] = field(default_factory=dict)
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
    page = _Page(lang, now, prefix, figures=picture.state_figures)
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
                        *room_picture.heard_of.labels,
                    ]
                ),
                incident=room_picture.incident.slug + closed_mark(room_picture.incident, lang),
                at=local_time(room_picture.previous_full),
                command=f"{prefix}{'beeld' if lang == 'nl' else 'summary'}",
            )
        )
        return page.reply()
    _header(page, room_picture)
    _attention_section(page, picture)
    _heard_of_line(page, room_picture)
    picture_domino.section(page, room_picture.domino)
    _category_sections(page, picture)
    _figures_section(page, picture)
    _changes_section(page, picture)
    _questions_section(page, room_picture, curator)
    page.extend(*picture_record.sections(room_picture.record, lang, now, prefix))
    if picture.entry_count == 0:
        page.paragraph(t(lang, "picture.no_entries"))
    return page.reply()


def closed_mark(incident: Incident, lang: Language) -> str:
    """' · GESLOTEN sinds …' after the phase of a closed incident ('' when open): a closed
    incident's picture looked like a live one, and a coordinator acted on it."""
    if incident.open:
        return ""
    if incident.closed_at is None:
        return " · " + t(lang, "picture.closed")
    return " · " + t(lang, "picture.closed_since", at=local_time(incident.closed_at))


def _header(page: _Page, room_picture: RoomPicture) -> None:
    picture, incident, lang = room_picture.picture, room_picture.incident, page.lang
    label = tlp.highest(
        [
            *picture.labels,
            *(q.tlp for q in room_picture.questions),
            *picture_domino.labels(room_picture.domino),
            *room_picture.record.labels,
            *room_picture.heard_of.labels,
        ]
    )
    phase = Phase.display(incident.phase, lang) + closed_mark(incident, lang)
    period_start = local_time(picture.since) if picture.since else t(lang, "picture.incident_start")
    head = t(lang, "picture.head")
    count = picture.entry_count
    title = (
        f"TLP:{label} — {head} {incident.slug}: {incident.title} "
        f"({t(lang, 'picture.phase')} {phase})"
    )
    period = (
        f"{t(lang, 'picture.period')}: {period_start} – {local_time(page.now)} · "
        f"{t(lang, 'picture.entries_one' if count == 1 else 'picture.entries', count=count)}"
    )
    page.text += [title, period]
    page.html.append(
        f"<p><b>TLP:{render.escape(label)}</b> — <b>{head} {render.escape(incident.slug)}</b>: "
        f"{render.escape(incident.title)} ({t(lang, 'picture.phase')} {render.escape(phase)})<br>"
        f"{render.escape(period)}</p>"
    )


def _severity_word(value: str, lang: Language) -> str:
    return Severity.display(value, lang)


def _attention_section(page: _Page, picture: Picture) -> None:
    """Every open severe or extreme situation item, whatever else its place reported."""
    if not picture.attention:
        return
    lang, now = page.lang, page.now
    title = t(lang, "picture.attention")
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
    if picture.attention_cut:
        # Newest first: without this line the oldest open items, open the longest,
        # left the list unsaid and it read as complete.
        cut = t(lang, "picture.attention_cut", limit=len(picture.attention))
        page.text.append(cut)
        page.html.append(f"<p><b>{render.escape(cut)}</b></p>")


def _heard_of_line(page: _Page, room_picture: RoomPicture) -> None:
    """The severe reports this room only heard of (`heard_of_line`), after the attention
    list."""
    line = heard_of_line(room_picture.heard_of, page.lang)
    if line:
        page.text += ["", line]
        page.html.append(f"<p><b>{render.escape(line)}</b></p>")


def heard_of_line(heard_of: alerts.Heard, lang: Language) -> str:
    """The line naming the severe reports this room only hears of (an alert that stands of
    a report it may not see now), as the alerts said them: id and severity, no content;
    "" when none. Whatever
    the picture's filter: the alert named no category, place or time, so a filter must
    not tell them either. Without it a GREEN coordinator room alerted of "⚠ Extreme
    melding M-7" got a picture that read as if nothing severe were open. The chat picture
    and the portal's page (bot/web/render.py) say it alike."""
    heard = heard_of.shown
    if not heard:
        return ""
    codes = ", ".join(
        f"{h.code} ({Severity.display(_SEVERITY_BY_RANK[h.severity_rank], lang)})"
        if h.severity_rank in _SEVERITY_BY_RANK
        else h.code
        for h in heard
    )
    count = heard_of.count
    if count > len(heard):
        codes = t(lang, "picture.heard_of_more", codes=codes, more=count - len(heard))
    key = "picture.heard_of_one" if count == 1 else "picture.heard_of"
    return t(lang, key, count=count, codes=codes)


_SEVERITY_BY_RANK = {s.rank: s.value for s in (Severity.EXTREME, Severity.SEVERE)}


def _category_name(category: str, lang: Language) -> str:
    return Category.display(category, lang)


def _category_sections(page: _Page, picture: Picture) -> None:
    by_category: dict[str, list[LatestState]] = defaultdict(list)
    for s in picture.states:
        by_category[s.category].append(s)
    if by_category:
        page.section(t(page.lang, "picture.latest_state"))
    # Categories in the alphabetical order of the words this room reads.
    for category, states in sorted(
        by_category.items(), key=lambda item: _category_name(item[0], page.lang)
    ):
        _category_table(page, category, states, picture.state_totals.get(category, len(states)))


def state_place(s: LatestState) -> str:
    """The line's place, with the entry's own location when it has one ("Dordrecht,
    Sporthal De Schans"): two shelters of one organisation in one municipality showed
    as two identical lines. Without a municipality the place is the location itself."""
    if s.location and s.location != s.place:
        return f"{s.place}, {s.location}"
    return s.place


def state_text(s: LatestState, figures: dict[int, list[StateFigure]]) -> str:
    """The line's text, or for a report without text its own figures as its confirmation
    wrote them ("opgevangen 160"): the line ended in an empty "— ".
    `figures`: `Picture.state_figures`."""
    if s.text:
        return s.text
    return ", ".join(figure_phrase(f) for f in figures.get(s.entry_id, []))


def _category_table(page: _Page, category: str, states: list[LatestState], total: int) -> None:
    lang, now = page.lang, page.now
    # The count says what the list shows: one line per organisation, place and location.
    title = t(
        lang,
        "picture_category_title",
        name=_category_name(category, lang),
        shown=total,
    )
    page.text.append(title)
    page.html.append(f"<p><b>{render.escape(title)}</b></p>")
    rows: list[list[str]] = []
    for s in states[:MAX_LINES_PER_CATEGORY]:
        status = Status.display(s.status, lang)
        when = f"{local_time(s.observed_at)} ({age(now, s.observed_at, lang)})"
        cells = [
            s.organisation or "-",
            state_place(s),
            _severity_word(s.severity, lang),
            status,
            when,
            shorten_words(state_text(s, page.figures)),
        ]
        page.text.append(f"• {' · '.join(cells[:5])} — {cells[5]} ({s.code})")
        rows.append(cells)
    page.table(t(lang, "picture.category_columns"), rows)
    if total > MAX_LINES_PER_CATEGORY:
        hidden = total - MAX_LINES_PER_CATEGORY
        page.paragraph(
            t(
                lang,
                "picture.more_in_category",
                hidden=hidden,
                prefix=page.prefix,
                category=category,
            )
        )


def _figures_section(page: _Page, picture: Picture) -> None:
    if not picture.figures:
        return
    lang, now = page.lang, page.now
    page.section(t(lang, "picture.figures"))
    rows: list[list[str]] = []
    for f in picture.figures:
        total = figure_value(f, lang)
        label = METRICS.label(f.metric, lang)
        stale = now - f.oldest > STALE_AFTER
        oldest = age(now, f.oldest, lang) + (f" {t(lang, 'picture.stale')}" if stale else "")
        sources = t(
            lang, "picture.sources_one" if f.sources == 1 else "picture.sources", count=f.sources
        )
        page.text.append(
            f"• {label} · {f.region}: {total} ({sources}, {t(lang, 'picture.oldest')} {oldest})"
        )
        rows.append([label, f.region, total, str(f.sources), oldest])
    page.table(t(lang, "picture.figure_columns"), rows)


def figure_value(f: RegionFigure, lang: Language) -> str:
    """A region's figure as the picture and the portal show it: the sum of the sources'
    latest values, or, for what does not add up (a water level, a temperature, a share:
    storage/metric_kinds.py), the lowest and highest of them ("2,95 – 3,1 m NAP")."""
    unit = f.unit or METRICS.unit(f.metric, lang)
    after = f" {unit}" if unit else ""
    prefix = bounds.prefix(f.bound)
    if f.adds_up:
        return prefix + format_number(f.total) + after
    if f.sources == 1 or f.low == f.high:
        return prefix + format_number(f.high) + after
    spread = f"{format_number(f.low)} – {format_number(f.high)}{after}"
    return prefix + t(lang, "picture.figure_spread", spread=spread)


def _changes_section(page: _Page, picture: Picture) -> None:
    if picture.changes_since is None:
        return
    lang = page.lang
    since = local_time(picture.changes_since)
    # Which picture the changes are counted from: one narrowed to the same category, or
    # a whole one (storage/picture_service.baseline).
    if picture.category is None:
        title = t(lang, "picture.changed_since", since=since)
    elif picture.changes_against_whole:
        title = t(lang, "picture.changed_since_whole", since=since)
    else:
        name = _category_name(picture.category, lang)
        title = t(lang, "picture.changed_since_category", category=name, since=since)
    page.section(title)
    if not picture.changes:
        none = t(lang, "picture.nothing")
        page.text.append(none)
        page.html.append(f"<p>{none}</p>")
    grouped: dict[str, list[str]] = defaultdict(list)
    for c in picture.changes:
        grouped[c.kind].append(c.code)
    for kind in ("new", "updated", "resolved", "retracted"):
        if grouped[kind]:
            word = t(lang, f"picture.change_{kind}")
            page.paragraph(f"{word}: {', '.join(grouped[kind])}", bullet=True)
    if picture.changes_cut:
        # Newest first: without this line the oldest changes left the list unsaid.
        page.paragraph(
            t(lang, "picture.changes_cut", limit=len(picture.changes), prefix=page.prefix)
        )


def _questions_section(page: _Page, room_picture: RoomPicture, curator: bool) -> None:
    questions = room_picture.questions
    if not questions:
        return
    count = f"{len(questions)}+" if room_picture.more_questions else str(len(questions))
    title = t(page.lang, "picture.open_questions", count=count)
    lines, listed = render.bullets([open_question_line(q, with_asker=curator) for q in questions])
    page.text += ["", title, *lines]
    page.html.append(f"<h4>{render.escape(title)}</h4>{listed}")


async def picture_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    extra = unknown_options(parsed, ("incident", "since", "category"))
    if extra:
        raise UserError("picture.unknown_option", option=extra[0])
    binding = ctx.room.binding
    slug = (
        option(parsed, "incident")
        or (parsed.words[0] if parsed.words else None)
        or (binding.incident if binding else None)
    )
    if slug is None:
        raise UserError("picture.which_incident", prefix=ctx.prefix)
    incident: Incident | None = await incident_repo.get(session, slug.lower())
    if incident is None:
        raise UserError("picture.unknown_incident", slug=slug)
    await exercise.check_incident(ctx, incident.slug)
    since_text = option(parsed, "since")
    since = parse_since(since_text, ctx.now) if since_text else None
    if since_text and since is None:
        raise UserError("picture.since_not_understood")
    category_word = option(parsed, "category")
    category = lookup(CATEGORIES, category_word) if category_word else None
    if category_word and category is None:
        raise UserError("picture.unknown_category", category=render.shorten(category_word, 30))
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
        coordinator_of=alerts.coordinator_of(ctx.room.role, binding.incident if binding else None),
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
    if room_picture.full or room_picture.previous_full is None:
        reply = await objects.picture_section(
            session,
            access,
            room_picture.picture.entry_ids,
            now.astimezone(AMSTERDAM).date(),
            lang,
            reply,
        )
    # An exercise's picture says so first, also where no dispatcher passes (the scheduler).
    reply = exercise.mark(reply, lang) if room_picture.incident.exercise else reply
    # A curator room's picture names who asked (direct chats' questions too): for
    # curator rooms only, checked again just before the send.
    return for_curators(reply) if curator else reply


PICTURE = Command(
    name_nl="beeld",
    name_en="summary",
    reads_written=True,
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
