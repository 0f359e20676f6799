"""`!melding` / `!report`, `!meldingen` / `!entries`, and what edits and redactions do to entries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Protocol

from commands import closed_incident, domino, exercise, follow_up_rights, objects, render
from commands.common import age, local_time, option, page_number, session_of, unknown_options
from commands.context import AS_NEW_MESSAGE, CommandContext
from commands.dutch_numbers import format_number
from commands.dutch_time import TimeError, parse_time
from commands.errors import UserError
from commands.grammar import ParsedCommand, is_command, parse_raw, strip_reply_fallback
from commands.i18n import Language, t
from commands.message import Outgoing, Redaction, Reply
from commands.permissions import in_roles
from commands.phone import METRICS, shorten_words
from commands.registry import Command
from commands.report_parser import (
    Problem,
    ReportDraft,
    category_and_lines,
    parse_report,
    text_municipality,
)
from storage import alerts, audit, bounds, event_log, items, network, organisations, tlp
from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.ids import EventId, RoomId
from storage.models import CoordinatorAlert, EntryFigure, SituationEntry
from storage.timezone import AMSTERDAM
from storage.vocabulary import CATEGORIES, Category, Severity, Status, lookup

# CAP order: an edit that raises an entry along it may owe the coordinators an alert.

PAGE_SIZE = 10
MAX_PAGE_DIGITS = 9
_DURATION = re.compile(r"^(\d{1,4})\s*(m|min|u|h|uur|d|dag|dagen|days?)$")

may_report = in_roles("liaison")
may_list = in_roles("liaison", "coordinator")


def _problems_reply(ctx: CommandContext, problems: list[Problem], head: str) -> Reply:
    """A report's problems at once (a value, not an error), under `head` (already in ctx.lang)."""
    lines = [head]
    lines += [f"• {p.text(ctx.lang)}" for p in problems]
    lines.append(t(ctx.lang, "reports.nothing_was_stored_example", prefix=ctx.prefix))
    return render.plain("\n".join(lines))


def _refused(ctx: CommandContext, problems: list[Problem]) -> list[Outgoing]:
    """A report that is not stored: every problem at once, counted as refused."""
    ctx.events.append("report.refused")
    return [_problems_reply(ctx, problems, t(ctx.lang, "report_refused_head"))]


async def _room_entry_input(
    ctx: CommandContext, draft: ReportDraft
) -> entry_repo.EntryInput | list[Problem]:
    """The entry a report in this room makes: of the room's incident and organisation
    unless the report names another incident."""
    binding = ctx.room.binding
    incident, organisation = (binding.incident, binding.organisation) if binding else (None, None)
    return await _entry_input(ctx, draft, incident, organisation)


def _report_label(ctx: CommandContext, draft: ReportDraft, kept_label: str | None) -> str:
    """The `tlp:` field, else the room's default raised by a marking in the text. An edit
    without `tlp:` never lowers the report (`kept_label`, its label): the room's default
    may have been lowered since (an admin's "GREEN from now on"), and a typo fixed in
    yesterday's AMBER report must not make it GREEN without a word."""
    binding = ctx.room.binding
    default = binding.tlp_default if binding else "AMBER"
    label = draft.tlp or tlp.highest([default, *([kept_label] if kept_label else [])])
    if draft.tlp is None and draft.text_tlp is not None:
        # "… TLP:RED" in the text and no `tlp:` field: the marking the liaison copied
        # raises the room's default; a lower one never lowers it.
        label = tlp.highest([label, draft.text_tlp])
    return label


async def _entry_input(
    ctx: CommandContext,
    draft: ReportDraft,
    fallback_incident: str | None,
    organisation: str | None,
    kept_label: str | None = None,
) -> entry_repo.EntryInput | list[Problem]:
    session = session_of(ctx)
    binding = ctx.room.binding
    incident = draft.incident or fallback_incident
    if incident is None:
        return [Problem.of("reports.this_room_not_bound")]
    if draft.incident:
        # Only a named incident needs a look-up: a binding always names an existing one.
        found = await incident_repo.get(session, incident)
        if found is None or not found.open:
            return [Problem.of("reports.unknown_closed_incident", incident=incident)]
        # A report never crosses between an exercise and reality (storage/exercise.py).
        if found.exercise and not exercise.room_in_exercise(ctx):
            return [Problem.of("exercise.real_room_exercise_incident", slug=incident)]
        if exercise.room_in_exercise(ctx) and not found.exercise:
            return [Problem.of("exercise.exercise_room_real_incident", slug=incident)]
    crossing = exercise.words_cross_mode(ctx, draft.text)
    if crossing is not None:
        return [Problem.of(crossing)]
    label = _report_label(ctx, draft, kept_label)
    # The binding read its organisation's sectors already; another organisation is looked up.
    same_org = binding is not None and organisations.same(binding.organisation, organisation)
    known = binding.sectors if binding is not None and same_org else None
    sector = await domino.resolve_sector(session, draft.sector, draft.category, organisation, known)
    if isinstance(sector, Problem):
        return [sector]
    if draft.cause is not None:
        problem = await domino.check_cause(ctx, draft.cause, incident)
        if problem is not None:
            return [problem]
    return entry_repo.EntryInput(
        incident=incident,
        category=draft.category,
        organisation=organisation,
        observed_at=draft.observed_at or ctx.message.timestamp,
        municipality=draft.municipality,
        region=draft.region,
        location=draft.location,
        severity=draft.severity,
        status=draft.status,
        source=draft.source,
        sector=sector,
        text=draft.text,
        tlp=label,
        figures=[
            entry_repo.FigureInput(f.metric, f.value, f.unit, f.label, f.estimate, f.bound)
            for f in draft.figures
        ],
        cause_id=draft.cause,
    )


def describe(
    ctx: CommandContext,
    entry: SituationEntry,
    figures: Sequence[EntryFigure | entry_repo.FigureInput],
    head: str,
    cause_visible: bool = True,
) -> Reply:
    """The confirmation: short, one fact a line, readable on a phone.

    `cause_visible`: whether the receiving room may be told the id of the report's cause
    (the reporting room always may: its `oorzaak:` was checked against its view)."""
    lang = ctx.lang
    category = Category.display(entry.category, lang)
    severity = Severity.display(entry.severity, lang)
    status = Status.display(entry.status, lang)
    place = entry.municipality or entry.location or t(lang, "reports.unknown")
    if entry.region:
        place += f" ({entry.region})"
    elif entry.municipality:
        place += t(lang, "reports.region_unknown")
    if entry.location and entry.municipality:
        place += f", {entry.location}"
    lines = [
        f"{head} · {category} · TLP:{entry.tlp}",
        f"{t(lang, 'reports.organisation')}: {entry.organisation or '-'} · incident {entry.incident}",
        f"{t(lang, 'reports.place')}: {place}",
        f"{t(lang, 'reports.time')}: {local_time(entry.observed_at)} · "
        f"{t(lang, 'reports.severity')}: {severity} · Status: {status}",
    ]
    if figures:
        shown = ", ".join(figure_phrase(f) for f in figures)
        lines.append(f"{t(lang, 'reports.figures')}: {shown}")
    if entry.source:
        lines.append(f"{t(lang, 'reports.source')}: {entry.source}")
    if entry.text:
        lines.append(f"{t(lang, 'reports.text')}: {render.shorten(entry.text, 120)}")
    if entry.cause_id is not None and cause_visible:
        lines.append(t(lang, "domino.cause_line", code=f"M-{entry.cause_id}"))
    return render.plain("\n".join(lines))


def _place_of(data: entry_repo.EntryInput) -> str:
    place = data.municipality or data.location or "-"
    if data.region:
        place += f" ({data.region})"
    if data.location and data.municipality:
        place += f", {data.location}"
    return place


class ShownFigure(Protocol):
    """What a figure is written from: a stored one, one just read, or a picture's."""

    @property
    def label(self) -> str: ...
    @property
    def value(self) -> float: ...
    @property
    def unit(self) -> str | None: ...
    @property
    def bound(self) -> str | None: ...
    @property
    def estimate(self) -> bool: ...


def figure_phrase(f: ShownFigure) -> str:
    """ "opgevangen 160", "waterstand > 3,1 m NAP": a figure as the confirmation writes it
    (and the picture's line of a report without text), its bound or estimate marked."""
    unit = f" {f.unit}" if f.unit else ""
    return f"{f.label} {bounds.prefix(f.bound, f.estimate)}{format_number(f.value)}{unit}"


def _figures_of(data: entry_repo.EntryInput) -> str:
    return ", ".join(figure_phrase(f) for f in sorted(data.figures, key=lambda f: f.metric))


def changes(lang: Language, old: entry_repo.EntryInput, new: entry_repo.EntryInput) -> list[str]:
    """An edit's confirmation lines: each field that changed, as `old → new`."""
    nothing = t(lang, "reports.nothing")
    fields: list[tuple[str, str, str]] = [
        ("incident", old.incident or nothing, new.incident or nothing),
        (
            t(lang, "reports.category"),
            Category.display(old.category, lang),
            Category.display(new.category, lang),
        ),
        (t(lang, "reports.place"), _place_of(old), _place_of(new)),
        (t(lang, "reports.time"), local_time(old.observed_at), local_time(new.observed_at)),
        (
            t(lang, "reports.severity"),
            Severity.display(old.severity, lang),
            Severity.display(new.severity, lang),
        ),
        ("Status", Status.display(old.status, lang), Status.display(new.status, lang)),
        (t(lang, "reports.source"), old.source or nothing, new.source or nothing),
        (t(lang, "reports.sector"), old.sector or nothing, new.sector or nothing),
        ("TLP", old.tlp, new.tlp),
        (t(lang, "reports.figures"), _figures_of(old) or nothing, _figures_of(new) or nothing),
        (
            t(lang, "reports.text"),
            render.shorten(old.text, 60) if old.text else nothing,
            render.shorten(new.text, 60) if new.text else nothing,
        ),
    ]
    changed = [f"• {name}: {before} → {after}" for name, before, after in fields if before != after]
    if not changed:
        return [t(lang, "reports.unchanged")]
    return [t(lang, "reports.changed"), *changed]


def _exposure_warning(ctx: CommandContext, label: str) -> str | None:
    if tlp.RANK[label] < tlp.RANK["AMBER"]:
        return None
    if ctx.room.public:
        return t(ctx.lang, "reports.warning_this_room_public", label=label)
    if not ctx.room.encrypted:
        return t(ctx.lang, "reports.warning_this_room_not", label=label)
    return None


async def report_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    # "!melding opvang Sporthal open" - the rest of the first line is text.
    category_word, lines = category_and_lines(parsed.words, parsed.body_lines)
    draft = parse_report(category_word, lines, ctx.written, ctx.settings.vocabulary)
    if isinstance(draft, list):
        return _refused(ctx, draft)
    data = await _room_entry_input(ctx, draft)
    if isinstance(data, list):
        return _refused(ctx, data)
    follows = await _follow_up(ctx, draft, data)
    if isinstance(follows, list):
        return _refused(ctx, follows)
    item_id, target = follows if follows is not None else (None, None)
    withheld = _subject(ctx, draft, data, target, named=bool(category_word))
    if withheld is not None:
        return _refused(ctx, [withheld])
    entry = await entry_repo.record(
        session,
        data,
        ctx.sender,
        ctx.room.room_id,
        ctx.message.event_id,
        # A report that arrived as an edit (the dispatcher handles an edit of a message
        # without an entry as a new message): later edits and redactions name that message.
        origin_event_id=ctx.message.relation.replaces,
        item_id=item_id,
    )
    ctx.events.append("entry.recorded")
    # No separate audit row: the entry itself records who reported it, when and where
    # (one statement less on the hottest path); `entry.edited` and the rest are audited.
    head = t(ctx.lang, "reports.report_recorded", code=entry.code)
    if target is not None:
        # The item as the room sees it, also when the report was recorded apart
        # (`_follow_up`): the reply must not tell it so.
        head += " · " + t(ctx.lang, "report_follows", code=f"M-{items.item_of(target)}")
    reply = describe(ctx, entry, data.figures, head)  # just stored: not read back
    # Known objects the report names ('Bekend object: …'), linked and shown as this room may.
    known = await objects.confirmation_lines(ctx, entry)
    if target is not None:
        known.insert(0, follows_line(ctx.lang, target, entry.organisation))
    reply = render.with_lines(reply, known)
    closed_note = await closed_incident.alerts_note(ctx, entry)
    coordinator = await _alerts(ctx, entry, data.figures, note=closed_note)
    # Domino effects: answered items of this sector, and for a severe report the
    # dependent partners' alerts (outbox rows of this same transaction).
    domino_alerts, domino_note = await domino.after_record(ctx, entry)
    if domino_note:
        reply = render.with_lines(reply, [domino_note])
    reply = with_warning(reply, _exposure_warning(ctx, entry.tlp))
    reply = with_warning(reply, await _behind_item(ctx, entry, target))
    reply = with_warning(reply, await _not_followed(ctx, draft, target, entry))
    unseen, closed_warning, told = await closed_parts(ctx, entry, coordinator, closed_note)
    reply = with_warning(reply, unseen)
    reply = with_warning(reply, replaced_warning(ctx))
    reply = with_warning(reply, closed_warning)
    if target is None:
        reply = with_warning(reply, _no_category(ctx, category_word))
    return [reply, *coordinator.out, *told, *domino_alerts]


def _subject(
    ctx: CommandContext,
    draft: ReportDraft,
    data: entry_repo.EntryInput,
    target: SituationEntry | None,
    *,
    named: bool,
) -> Problem | None:
    """A follow-up's subject from the report it follows (`_inherit_subject`, which may
    refuse it), a new report's place from its text (`_place_from_text`)."""
    if target is None:
        _place_from_text(ctx, data)
        return None
    return _inherit_subject(data, target, labelled=draft.tlp is not None, named=named)


def _inherit_subject(
    data: entry_repo.EntryInput, target: SituationEntry, *, labelled: bool, named: bool
) -> Problem | None:
    """A follow-up that names no category takes the category of the report it follows,
    and, naming no place, its place (`named`: the follow-up named its category).
    `!melding` + `betreft: M-1` + `status: opgelost` was stored as overig at an unknown
    place: 'Laatste stand per categorie' kept showing M-1's water line as extreme and
    new, and `!beeld categorie=water` kept the resolved item in its attention list.
    The place is taken also when the category is named: `!melding opvang` + `betreft:
    M-2` + `opvangplekken beschikbaar: 0` was stored at an unknown place, and the
    region's sum kept M-2's 45 free places beside a placeless 0.

    Returns the refusal of a follow-up that keeps its item's place out (its label is
    lower) while it carries figures: stored at no place, its figure was a source of its
    own beside the item's, and a room that sees both counted the shelter twice. Its
    author names the place (the label then covers it) or takes the item's label."""
    if not named:
        data.category = target.category
    if data.municipality is not None or data.location is not None or data.region is not None:
        return None
    if tlp.RANK[target.tlp] > tlp.RANK[data.tlp]:
        # The place is as secret as its report: an AMBER shelter's address went into a
        # GREEN follow-up, read by every GREEN room (and its coordinators' alert).
        # Without a `tlp:` line the label is raised, as `_inherit` does for severity; a
        # lower `tlp:` line keeps the place out, and so does a named category: that
        # follow-up was written as a report of its own (its own label stands, as
        # test_attack_inherited_severity holds), and a RED item's place would raise it.
        if labelled or named:
            if data.figures:
                return Problem.of(
                    "reports.follow_up_figures_without_place", label=data.tlp, item=target.tlp
                )
            return None
        data.tlp = target.tlp
    data.municipality, data.location = target.municipality, target.location
    data.region = target.region
    return None


def _place_from_text(ctx: CommandContext, data: entry_repo.EntryInput) -> None:
    """A report (no follow-up: that keeps its item's place) naming no place takes the one
    municipality its text names (`report_parser.text_municipality`): the reply shows it,
    so a wrong reading is one edit away, and an unplaced report fell out of its region's
    picture."""
    if data.municipality is not None or data.location is not None or data.region is not None:
        return
    vocab = ctx.settings.vocabulary
    named = text_municipality(data.text or "", vocab)
    if named is not None:
        data.municipality, data.region = named, vocab.regions.region_of(named)


def _no_category(ctx: CommandContext, category_word: str | None) -> str | None:
    """A report with no category is kept (as other: an extreme report must not wait for
    a retyped message); the reply lists the categories, to be added by an edit."""
    if category_word:
        return None
    names = ", ".join(category.label(ctx.lang) for category in Category)
    return t(ctx.lang, "reports.no_category", categories=names, prefix=ctx.prefix)


async def closed_parts(
    ctx: CommandContext, entry: SituationEntry, coordinator: Alerts, note: str | None
) -> tuple[str | None, str | None, list[Outgoing]]:
    """The reporter's warning about the coordinators' alerts, the closed-incident line
    and what else goes to coordinators (`commands/closed_incident.py`; `note`: the
    alerts' closed-incident line, None when the incident is open). A severe report no
    coordinator room of the closed incident may see went to those of the open incidents
    (`_alerts`), and the line says so."""
    if note is None:
        return coordinator.warning, None, []
    # A redacted alert tells a room that the report exists, not what it says: not "told".
    full = [
        out
        for out in coordinator.out
        if not (isinstance(out, Reply) and out.room_id in coordinator.heard)
    ]
    told = await closed_incident.told(ctx, entry, full, coordinator.elsewhere)
    return coordinator.warning, told.warning, told.out


def replaced_warning(ctx: CommandContext) -> str | None:
    """In an upgraded room still written in (storage/succession.py): the report counts,
    and the room it went on in is named, so the liaison moves there."""
    binding = ctx.room.binding
    if binding is None or binding.replaced_by is None:
        return None
    return t(ctx.lang, "reports.room_replaced", new=binding.replaced_by)


async def _not_followed(
    ctx: CommandContext, draft: ReportDraft, target: SituationEntry | None, entry: SituationEntry
) -> str | None:
    """A report sent as a reply to a report of this room that it could not follow up (it
    was retracted, or it belongs to the incident the room reported on before it was
    bound anew) is a new item: said, with why, or a `status: opgelost` meant for that
    report looks as if it closed it. (`betreft:` is refused instead.)"""
    reply_to = ctx.message.relation.reply_to
    if target is not None or draft.follows is not None or reply_to is None:
        return None
    behind = await items.entry_behind(session_of(ctx), reply_to, ctx.room.room_id)
    if behind is None or behind.id == entry.id:
        return None
    if behind.retracted_at is not None:
        return t(ctx.lang, "reports.not_followed_retracted", code=behind.code)
    if behind.incident != entry.incident:
        return t(
            ctx.lang,
            "reports.not_followed_incident",
            code=behind.code,
            incident=behind.incident or "-",
            current=entry.incident or "-",
        )
    return None


async def _behind_item(
    ctx: CommandContext, entry: SituationEntry, target: SituationEntry | None
) -> str | None:
    """A follow-up observed before its item's current state (the latest entry by observed
    time, storage/items.py) does not become that state: its severity or status changes
    nothing in the picture. Said, naming the later report this room sees, so a liaison
    whose `tijd:` is the moment an escalation happened, or a typo, can correct it.

    The item is the one the room sees the report follow (`target`'s): one recorded apart
    (`follow_up_rights.lowers_unseen`) is answered as that item's follow-up. Without the
    warning there, its absence told the room the item holds a state it may not see
    (review 17a)."""
    item_id = items.item_of(target) if target is not None else entry.item_id
    if item_id is None:
        return None
    latest = await items.latest_in_item(session_of(ctx), ctx.room.access, item_id)
    if latest is None or latest.id == entry.id:
        return None
    if (_utc(latest.observed_at), latest.id) < (_utc(entry.observed_at), entry.id):
        return None  # recorded apart, and later than the item's state the room sees
    return t(
        ctx.lang,
        "reports.warning_observed_before_item",
        code=latest.code,
        time=local_time(latest.observed_at),
    )


def _utc(moment: datetime) -> datetime:
    """`moment` as an aware time (SQLite gives stored times back naive, in UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def with_warning(reply: Reply, warning: str | None) -> Reply:
    """`reply` with `warning` as its last line, in bold (as is), or `reply` without one."""
    return render.with_lines(reply, [warning] if warning else [], bold=True)


def follows_line(lang: Language, target: SituationEntry, organisation: str | None) -> str:
    """What the followed report is (category, organisation, place), for the confirmation:
    a mistyped `betreft:` number attaches a report to, and can close, another item; the
    reporter sees here which one, and is told when it is another organisation's."""
    place = ", ".join(p for p in (target.municipality, target.location) if p) or "-"
    line = t(
        lang,
        "reports.follows_what",
        code=target.code,
        category=Category.display(target.category, lang),
        organisation=target.organisation or "-",
        place=place,
    )
    if target.organisation != organisation:
        line += " " + t(lang, "reports.follows_other_organisation")
    return line


async def _follow_up(
    ctx: CommandContext, draft: ReportDraft, data: entry_repo.EntryInput
) -> tuple[int | None, SituationEntry] | list[Problem] | None:
    """The situation item this report updates (a reply to a report or to its
    confirmation, or `betreft: M-7`) and the report it named, or None for a new item. A
    follow-up that does not name its severity keeps the item's: "status: opgelost"
    alone closes it.

    A follow-up that would lower a severe state its room may not see
    (`follow_up_rights.lowers_unseen`) is recorded in the item, marked
    `keeps_item_state`: it does not lower that state for the rooms that see it
    (storage/items.py `_state`), and is otherwise a follow-up like any other. Answered
    as a new item (review 11), or kept as an item of its own (a follow-up naming it
    was answered "vervolg op" the room's own report), it told the room that the item
    holds a severe state it may not see."""
    reply_to = ctx.message.relation.reply_to
    if draft.follows is None and reply_to is None:
        return None  # the common case costs no query
    session = session_of(ctx)
    target, unknown = await items.follow_target(
        session, ctx.room.access, data.incident or "", code=draft.follows, reply_to=reply_to
    )
    if unknown:
        code = f"M-{draft.follows}"
        return [Problem.of("report_follows_unknown", code=code)]
    if target is None:
        return None
    item_id = items.item_of(target)
    seen = await items.latest_in_item(session, ctx.room.access, item_id)
    source = seen or target
    carried = data.severity if "severity" in draft.given else source.severity
    apart = await follow_up_rights.lowers_unseen(ctx, item_id, data, carried, seen)
    if "severity" not in draft.given:
        inherited = _inherit(draft, data, source)
        if inherited is not None:
            return [inherited]
    if apart:
        # Part of the item, without lowering the state it may not see (storage/items.py
        # `_state`; follow_up_rights.lowers_unseen says why).
        data.keeps_item_state = True
        return item_id, target
    refused = await follow_up_rights.refusal(ctx, item_id, data, draft.given)
    if refused is not None:
        return [refused]
    return item_id, target


def _inherit(
    draft: ReportDraft, data: entry_repo.EntryInput, source: SituationEntry
) -> Problem | None:
    """A follow-up without `ernst:` takes its item's severity from `source` (the item's
    state as this room sees it), and with it `source`'s label: that severity is
    `source`'s information. Labelled lower, a RED item's "extreme" went out in GREEN
    alerts and attention lists. Without a `tlp:` line the label is raised (as a marking
    raises the room's default); a lower `tlp:` line is refused with the reason."""
    data.severity = source.severity
    if source.status == "resolved" and "status" not in draft.given:
        # A note on a closed item ("Nazorg loopt") leaves it closed: with the status
        # "nieuw" and the item's severity it reopened the item as extreme, alerted the
        # coordinators anew, also from an organisation that may not close it. Naming
        # `ernst:` or `status:` still reopens it.
        data.status = source.status
    if tlp.RANK[source.tlp] <= tlp.RANK[data.tlp]:
        return None
    if draft.tlp is not None:
        return Problem.of("reports.follow_up_label_below_item", label=data.tlp, item=source.tlp)
    data.tlp = source.tlp
    return None


async def _alerted(ctx: CommandContext, entry: SituationEntry) -> dict[str, tuple[int, bool]]:
    """Coordinator room -> the highest severity rank its standing alert about this entry
    was about, and whether that alert showed the report (`full`; else the redacted form
    of a room that may only hear of it). A room told that the entry no longer holds is
    alerted anew."""
    standing = await alerts.standing(session_of(ctx), CoordinatorAlert, entry.id)
    return {
        room: (row.severity_rank, row.full)
        for room, row in standing.items()
        if isinstance(row, CoordinatorAlert)
    }


@dataclass(frozen=True)
class Alerts:
    """What `_alerts` made: the alerts (and withdrawals) to send, and the warning for the
    reporter when no coordinator room of the incident may see a severe report."""

    out: list[Outgoing]
    warning: str | None = None
    # The incident is closed and none of its coordinator rooms may see the severe
    # report: the alerts went to those of open incidents (`closed_incident.alert_views`).
    elsewhere: bool = False
    # The rooms that got the redacted alert (they may only hear of the report): they were
    # not told what it says, so they do not count as told (`closed_parts`).
    heard: frozenset[str] = frozenset()


async def _alerts(
    ctx: CommandContext,
    entry: SituationEntry,
    figures: Sequence[EntryFigure | entry_repo.FigureInput],
    after_edit: bool = False,
    note: str | None = None,
    moved: bool = True,
) -> Alerts:
    """A severe or extreme report goes at once to the incident's coordinator rooms that may see it.

    After an edit (or a withdrawn edit), a room hears about the entry once per severity
    it reaches: an edit that makes it severe alerts like a new severe report, one that
    keeps it severe does not, and one that raises it to extreme does again. One that
    takes it below severe or into another incident tells the rooms whose alert stands
    that it no longer holds (`domino.withdraw_alerts`, as for the domino alerts).

    The same walk over the coordinator rooms finds whether any of them sees the report
    (or it was sent in one): if none does (a label above their clearance, RED, or no
    coordinator room at all), `warning` tells the reporter so. The label stays as the
    partner chose; without it the reporter would believe the coordinators were alerted.
    A room that may only hear of it gets the redacted alert (`_walk`).
    """
    # A resolved follow-up (or a report edited to resolved) no longer needs the
    # coordinators' attention, as in the picture: no alert about the end of an alarm.
    resolved = domino.resolves(entry, after_edit)
    if entry.severity not in ("Severe", "Extreme") or resolved or entry.incident is None:
        return Alerts(await _no_alert(ctx, entry, resolved, after_edit))
    session = session_of(ctx)
    alerted = await _alerted(ctx, entry) if after_edit else {}
    out: list[Outgoing] = []
    views = await room_repo.coordinator_views(session, entry.incident)
    elsewhere = await closed_incident.alert_views(ctx, entry, views)
    if elsewhere is not None:
        # The closed incident's own rooms stay in the walk after the fallback's: none may
        # see the report, but one that may hear of it gets the redacted alert, as in an
        # open incident (and its standing alert is not taken for one that "moved").
        views = [*elsewhere, *views]
        note = note or closed_incident.alert_note(ctx, entry)
    # Every coordinator room with a standing alert is checked, not only `views`: a
    # closed incident's own rooms (when its fallback went elsewhere) and a fallback's
    # rooms (after a reopen) had it too.
    every = await room_repo.role_views(session, "coordinator") if alerted else []
    withdrawn, hidden = await _withdraw_hidden(ctx, entry, alerted, every)
    out += withdrawn
    alerted = {room: had for room, had in alerted.items() if room not in hidden}
    walked = await _walk(ctx, entry, figures, views, alerted, note)
    out += walked.out
    await alerts.record(
        session, CoordinatorAlert, entry.id, walked.claimed, ctx.message.event_id, replace=True
    )
    seen, heard, told_heard = walked.seen, walked.heard, walked.told_heard
    warning = None
    if not seen:
        warning = _unseen_warning(ctx, entry, bool(views), bool(heard))
    gone = await _moved_out(ctx, entry, views) if after_edit and moved else []
    return Alerts([*gone, *out], warning, elsewhere is not None, frozenset(told_heard))


@dataclass
class _Walked:
    """What the walk over the coordinator rooms made (`_walk`)."""

    out: list[Outgoing] = field(default_factory=list)
    claimed: dict[str, alerts.AlertClaim] = field(default_factory=dict)
    seen: bool = False  # by a coordinator room (or sent in one)
    heard: bool = False  # some room may only hear of it
    told_heard: set[str] = field(default_factory=set)  # those alerted now


async def _walk(
    ctx: CommandContext,
    entry: SituationEntry,
    figures: Sequence[EntryFigure | entry_repo.FigureInput],
    views: closed_incident.Views,
    alerted: dict[str, tuple[int, bool]],
    note: str | None,
) -> _Walked:
    """The alerts for the coordinator rooms `views` (once per severity).

    A coordinator room that may not see the report but may hear of it (`tlp.may_hear_of`:
    above its clearance, not RED, AMBER+STRICT only within its organisation) gets the
    redacted alert (`_heard_alert`): that a severe report exists in its incident, its
    code, and whom to ask; none of its words, figures or place. It was told nothing, and
    the coordinators did not know that a partner held back a severe situation. Recorded
    as a redacted alert (`full` False), so it is sent once and withdrawn as a full one
    is; a room that may see the report later (a lower label) gets the full alert then.
    Such a room does not "see" the report: the reporter's warning says that the
    coordinators only heard of it."""
    walked = _Walked()
    rank = Severity.of(entry.severity).rank
    for room_id, binding, public, direct in views:
        if room_id == ctx.room.room_id:
            walked.seen = True  # sent in a coordinator room: the coordinators have it
            continue
        access = tlp.RoomAccess.for_binding(room_id, binding, public, direct)
        full = tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation)
        if not full and not tlp.may_hear_of(access, entry.tlp, entry.room_id, entry.organisation):
            continue
        walked.seen = walked.seen or full
        walked.heard = walked.heard or not full
        had_rank, had_full = alerted.get(room_id, (-1, False))
        # Once per severity; a room that had only the redacted alert and may now see the
        # report (a lower label) gets the full one.
        if had_rank >= rank and (had_full or not full):
            continue
        if full:
            walked.out.append(await _alert_sent(ctx, entry, figures, access, note))
        else:
            walked.out.append(await _heard_alert_sent(ctx, entry, access, note))
            walked.told_heard.add(room_id)
        walked.claimed[room_id] = alerts.AlertClaim(
            full, domino.alert_label(entry, full, access), rank
        )
    return walked


async def _moved_out(
    ctx: CommandContext, entry: SituationEntry, views: closed_incident.Views
) -> list[Outgoing]:
    """After an edit that moved the report into this incident: the other incidents'
    coordinators had it as theirs, and their alerts are withdrawn as "moved". Only then
    (`_alerts`' `moved`): an edit that kept the incident leaves another incident's
    standing alert (a closed incident's fallback, `closed_incident.alert_views`, also
    after a reopen) as it is; the report never moved."""
    here = {room_id for room_id, *_ in views}
    return await domino.withdraw_alerts(
        ctx, entry, "moved", keep_rooms=here, kind=domino.COORDINATOR
    )


async def _no_alert(
    ctx: CommandContext, entry: SituationEntry, resolved: bool, after_edit: bool
) -> list[Outgoing]:
    """A report that does not alert: the standing alerts it ends are withdrawn - its own
    after an edit, and the item's earlier ones it resolved or lowered."""
    settled = await domino.settle_item(ctx, entry, after_edit, domino.COORDINATOR)
    if not after_edit:
        return settled
    why = "moved" if entry.incident is None else "resolved" if resolved else "below"
    own = await domino.withdraw_alerts(
        ctx, entry, why, kind=domino.COORDINATOR, follow_up=entry.code
    )
    return [*own, *settled]


async def _alert_sent(
    ctx: CommandContext,
    entry: SituationEntry,
    figures: Sequence[EntryFigure | entry_repo.FigureInput],
    access: tlp.RoomAccess,
    note: str | None = None,
) -> Outgoing:
    """The alert for one coordinator room, audited as sent; `note` (why it comes again)
    as its last line."""
    alert = await _coordinator_alert(ctx, entry, figures, access)
    return await _noted_and_audited(ctx, alert, entry, access, note, {})


async def _heard_alert_sent(
    ctx: CommandContext, entry: SituationEntry, access: tlp.RoomAccess, note: str | None
) -> Outgoing:
    """The redacted alert for a coordinator room that may only hear of `entry`, audited
    as sent (`redacted`); `note` (why it comes again) as its last line."""
    alert = _heard_alert(ctx, entry, access)
    return await _noted_and_audited(ctx, alert, entry, access, note, {"redacted": True})


async def _noted_and_audited(
    ctx: CommandContext,
    alert: Reply,
    entry: SituationEntry,
    access: tlp.RoomAccess,
    note: str | None,
    extra: dict[str, object],
) -> Reply:
    """A coordinator alert (full or redacted) with `note` as its last line, audited as
    sent to `access`'s room."""
    if note:
        alert = render.with_lines(alert, [note], bold=True)
    detail: dict[str, object] = {
        "incident": entry.incident,
        "tlp": entry.tlp,
        "clearance": access.clearance,
        "severity": entry.severity,
        **extra,
    }
    await audit.add(
        session_of(ctx), "bot", "alert.sent", access.room_id, subject=entry.code, detail=detail
    )
    return alert


def _heard_alert(ctx: CommandContext, entry: SituationEntry, access: tlp.RoomAccess) -> Reply:
    """What a coordinator room that may only hear of `entry` is told: its severity, code
    and incident, that its content is above the room's clearance and whom to ask. None
    of its words, figures, place or label. Its organisation only where the room is of
    that organisation (it tells the room nothing new; AMBER+STRICT is heard of only
    there): another organisation's name, with the incident and the time, would point at
    a partner's situation the label holds back. Under the redacted alert's label
    (`domino.alert_label`: GREEN)."""
    lang = ctx.lang
    lines = [
        t(
            lang,
            "reports.alert_heard_head",
            severity=domino.ADJECTIVE[entry.severity],
            code=entry.code,
            incident=entry.incident or "-",
        )
    ]
    if entry.organisation is not None and organisations.same(
        entry.organisation, access.organisation
    ):
        lines.append(t(lang, "reports.alert_heard_own", organisation=entry.organisation))
    lines.append(t(lang, "reports.alert_heard_body"))
    text = "\n".join(lines)
    html = f"<p><b>{render.escape(lines[0])}</b></p>" + "".join(
        f"<p>{render.escape(line)}</p>" for line in lines[1:]
    )
    label = domino.alert_label(entry, False, access)
    return Reply(text=text, html=html, room_id=RoomId(access.room_id), notify=True, tlp=label)


def _unseen_warning(ctx: CommandContext, entry: SituationEntry, any_room: bool, heard: bool) -> str:
    if not any_room:
        return t(ctx.lang, "reports.warning_no_coordinator_room")
    if heard:
        return t(ctx.lang, "reports.warning_coordinators_only_heard", label=entry.tlp)
    return t(ctx.lang, "reports.warning_no_coordinator_sees", label=entry.tlp)


async def _withdraw_hidden(
    ctx: CommandContext,
    entry: SituationEntry,
    alerted: dict[str, tuple[int, bool]],
    views: Sequence[tuple[str, room_repo.BindingView, bool, bool]],
) -> tuple[list[Outgoing], set[str]]:
    """An edit took the report out of the view of coordinator rooms it had alerted (a
    higher label): their picture drops it, so their alert is withdrawn with a notice
    that names nothing of it (`withdraw_alerts`: the room may not see it now), and the
    rooms withdrawn from. Brought back into view later, they are alerted anew; one that
    may still hear of it gets the redacted alert at once (`_alerts`). A redacted alert
    stands while the room may hear of the report; one it may no longer even hear of
    (RED, another organisation's AMBER+STRICT) is withdrawn the same way."""
    hidden: set[str] = set()
    standing = await alerts.standing(session_of(ctx), CoordinatorAlert, entry.id)
    for room_id, binding, public, direct in views:
        if room_id not in alerted or room_id not in standing:
            continue
        access = tlp.RoomAccess.for_binding(room_id, binding, public, direct)
        if tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation):
            continue
        # A full alert the room may no longer see the label of (its clearance lowered
        # since) is one of a report it only hears of: it stands as a redacted one does,
        # an edit it may not see tells it nothing (review 19a).
        seen = not domino.heard_only(standing[room_id], entry, access)
        if seen or not tlp.may_hear_of(access, entry.tlp, entry.room_id, entry.organisation):
            hidden.add(room_id)
    if not hidden:
        return [], hidden
    keep = set(alerted) - hidden
    out = await domino.withdraw_alerts(
        ctx, entry, "hidden", keep_rooms=keep, kind=domino.COORDINATOR
    )
    return out, hidden


async def _coordinator_alert(
    ctx: CommandContext,
    entry: SituationEntry,
    figures: Sequence[EntryFigure | entry_repo.FigureInput],
    access: tlp.RoomAccess,
) -> Reply:
    head = t(
        ctx.lang,
        "reports.alert_head",
        severity=domino.ADJECTIVE[entry.severity],
        code=entry.code,
    )
    shows_cause = entry.cause_id is None or await domino.cause_visible(
        session_of(ctx), access, entry.cause_id
    )
    alert = describe(ctx, entry, figures, head, shows_cause)
    room = RoomId(access.room_id)
    # Its label: the report's, or its cause's where the alert names the cause's id.
    cause = {entry.cause_id} if entry.cause_id is not None and shows_cause else set()
    label = tlp.highest([entry.tlp, await network.highest_label(session_of(ctx), cause)])
    return Reply(text=alert.text, html=alert.html, room_id=room, notify=True, tlp=label)


async def on_edit(ctx: CommandContext) -> list[Outgoing] | None:
    """An `m.replace` of a report makes a new revision; an edit of a message that left no
    entry is handed back (AS_NEW_MESSAGE) to be handled as the new message it now is.

    As the Matrix spec asks, an edit counts only from the original sender and in the
    original's room. An edit naming a message of another room gets the same answer as
    one naming a message the bot never saw, so it tells nothing about that room.
    """
    session = session_of(ctx)
    original = ctx.message.relation.replaces
    if original is None:
        return []
    entry = await entry_repo.by_message(session, original)
    if entry is None:
        return await _edit_without_entry(ctx, original)
    if entry.origin_event_id not in (None, original):
        return []  # names the edit that made the report: an edit of an edit is no replacement
    lang = ctx.lang
    if entry.room_id != ctx.room.room_id:
        return _unknown_original(ctx)
    if ctx.sender != entry.reporter:
        return [render.plain(t(lang, "reports.only_reporter_can_change", code=entry.code))]
    if entry.retracted_at is not None:
        return [render.plain(t(lang, "reports.was_retracted_not_changed", code=entry.code))]
    # A report stays in its own mode: an edit typed since the room was rebound across
    # real and exercise would carry the one's words into the other (and its alerts).
    await exercise.check_incident(ctx, entry.incident)
    keep = t(ctx.lang, "reports.edit_not_stored", revision=entry.revision, code=entry.code)
    read = _read_edited_report(ctx, strip_reply_fallback(ctx.message.body))
    if isinstance(read, list):
        return [_problems_reply(ctx, read, keep)]
    category_word, draft = read
    data = await _entry_input(ctx, draft, entry.incident, entry.organisation, entry.tlp)
    if isinstance(data, list):
        return [_problems_reply(ctx, data, keep)]
    if draft.observed_at is None:
        # An edit corrects what the report said; it observes nothing new. Taken as
        # observed at the edit's time, a typo fixed in an owner's earlier resolve made it
        # the item's latest state, after a later flare-up: the extreme item left the
        # attention list. A new observation is a follow-up, or an edit naming `tijd:`.
        data.observed_at = entry.observed_at
    moved = await _edit_follows(ctx, draft, data, entry)
    if isinstance(moved, list):
        return [_problems_reply(ctx, moved, keep)]
    refused = await _edit_refused_in_item(ctx, draft, data, entry, moved)
    if refused is not None:
        return [_problems_reply(ctx, [refused], keep)]
    if moved is None:
        await _edit_keeps_unseen_state(ctx, data, entry)
    withheld = await _edit_inherits_subject(
        ctx, draft, data, entry, moved, named=bool(category_word)
    )
    if withheld is not None:
        return [_problems_reply(ctx, [withheld], keep)]
    return await _revise_entry(ctx, entry, data, moved)


async def _edit_inherits_subject(
    ctx: CommandContext,
    draft: ReportDraft,
    data: entry_repo.EntryInput,
    entry: SituationEntry,
    moved: tuple[int, SituationEntry] | None,
    *,
    named: bool,
) -> Problem | None:
    """An edit takes its subject as a fresh follow-up does (`_inherit_subject`; `named`:
    the edit names its category): from the report its new `betreft:` names, or, staying
    in an item it does not open (its `betreft:` kept or removed), from the item's state
    before it. Without this an edit that added `betreft: M-1` moved the entry to M-1 as
    "overig" at no place, and any later edit of a follow-up did the same: the item's
    latest state left its category's line of the picture. An item's own opening report
    reads its place from its text as when it was sent (`_place_from_text`)."""
    labelled = draft.tlp is not None
    if moved is not None:
        return _inherit_subject(data, moved[1], labelled=labelled, named=named)
    item_id = items.item_of(entry)
    if item_id == entry.id:
        _place_from_text(ctx, data)
        return None
    before = await items.state_before(session_of(ctx), ctx.room.access, item_id, entry)
    return _inherit_subject(data, before or entry, labelled=labelled, named=named)


async def _edit_refused_in_item(
    ctx: CommandContext,
    draft: ReportDraft,
    data: entry_repo.EntryInput,
    entry: SituationEntry,
    moved: tuple[int, SituationEntry] | None,
) -> Problem | None:
    """Whether the edited report may stand in its item (`follow_up_rights`). An edit of a
    follow-up that stays in its item and names no severity takes the more severe of the
    severity it has and the item's state before it: a corrected typo must not turn the
    item's severity to unknown and take it out of the attention list, and an edit that
    removes a lowering `ernst: gering` must not leave the item lowered (it stayed out of
    the attention list, the coordinators told it was over)."""
    item_id = moved[0] if moved is not None else items.item_of(entry)
    if item_id == entry.id:
        return None  # the item's own opening report
    if moved is None and "severity" not in draft.given:
        # The item's severity, with the label of the item's state it came from.
        source = await items.state_before(session_of(ctx), ctx.room.access, item_id, entry)
        inherited = _inherit(draft, data, source or entry)
        if Severity.of(entry.severity).rank > Severity.of(data.severity).rank:
            data.severity = entry.severity
        if inherited is not None:
            return inherited
    return await follow_up_rights.refusal(ctx, item_id, data, draft.given)


def _read_edited_report(
    ctx: CommandContext, body: str
) -> tuple[str | None, ReportDraft] | list[Problem]:
    """The edited message read as a report again, as `!melding` reads a new one, with
    the category word it names (None: none)."""
    if not is_command(body, ctx.prefix):
        return [Problem.of("reports.message_no_longer_report")]
    parsed = parse_raw(body, ctx.prefix)
    category_word, lines = category_and_lines(parsed.words, parsed.body_lines)
    draft = parse_report(category_word, lines, ctx.written, ctx.settings.vocabulary)
    return draft if isinstance(draft, list) else (category_word, draft)


async def _revise_entry(
    ctx: CommandContext,
    entry: SituationEntry,
    data: entry_repo.EntryInput,
    moved: tuple[int, SituationEntry] | None,
) -> list[Outgoing]:
    """Store the edit as the entry's next revision; the reply lists what changed."""
    moved_to = moved[0] if moved is not None else None
    session = session_of(ctx)
    lang = ctx.lang
    old = await entry_repo.current_input(session, entry)
    left = items.item_of(entry)
    # The revision records the item, so withdrawing this edit moves the entry back.
    data.item_id = moved_to if moved_to is not None else items.item_of(entry)
    await entry_repo.revise(session, entry, data, ctx.message.event_id, ctx.sender)
    await ctx.audit(
        session,
        "entry.edited",
        subject=entry.code,
        detail={"revision": entry.revision, "tlp": entry.tlp},
    )
    figures = data.figures
    head = t(lang, "reports.report_updated_revision", code=entry.code, revision=entry.revision)
    if moved is not None:
        # The item as the room sees it (`_edit_follows`: also when recorded apart).
        head += " · " + t(lang, "report_follows", code=f"M-{items.item_of(moved[1])}")
    reply = describe(ctx, entry, figures, head)
    lines = changes(lang, old, data)
    shown = tlp.highest([old.tlp, entry.tlp])
    if not tlp.may_see(ctx.room.access, shown, entry.room_id, entry.organisation):
        # A room that turned public sees CLEAR only, its own posts too: the previous
        # version's words are not repeated there (the new ones are the edit's own),
        # also when they were CLEAR and the edit raised the report: they now stand
        # under its new label.
        lines = [t(lang, "reports.changes_not_shown", label=shown)]
    if moved is not None:
        lines.insert(0, follows_line(lang, moved[1], entry.organisation))
    # The edited text may name other known objects: the links are made again.
    lines += await objects.confirmation_lines(ctx, entry, relink=True)
    reply = render.with_lines(reply, lines)
    closed_note = await closed_incident.alerts_note(ctx, entry)
    moved_incident = old.incident != entry.incident
    coordinator = await _alerts(
        ctx, entry, figures, after_edit=True, note=closed_note, moved=moved_incident
    )
    shown_item = moved[1] if moved is not None else None
    reply = with_warning(reply, await _behind_item(ctx, entry, shown_item))
    reply = with_warning(reply, coordinator.warning)
    if closed_note is not None:  # as a new report into it is told (closed_incident.py)
        closed = t(lang, "closed.edit_warning", slug=entry.incident, prefix=ctx.prefix)
        reply = with_warning(reply, closed)
    # An edit that makes the report severe alerts its dependent partners (once per room).
    domino_alerts, _ = await domino.after_record(ctx, entry, edited=True)
    reopened = await _reopened(ctx, left, entry) if moved_to is not None else []
    return [reply, *coordinator.out, *domino_alerts, *reopened]


async def _reopened(ctx: CommandContext, item_id: int, left: SituationEntry) -> list[Outgoing]:
    """`left` no longer counts for item `item_id` (retracted, moved to another item by an
    edit, or the edit that put it there withdrawn). Had it resolved the item or taken it
    below severe, the coordinators were told their alert no longer holds
    (`domino.settle_item`), while the item is now severe and open again, back in the
    picture's attention list: the coordinator rooms that may see its latest state are
    alerted anew, saying so, and so are the partners whose sectors depend on it
    (`domino.item_reopened`). A room whose alert about that state still stands hears
    nothing (`_alerts` after an edit: once per severity; domino: once per cause)."""
    if item_id == left.id:
        return []  # the item's opening report: its follow-ups keep their own alerts
    session = session_of(ctx)
    latest = await items.latest_in_item(session, ctx.room.access, item_id)
    if latest is None or latest.status == "resolved" or latest.severity not in domino.SEVERE:
        return []
    figures = (await entry_repo.figures_of(session, [latest.id])).get(latest.id, [])
    note = t(ctx.lang, "reports.alert_item_open_again")
    # The item's latest state stays in its incident: no other incident's alert "moved".
    out = (await _alerts(ctx, latest, figures, after_edit=True, note=note, moved=False)).out
    return [*out, *await domino.item_reopened(ctx, latest, note)]


async def _edit_follows(
    ctx: CommandContext,
    draft: ReportDraft,
    data: entry_repo.EntryInput,
    entry: SituationEntry,
) -> tuple[int, SituationEntry] | list[Problem] | None:
    """The item an edit moves the entry to (and the report its `betreft:` names): the one
    its `betreft:` names, if that is not
    the entry's own item. Without `betreft:` the entry stays where it is. The item the
    entry leaves keeps its other entries; without any it no longer exists."""
    # An entry that stays in its item keeps its mark (`keeps_item_state`): an edit must
    # not make it lower the state its room may not see.
    data.keeps_item_state = entry.keeps_item_state
    if draft.follows is None:
        return None
    target, unknown = await items.follow_target(
        session_of(ctx), ctx.room.access, data.incident or "", code=draft.follows, reply_to=None
    )
    if unknown or target is None:
        return [Problem.of("report_follows_unknown", code=f"M-{draft.follows}")]
    item_id = items.item_of(target)
    if item_id == items.item_of(entry) or target.id == entry.id:
        return None
    data.keeps_item_state = False
    seen = await items.latest_in_item(session_of(ctx), ctx.room.access, item_id)
    latest = seen or target
    carried = data.severity if "severity" in draft.given else latest.severity
    apart = await follow_up_rights.lowers_unseen(ctx, item_id, data, carried, seen)
    if "severity" not in draft.given:
        inherited = _inherit(draft, data, latest)
        if inherited is not None:
            return [inherited]
    if apart:
        # Moved into the item without lowering the state it may not see, as a new
        # follow-up (`_follow_up`; follow_up_rights.lowers_unseen says why).
        data.keeps_item_state = True
    return item_id, target


async def _edit_keeps_unseen_state(
    ctx: CommandContext, data: entry_repo.EntryInput, entry: SituationEntry
) -> None:
    """An edit that leaves the entry in its item is marked `keeps_item_state` when it
    would lower (or resolve) a severe state of the item its room cannot see, as a new
    follow-up is (`_follow_up`; follow_up_rights.lowers_unseen says why). The edit is
    the entry's revision observed now: unmarked, the owner's GREEN room's edit of its
    own opening report to "status: opgelost" became the item's latest state and closed
    the item an AMBER follow-up had made extreme, the coordinators' alert withdrawn
    (review 18a). A mark it has stays (`_edit_follows`)."""
    item_id = items.item_of(entry)
    seen = await items.latest_in_item(session_of(ctx), ctx.room.access, item_id)
    if await follow_up_rights.lowers_unseen(ctx, item_id, data, data.severity, seen):
        data.keeps_item_state = True


async def _edit_without_entry(ctx: CommandContext, original: str) -> list[Outgoing] | None:
    """An edit of a message that left no entry: the new content counts as a new message,
    if the bot saw that message, in this room, from this sender."""
    seen = await event_log.seen(session_of(ctx), original)
    if seen is None or seen.room_id != ctx.room.room_id:
        return _unknown_original(ctx)
    if seen.effect.startswith(event_log.EDIT_EFFECT):
        # The Matrix spec forbids an edit of an edit and clients ignore one: read as a
        # new message it recorded the report (or decision) a second time.
        return _edit_refused(ctx, "edit_of_an_edit")
    if seen.sender != ctx.sender:
        return _edit_refused(ctx, "edit_other_sender")
    return AS_NEW_MESSAGE


def _unknown_original(ctx: CommandContext) -> list[Outgoing]:
    return _edit_refused(ctx, "edit_unknown_original")


def _edit_refused(ctx: CommandContext, key: str) -> list[Outgoing]:
    """Say why an edit was not followed, when it was meant as a command; chatter and
    notices (another bot's edits) are left alone."""
    body = strip_reply_fallback(ctx.message.body)
    if ctx.message.msgtype == "m.notice" or not is_command(body, ctx.prefix):
        return []
    return [render.plain(t(ctx.lang, key, prefix=ctx.prefix))]


async def on_redaction(ctx: CommandContext) -> list[Outgoing]:
    """Redacting a report retracts its entry; redacting an edit goes back one revision.

    Only a redaction by the author or by a member whose power reaches the room's
    `redact` level, in the entry's own room, is followed. (The homeserver checks local
    redactions, but events from other servers arrive before that check.) A redaction
    from another room gets no answer, so it tells nothing about that room's entries.
    """
    session = session_of(ctx)
    target = ctx.message.relation.redacts
    if target is None:
        return []
    lang = ctx.lang
    entry = await entry_repo.by_message(session, target)
    if entry is not None:
        if entry.room_id != ctx.room.room_id or entry.retracted_at is not None:
            return []
        if ctx.sender != entry.reporter and not ctx.room.may_redact_others(ctx.sender):
            raise UserError("redaction_not_allowed", code=entry.code)
        await exercise.follow_mode_of(ctx, entry.incident)
        await entry_repo.retract(session, entry)
        withdrawn = await domino.after_retraction(ctx, entry)
        withdrawn += await domino.withdraw_alerts(ctx, entry, "retracted", kind=domino.COORDINATOR)
        withdrawn += await _reopened(ctx, items.item_of(entry), entry)
        await ctx.audit(session, "entry.retracted", subject=entry.code)
        return [
            # The confirmation answered the event that brought the report in.
            Redaction(source_event_id=EventId(entry.source_event_id), reason="report retracted"),
            render.plain(t(lang, "reports.report_retracted", code=entry.code)),
            *withdrawn,
        ]
    return await _withdraw_edit(ctx, target)


async def _withdraw_edit(ctx: CommandContext, target: str) -> list[Outgoing]:
    """Redacting an edit of a report goes back one revision (same permission rule)."""
    session = session_of(ctx)
    lang = ctx.lang
    revision = await entry_repo.revision_by_event(session, target)
    if revision is None:
        return []
    edited = await session.get(SituationEntry, revision.entry_id)
    # A retracted entry stays retracted: going back a revision would bring its
    # words back (the severe-report alert of the revision left, say).
    if edited is None or edited.room_id != ctx.room.room_id or edited.retracted_at is not None:
        return []
    if ctx.sender != revision.created_by and not ctx.room.may_redact_others(ctx.sender):
        raise UserError("redaction_not_allowed", code=edited.code)
    await exercise.follow_mode_of(ctx, edited.incident)
    left, before = items.item_of(edited), edited.incident
    reverted = await entry_repo.withdraw_revision(session, target)
    if reverted is None:
        return []
    # The revision left may be severe where the withdrawn one was not, or the other way
    # round: the domino items and alerts follow it as they follow an edit.
    domino_out, _ = await domino.after_record(ctx, reverted, edited=True)
    figures = (await entry_repo.figures_of(session, [reverted.id])).get(reverted.id, [])
    moved = before != reverted.incident  # a fallback alert stays unless it moved back
    domino_out += (await _alerts(ctx, reverted, figures, after_edit=True, moved=moved)).out
    if items.item_of(reverted) != left:  # the withdrawn edit had moved it to that item
        domino_out += await _reopened(ctx, left, reverted)
    await ctx.audit(
        session,
        "entry.edit_withdrawn",
        subject=reverted.code,
        detail={"revision": reverted.revision},
    )
    return [
        render.plain(
            t(
                lang,
                "reports.edit_removed_back_revision",
                code=reverted.code,
                revision=reverted.revision,
            )
        ),
        *domino_out,
    ]


def parse_since(text: str, now: datetime) -> datetime | None:
    value = text.strip().lower()
    match = _DURATION.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        if unit.startswith("m"):
            return now - timedelta(minutes=amount)
        if unit in ("u", "h", "uur"):
            return now - timedelta(hours=amount)
        return now - timedelta(days=amount)
    local = now.astimezone(AMSTERDAM)
    if value in ("vandaag", "today"):
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    if value in ("gisteren", "yesterday"):
        return (local - timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        return parse_time(value, now)
    except TimeError as exc:
        if exc.reason != "future":
            return None
    # A filter only looks back: a date still ahead this year ("1-12" typed in mid-January,
    # beyond parse_time's 31-day reach into last year) is last year's.
    last_year_end = datetime(local.year - 1, 12, 31, 23, 59, tzinfo=AMSTERDAM)
    try:
        return parse_time(value, last_year_end.astimezone(now.tzinfo))
    except TimeError:
        return None


async def entries_filter(
    ctx: CommandContext, parsed: ParsedCommand
) -> entry_repo.EntryFilter | str:
    """The filter from `incident= categorie= org= gemeente= sinds=`, or an error text."""
    extra = unknown_options(
        parsed, ("incident", "category", "org", "municipality", "since", "page")
    )
    if extra:
        return t(ctx.lang, "reports.unknown_option_filters_incident", value=extra[0])
    binding = ctx.room.binding
    incident = option(parsed, "incident") or (parsed.words[0] if parsed.words else None)
    incident = incident.lower() if incident else (binding.incident if binding else None)
    await exercise.check_incident(ctx, incident)
    category_word = option(parsed, "category")
    category = lookup(CATEGORIES, category_word) if category_word else None
    if category_word and category is None:
        return t(ctx.lang, "reports.unknown_category", shorten=render.shorten(category_word, 30))
    since_text = option(parsed, "since")
    since = parse_since(since_text, ctx.now) if since_text else None
    if since_text and since is None:
        return t(ctx.lang, "reports.i_do_not_understand")
    return entry_repo.EntryFilter(
        incident=incident,
        category=category,
        organisation=option(parsed, "org"),
        municipality=option(parsed, "municipality"),
        since=since,
        # Without an incident the list spans incidents: only those of the room's mode.
        exercise=exercise.room_in_exercise(ctx),
    )


async def entries_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    filters = await entries_filter(ctx, parsed)
    if isinstance(filters, str):
        return [render.plain(filters)]
    page, page_text = page_number(parsed, MAX_PAGE_DIGITS)
    access = ctx.room.access
    rows, total = await entry_repo.list_visible(
        session, access, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE if page else 0
    )
    lang = ctx.lang
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if total and (page == 0 or page > pages):
        return [
            render.plain(
                t(lang, "page_out_of_range", page=render.shorten(page_text, 30), pages=pages)
            )
        ]
    if not rows:
        return [render.plain(t(lang, "reports.no_entries_found_that"))]
    figures = await entry_repo.figures_of(session, [row.id for row in rows])
    # Cause links both ways: the cause a report names, and the reports naming it
    # (only those this room may see).
    effects = await network.consequences(session, access, [row.id for row in rows])
    causes = await network.visible_ids(
        session, access, [row.cause_id for row in rows if row.cause_id is not None]
    )
    # The banner (and the row's label in the outbox) is the highest label shown: the
    # listed reports' and those of the causes and consequences named by id.
    linked = {*causes, *(int(code[2:]) for codes in effects.values() for code in codes)}
    linked_label = await network.highest_label(session, linked)
    listed = tlp.highest([*(row.tlp for row in rows), linked_label])
    lines = [
        f"TLP:{listed} — {t(lang, 'reports.entries')} {filters.incident or ''} ({total}, {t(lang, 'reports.page')} {page}/{pages})"
    ]
    for row in rows:
        severity = Severity.display(row.severity, lang)
        place = row.municipality or row.location or "-"
        # Figures with their vocabulary label, so the list answers "how many" too.
        shown = "".join(
            f" · {METRICS.label(f.metric, lang)} {bounds.prefix(f.bound, f.estimate)}"
            f"{format_number(f.value)}{' ' + f.unit if f.unit else ''}"
            for f in figures.get(row.id, [])
        )
        lines.append(
            f"• {row.code} · {local_time(row.observed_at)} ({age(ctx.now, row.observed_at, lang)}) · {Category.display(row.category, lang)} · "
            f"{row.organisation or '-'} · {place} · {severity} · TLP:{row.tlp}{shown}"
            f"{_links(lang, row, effects, causes)} — {shorten_words(row.text)}"
        )
    if page < pages:
        lines.append(t(lang, "reports.more_entries_page", prefix=ctx.prefix, value=page + 1))
    await ctx.audit(
        session,
        "entries.listed",
        subject=filters.incident,
        detail={"entries": [row.code for row in rows], "clearance": access.clearance},
    )
    return [replace(render.plain("\n".join(lines)), tlp=listed)]


def _links(
    lang: Language, row: SituationEntry, effects: dict[int, list[str]], causes: set[int]
) -> str:
    """' · oorzaak M-1 · gevolgen: M-4, M-6' for a list line (ids this room may see), or ''."""
    out = ""
    if row.cause_id is not None and row.cause_id in causes:
        out += " · " + t(lang, "domino.cause_short", code=f"M-{row.cause_id}")
    if effects.get(row.id):
        out += " · " + t(lang, "domino.consequences", codes=", ".join(effects[row.id]))
    return out


REPORT = Command(
    name_nl="melding",
    name_en="report",
    summary={"nl": "legt een situatiemelding vast", "en": "records a situation report"},
    usage={
        "nl": "{prefix}melding [categorie] + regels 'veld: waarde' + tekst",
        "en": "{prefix}report [category] + lines 'field: value' + text",
    },
    example={
        "nl": "{prefix}melding opvang\ngemeente: Dordrecht\nopvangplekken beschikbaar: 120\ntijd: 14:30\n"
        "ernst: matig\ntlp: amber\nSporthal De Schans ingericht als noodopvang.",
        "en": "{prefix}report shelter\nmunicipality: Dordrecht\nfree shelter places: 120\ntime: 14:30\n"
        "severity: moderate\ntlp: amber\nSports hall De Schans set up as emergency shelter.",
    },
    handler=report_command,
    permission=may_report,
    raw_arguments=True,
)

ENTRIES = Command(
    name_nl="meldingen",
    name_en="entries",
    reads_written=True,
    summary={"nl": "toont meldingen, nieuwste eerst", "en": "lists entries, newest first"},
    usage={
        "nl": "{prefix}meldingen [incident=] [categorie=] [org=] [gemeente=] [sinds=4h] [pagina=]",
        "en": "{prefix}entries [incident=] [category=] [org=] [municipality=] [since=4h] [page=]",
    },
    example={
        "nl": "{prefix}meldingen categorie=opvang sinds=4h",
        "en": "{prefix}entries category=shelter since=4h",
    },
    handler=entries_command,
    permission=may_list,
)
