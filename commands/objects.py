"""`!object` and `!objecten`: object information partners hold, as the room may see it.

Also the small calls other command families make: the 'Bekend object' line of a
report's confirmation (`confirmation_lines`), the picture's 'Betrokken objecten'
(`picture_lines`) and answers to questions about objects (`answer_question`).

What a room may not see: for an object whose label the room may not see, a bound,
non-public room hears only that information exists, its label and whom to ask (the
incident's coordination room that may see it, else the owning organisation). Never the
object's stored name, kind, address or facts: the reply echoes only the words the asker
typed. RED objects, and every object for unbound or public rooms, stay unknown (the
design's "what a room may not see does not exist for it"): a hint there would tell
outsiders what partners hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.common import option, session_of, unknown_options
from commands.context import CommandContext
from commands.grammar import ParsedCommand
from commands.i18n import Language, t
from commands.message import Outgoing, Reply
from commands.registry import Command
from knowledge.object_service import MatcherCache
from knowledge.objects import Fact, SiteObject, fact_key, kind_name, kind_of, tokens
from storage import entries as entry_repo
from storage import objects as store
from storage import rooms, tlp
from storage.models import OutboxMessage, SiteObjectRow, SituationEntry
from storage.vocabulary import fold

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MATCHERS = MatcherCache()
# The report path trusts the objects' store version this long (one read fewer per
# report); an import by another process (the CLI) is linked from then on.
MATCHER_MAX_AGE = 2.0
MAX_LIST = 30
# The facts a confirmation or picture line shows first, when an object has them.
KEY_FACTS = ("noodstroom", "bewoners-niet-mobiel", "capaciteit", "opvangcapaciteit", "bedden")


def _today(ctx: CommandContext) -> date:
    return ctx.now.astimezone(AMSTERDAM).date()


def _fact_text(name: str, fact: Fact) -> str:
    return f"{name.replace('-', ' ')} {fact.text}"


def key_facts(item: SiteObject, count: int = 2) -> list[str]:
    ordered = [k for k in KEY_FACTS if k in item.facts] + [
        k for k in item.facts if k not in KEY_FACTS
    ]
    return [_fact_text(k, item.facts[k]) for k in ordered[:count]]


def _stale_note(item: SiteObject, today: date, lang: Language) -> str | None:
    why = item.stale(today)
    if why == "expired" and item.valid_until is not None:
        until = item.valid_until.strftime("%d-%m-%Y")
        return t(lang, "objects.stale_expired", until=until)
    if why == "old":
        updated = item.updated.strftime("%d-%m-%Y")
        return t(lang, "objects.stale_old", updated=updated, days=item.refresh_days)
    return None


def short_line(item: SiteObject, today: date, lang: Language) -> str:
    """'Spaarne Gasthuis (noodstroom 48 uur · bron · 01-11-2026)' for confirmations and lists."""
    parts = [*key_facts(item), item.source or item.owner, item.updated.strftime("%d-%m-%Y")]
    line = f"{item.name} ({' · '.join(parts)})"
    note = _stale_note(item, today, lang)
    return f"{line} {note}" if note else line


def card(item: SiteObject, today: date, ctx: CommandContext) -> Reply:
    lang = ctx.lang
    place = item.municipality + (f" ({item.region})" if item.region else "")
    lines = [
        f"TLP:{item.tlp} — {item.name} · {kind_name(item.kind, lang)} · {item.id}",
        f"{t(lang, 'objects.place')}: {', '.join(p for p in (item.address, place) if p)}",
    ]
    if item.aliases:
        lines.append(f"{t(lang, 'objects.also_known_as')}: {', '.join(item.aliases)}")
    if item.lat is not None and item.lon is not None:
        lines.append(f"{t(lang, 'objects.coordinates')}: {item.lat:.5f}, {item.lon:.5f}")
    note = _stale_note(item, today, lang)
    if note:
        lines.append(note)
    if item.facts:
        lines.append(t(lang, "objects.facts"))
        lines += [f"• {k.replace('-', ' ')}: {f.text}" for k, f in item.facts.items()]
    meta = [
        f"{t(lang, 'objects.source')}: {item.source or '-'}",
        f"{t(lang, 'objects.owner')}: {item.owner}",
        f"{t(lang, 'objects.updated')}: {item.updated.strftime('%d-%m-%Y')}",
    ]
    if item.valid_until:
        meta.append(f"{t(lang, 'objects.valid_until')}: {item.valid_until.strftime('%d-%m-%Y')}")
    lines.append(" · ".join(meta))
    return render.plain("\n".join(lines))


async def _ask_where(ctx: CommandContext, row: SiteObjectRow) -> str:
    """Whom to ask about an object this room may not see: a coordination room of this
    room's incident that may see it, else the owning organisation."""
    incident = ctx.room.binding.incident if ctx.room.binding else None
    if incident is not None:
        for room_id, binding, public, direct in await rooms.role_views(
            session_of(ctx), "coordinator", incident
        ):
            access = tlp.RoomAccess.for_binding(room_id, binding, public, direct)
            if store.may_see(access, row):
                org = binding.organisation or "-"
                return t(ctx.lang, "objects.coordination_room", org=org, room_id=room_id)
    return row.owner


def _may_hint(ctx: CommandContext, row: SiteObjectRow) -> bool:
    access = ctx.room.access
    return access.bound and not access.public and row.tlp != "RED"


async def _hidden_reply(ctx: CommandContext, asked: str, row: SiteObjectRow) -> Reply:
    where = await _ask_where(ctx, row)
    said = render.shorten(asked, 60)
    return render.plain(t(ctx.lang, "objects.hidden", said=said, tlp=row.tlp, where=where))


def _not_found(ctx: CommandContext, asked: str) -> Reply:
    said = render.shorten(asked, 60)
    return render.plain(t(ctx.lang, "objects.not_found", said=said, prefix=ctx.prefix))


async def find_rows(
    session: AsyncSession, query: str, limit: int = 5, *, partial: bool = False
) -> list[SiteObjectRow]:
    """Objects a query names: an exact id, else names and aliases (typo-tolerant); with
    `partial`, names that hold every word typed ('Kinderdijkhof')."""
    exact = await session.get(SiteObjectRow, query.strip())
    if exact is not None:
        return [exact]
    matcher = await MATCHERS.matcher(session)
    matches = matcher.find(query, limit=limit)
    # `!object` names one object: a match must cover most of what was typed.
    typed = len([w for w in tokens(query) if len(w) > 2]) or 1
    ids = [m.object_id for m in matches if (m.end - m.start) * 2 >= typed]
    if not ids and partial:
        ids = [m.object_id for m in matcher.containing(query, limit=limit)]
    return await store.by_ids(session, ids)


async def object_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    if parsed.words and fold(parsed.words[0]) in ("los", "ontkoppel", "unlink"):
        return await _unlink(ctx, list(parsed.words[1:]))
    query = " ".join(parsed.words).strip()
    if not query:
        usage = OBJECT.usage[ctx.lang].format(prefix=ctx.prefix)
        return [render.plain(t(ctx.lang, "objects.usage", usage=usage))]
    session = session_of(ctx)
    access = ctx.room.access
    rows = await find_rows(session, query)
    if not rows and ctx.settings.vocabulary.regions.find_municipality(query):
        return await _list(ctx, query, None, None)
    if not rows:  # the distinctive part of a name ('Kinderdijkhof'), after a town's list
        rows = await find_rows(session, query, partial=True)
    shown = [r for r in rows if store.may_see(access, r)]
    today = _today(ctx)
    if len(shown) == 1:
        return [card(SiteObject.model_validate(shown[0].data), today, ctx)]
    if shown:
        items = [SiteObject.model_validate(r.data) for r in shown]
        head = t(ctx.lang, "objects.several", said=render.shorten(query, 60))
        lines = [f"• {i.id} — {i.name}, {i.municipality}" for i in items]
        banner = tlp.highest([i.tlp for i in items])
        return [replace(render.plain("\n".join([f"TLP:{banner} — {head}", *lines])), tlp=banner)]
    hidden = [r for r in rows if _may_hint(ctx, r)]
    if hidden:
        return [await _hidden_reply(ctx, query, hidden[0])]
    return [_not_found(ctx, query)]


def _fact_filter(name: str | None) -> tuple[str, bool] | None:
    """`feit=noodstroom` -> ('noodstroom', True); `feit=geen-noodstroom` / `!noodstroom`
    -> ('noodstroom', False)."""
    if not name:
        return None
    wanted = fact_key(name)
    for prefix in ("geen-", "no-", "zonder-", "without-"):
        if wanted.startswith(prefix):
            return wanted[len(prefix) :], False
    if name.startswith("!"):
        return wanted, False
    return wanted, True


def _fact_state(item: SiteObject, name: str) -> bool | None:
    """Whether the object has the fact's thing: None when its file says it is unknown or
    says nothing of it (`Fact.present`)."""
    found = item.facts.get(name)
    return None if found is None else found.present


def _unknown_lines(
    unknown: list[SiteObject], label: str, extra: bool, today: date, lang: Language
) -> list[str]:
    """The objects a fact filter could not judge (the fact unknown or not given), listed
    apart: counted neither way, and never dropped from the answer in silence."""
    if not unknown:
        return []
    lines = [t(lang, "objects.fact_unknown", label=label.capitalize(), count=len(unknown))]
    for item in unknown[:MAX_LIST]:
        kind = f"{kind_name(item.kind, lang)}, " if extra else ""
        lines.append(f"• {item.id} — {kind}{short_line(item, today, lang)}")
    if len(unknown) > MAX_LIST:
        lines.append(t(lang, "objects.more", count=len(unknown) - MAX_LIST))
    return lines


async def _list(
    ctx: CommandContext, municipality: str, kind: str | None, fact: tuple[str, bool] | None
) -> list[Outgoing]:
    session = session_of(ctx)
    regions = ctx.settings.vocabulary.regions
    name = regions.find_municipality(municipality) or municipality.strip()
    rows, hidden = await store.in_municipality(session, ctx.room.access, name, kind)
    items = [SiteObject.model_validate(r.data) for r in rows]
    unknown: list[SiteObject] = []
    if fact is not None:
        unknown = [i for i in items if _fact_state(i, fact[0]) is None]
        items = [i for i in items if _fact_state(i, fact[0]) is fact[1]]
    today = _today(ctx)
    lang = ctx.lang
    what = kind_name(kind, lang) if kind else t(lang, "objects.objects")
    if fact is not None:
        label = fact[0].replace("-", " ")
        what = t(
            lang, "objects.with_fact" if fact[1] else "objects.without_fact", what=what, label=label
        )
    banner = tlp.highest([i.tlp for i in [*items, *unknown]])
    lines = [
        t(
            lang,
            "objects.list_head",
            banner=banner,
            what=what.capitalize(),
            name=name,
            count=len(items),
        )
    ]
    for item in items[:MAX_LIST]:
        extra = "" if kind else f"{kind_name(item.kind, lang)}, "
        lines.append(f"• {item.id} — {extra}{short_line(item, today, lang)}")
    if len(items) > MAX_LIST:
        lines.append(t(lang, "objects.more", count=len(items) - MAX_LIST))
    if fact is not None:
        lines += _unknown_lines(unknown, fact[0].replace("-", " "), not kind, today, lang)
    access = ctx.room.access
    if hidden and access.bound and not access.public:
        # Counts per owner only: no names, kinds or facts of what the room may not see.
        owners = ", ".join(f"{o} ({n})" for o, n in sorted(hidden.items()))
        lines.append(t(lang, "objects.more_hidden", owners=owners))
    if not items and not hidden and not unknown:
        lines.append(t(lang, "objects.none_known"))
    return [replace(render.plain("\n".join(lines)), tlp=banner)]


async def objects_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    bad = unknown_options(parsed, ("kind",))
    bad = [k for k in bad if k not in ("feit", "fact")]
    usage = OBJECTS.usage[ctx.lang].format(prefix=ctx.prefix)
    if bad or not parsed.words:
        return [render.plain(t(ctx.lang, "objects.usage", usage=usage))]
    kind_word = option(parsed, "kind")
    kind = kind_of(kind_word) if kind_word else None
    if kind_word and kind is None:
        kind = "-".join(tokens(kind_word)) or None
    fact = _fact_filter(parsed.option("feit", "fact"))
    return await _list(ctx, " ".join(parsed.words), kind, fact)


# ---------------------------------------------------------------- unlinking a wrong link


async def _entry_for(
    ctx: CommandContext, words: list[str]
) -> tuple[SituationEntry | None, list[str]]:
    session = session_of(ctx)
    if words and words[0].upper().startswith("M-") and words[0][2:].isdigit():
        return await session.get(SituationEntry, int(words[0][2:])), words[1:]
    target = ctx.message.relation.reply_to
    if target is None:
        return None, words
    entry = await entry_repo.by_message(session, target)
    if entry is None:
        # A reply to the bot's confirmation: the outbox knows which report it answered.
        source = await session.scalar(
            select(OutboxMessage.source_event_id).where(OutboxMessage.result_event_id == target)
        )
        entry = await entry_repo.by_message(session, source) if source else None
    return entry, words


async def _unlink(ctx: CommandContext, words: list[str]) -> list[Outgoing]:
    entry, rest = await _entry_for(ctx, words)
    lang = ctx.lang
    if entry is None or (entry.room_id != ctx.room.room_id and not ctx.is_admin):
        return [render.plain(t(lang, "objects.name_the_report", prefix=ctx.prefix))]
    removed = await store.unlink(session_of(ctx), entry.id, rest[0] if rest else None, ctx.sender)
    if not removed:
        return [render.plain(t(lang, "objects.no_such_link", code=entry.code))]
    ctx.events.append("object.unlinked")
    return [render.plain(t(lang, "objects.link_removed", code=entry.code, removed=removed))]


# ---------------------------------------------------------------- hooks for other families


async def confirmation_lines(
    ctx: CommandContext, entry: SituationEntry, *, relink: bool = False
) -> list[str]:
    """Links a just-recorded report to the objects its `locatie:` or text names, and
    returns the confirmation's 'Bekend object' lines (as the reporting room may see them).

    `relink` (an edit): the links the old text made and the new one no longer names
    are dropped first; a link a person removed stays removed."""
    session = session_of(ctx)
    matcher = await MATCHERS.matcher(session, max_age=MATCHER_MAX_AGE)
    text = " \n ".join(p for p in (entry.location, entry.text) if p)
    matches = matcher.find(text, limit=3) if len(matcher) else []
    rows = await store.by_ids(session, [m.object_id for m in matches]) if matches else []
    elsewhere: list[SiteObjectRow] = []
    if entry.municipality:
        # The report's municipality decides: an object of that name elsewhere is another
        # place's (a nursing home of the same name), and linked its facts (residents,
        # emergency power) would stand under this report in every picture. Not linked;
        # the reporter is told where the name is known (`_elsewhere`).
        here = [r for r in rows if fold(r.municipality) == fold(entry.municipality)]
        elsewhere = [r for r in rows if r not in here]
        rows = here
    if relink:
        await store.keep_links(session, entry.id, [r.id for r in rows])
    if not rows:
        return _elsewhere(ctx, entry, elsewhere)
    linked = set(await store.link(session, entry.id, [r.id for r in rows]))
    today = _today(ctx)
    lines: list[str] = []
    for row in rows:
        if row.id not in linked:
            continue
        if store.may_see(ctx.room.access, row):
            item = SiteObject.model_validate(row.data)
            lines.append(
                f"{t(ctx.lang, 'objects.known_object')}: {short_line(item, today, ctx.lang)}"
            )
        elif _may_hint(ctx, row):
            where = await _ask_where(ctx, row)
            lines.append(t(ctx.lang, "objects.known_object_hidden", tlp=row.tlp, where=where))
    if lines:
        ctx.events.append("object.linked")
        lines.append(t(ctx.lang, "objects.wrong_link", prefix=ctx.prefix))
    return lines + _elsewhere(ctx, entry, elsewhere)


def _elsewhere(ctx: CommandContext, entry: SituationEntry, rows: list[SiteObjectRow]) -> list[str]:
    """'Not linked: X is known in Dordrecht, the report says Gorinchem', for each object
    the report names that is known only in another municipality and this room may see
    (of one it may not see, nothing: not even where it is)."""
    return [
        t(
            ctx.lang,
            "objects.elsewhere",
            name=row.name,
            municipality=row.municipality,
            here=entry.municipality or "-",
        )
        for row in rows
        if store.may_see(ctx.room.access, row)
    ]


async def picture_section(
    session: AsyncSession,
    access: tlp.RoomAccess,
    entry_ids: Iterable[int],
    today: date,
    lang: Language,
    reply: Reply,
) -> Reply:
    """`reply` (a picture) with 'Betrokken objecten': the objects linked to the reports it
    shows, with their key facts, as the room may see them. The banner is raised when an
    object's label is above the picture's."""
    linked = await store.linked_objects(session, sorted(entry_ids))
    codes: dict[str, list[int]] = {}
    rows: dict[str, SiteObjectRow] = {}
    for entry_id, found in linked.items():
        for row in found:
            if store.may_see(access, row):
                codes.setdefault(row.id, []).append(entry_id)
                rows[row.id] = row
    if not rows:
        return reply
    lines = []
    for object_id in sorted(rows, key=lambda oid: rows[oid].name):
        item = SiteObject.model_validate(rows[object_id].data)
        shown = ", ".join(f"M-{i}" for i in sorted(codes[object_id]))
        lines.append(f"{short_line(item, today, lang)} — {shown}")
    title = t(lang, "objects.involved")
    text, html = reply.text, reply.html
    first = text.split(" — ", 1)[0]
    if first.startswith("TLP:"):
        label = tlp.highest([first[4:], *(r.tlp for r in rows.values())])
        if label != first[4:]:
            text = f"TLP:{label}" + text[len(first) :]
            html = html.replace(render.escape(first), f"TLP:{label}", 1)
    bullets, listed = render.bullets(lines)
    return replace(
        reply,
        text="\n".join([text, "", title, *bullets]),
        html=f"{html}<h4>{render.escape(title)}</h4>{listed}",
    )


async def answer_question(ctx: CommandContext, question: str) -> Reply | None:
    """A question that names a kind of object and a municipality, answered from the
    object store ('welke verpleeghuizen in Gorinchem hebben geen noodstroom?'); None when
    it names no kind or no known municipality (then the Q&As answer as before)."""
    words = tokens(question)
    kind = next((k for w in words if (k := kind_of(w))), None)
    if kind is None:
        return None
    fact: tuple[str, bool] | None = None
    negated = any(w in ("geen", "zonder", "no", "without") for w in words)
    known_facts = _known_fact_names()
    for word in words:
        if fact_key(word) in known_facts:
            fact = (fact_key(word), not negated)
            break
    # Asks for objects ('welke …', 'which …', a fact), not about them ('zijn scholen dicht?'):
    # a Q&A on school closures must not be answered with a list of schools.
    if fact is None and not _LIST_WORDS.intersection(words):
        return None
    regions = ctx.settings.vocabulary.regions
    municipality = None
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            found = regions.find_municipality(" ".join(words[i : i + size]))
            if found:
                municipality = found
                break
        if municipality:
            break
    if municipality is None:
        return None
    replies = await _list(ctx, municipality, kind, fact)
    reply = replies[0]
    assert isinstance(reply, Reply)
    return reply


_LIST_WORDS = frozenset({"welke", "welk", "which", "hoeveel", "lijst", "list", "overzicht"})


def _known_fact_names() -> frozenset[str]:
    return frozenset({*KEY_FACTS, "stroom", "aggregaat", "opslag", "schuilplaats"})


OBJECT = Command(
    name_nl="object",
    name_en="object",
    summary={
        "nl": "toont wat partners weten over een object (ziekenhuis, verpleeghuis, gemaal …)",
        "en": "shows what partners know about a site (hospital, care home, pumping station …)",
    },
    usage={
        "nl": "{prefix}object <naam of plaats> | {prefix}object los [M-<nummer>] [object-id]",
        "en": "{prefix}object <name or place> | {prefix}object unlink [M-<number>] [object-id]",
    },
    example={"nl": "{prefix}object Spaarne Gasthuis", "en": "{prefix}object Spaarne Gasthuis"},
    handler=object_command,
    raw_arguments=True,
)

OBJECTS = Command(
    name_nl="objecten",
    name_en="objects",
    reads_written=True,
    summary={
        "nl": "objecten per gemeente, soort of feit",
        "en": "objects by municipality, kind or fact",
    },
    usage={
        "nl": "{prefix}objecten <gemeente> [soort=<soort>] [feit=<feit>|feit=geen-<feit>]",
        "en": "{prefix}objects <municipality> [kind=<kind>] [fact=<fact>|fact=no-<fact>]",
    },
    example={
        "nl": "{prefix}objecten Dordrecht soort=verpleeghuis feit=noodstroom",
        "en": "{prefix}objects Dordrecht kind=care-home fact=noodstroom",
    },
    handler=objects_command,
)
