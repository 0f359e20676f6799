"""Questions from municipalities: `!vraag`, plain questions, and the curators' side.

The bot never guesses. A confident match is answered with its source and date;
otherwise the question becomes an open question in the curator room(s), and a
curator's `!antwoord` goes back to the asker as a reply that notifies them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date

from pydantic import ValidationError

from commands import render
from commands.common import AMSTERDAM, local_time, session_of, tr
from commands.dispatcher import CommandContext
from commands.grammar import ParsedCommand, strip_reply_fallback
from commands.knowledge_view import link_list, qa_reply
from commands.message import Outgoing, Reply
from commands.registry import Command
from knowledge.markdown import to_html
from knowledge.model import QA
from knowledge.search import Document, Hit
from knowledge.service import Store, as_new_content
from knowledge.text import terms
from storage import audit, knowledge_items, open_questions, rooms, tlp
from storage.ids import EventId, RoomId, UserId
from storage.models import OpenQuestion

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 1_000
_QUESTION_ID = re.compile(r"^[#vVqQ]?(\d{1,9})$")


def today(ctx: CommandContext) -> date:
    return ctx.now.astimezone(AMSTERDAM).date()


def item_visible(access: tlp.RoomAccess, label: str, owner: str | None) -> bool:
    """May a room see a curated item? The shared TLP rule, with the item's `owner` as its
    organisation (what AMBER+STRICT compares) and no room of its own (so RED: nowhere)."""
    return tlp.may_see(access, label, "", owner or None)


def may_read(
    ctx: CommandContext, store: Store, current_only: bool = True, check_label: bool = True
) -> Callable[[Document], bool]:
    """The filter for search: content this room may see (and that is current)."""
    access, day = ctx.room.access, today(ctx)

    def accept(doc: Document) -> bool:
        item = store.by_id.get(doc.id.split("#", 1)[0])
        if item is None:
            return False
        if current_only and not item.current(day):
            return False
        return not check_label or item_visible(access, doc.label, item.owner)

    return accept


def may_curate(ctx: CommandContext, label: str, owner: str | None) -> bool:
    """Curation reads first: what a room may not see does not exist for it (admins excepted)."""
    return ctx.is_admin or item_visible(ctx.room.access, label, owner)


def owns(ctx: CommandContext, owner: str | None) -> bool:
    """Lowering a label or handing an item over: its owner's curator room, or an admin."""
    if ctx.is_admin:
        return True
    organisation = ctx.room.binding.organisation if ctx.room.binding else None
    return is_curator_room(ctx) and bool(organisation) and organisation == (owner or None)


def question_code(question_id: int) -> str:
    return f"V{question_id}"


def open_question_line(row: OpenQuestion) -> str:
    """One open question on one line: id, when, who, what."""
    who = f"{row.organisation} ({row.asker})" if row.organisation else row.asker
    return (
        f"{question_code(row.id)} · {local_time(row.asked_at)} · {who} · "
        f"{render.shorten(row.question, 120)}"
    )


async def answer_question(ctx: CommandContext, question: str) -> list[Outgoing]:
    question = question.strip()
    if not question:
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Stel je vraag achter het commando, bijvoorbeeld: {ctx.prefix}vraag Wie betaalt het leefgeld?",
                    f"Put your question after the command, e.g. {ctx.prefix}ask Who pays the living allowance?",
                )
            )
        ]
    if len(question) > MAX_QUESTION_CHARS:
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Die vraag is te lang (meer dan {MAX_QUESTION_CHARS} tekens). Stel hem korter.",
                    f"That question is too long (over {MAX_QUESTION_CHARS} characters). Please shorten it.",
                )
            )
        ]
    if len(terms(question)) < 2 and not question.endswith("?"):
        # "hoi", "dank je": in a direct chat every message counts as a question, but
        # a greeting should not land on the curators' desk.
        return [
            render.plain(
                tr(
                    ctx.lang,
                    "Stel je vraag in een hele zin, bijvoorbeeld: Wie betaalt het leefgeld van ontheemden?",
                    "Ask your question in a full sentence, e.g.: Who pays the living allowance?",
                )
            )
        ]
    session = session_of(ctx)
    store = await ctx.settings.knowledge.store(session)
    result = store.qa_index.search(question, limit=3, accept=may_read(ctx, store))
    if result.confident:
        best = store.qa(result.hits[0].id)
        assert best is not None
        ctx.events.append("question.answered")
        others = [(hit.id, hit.question) for hit in result.hits[1:3]]
        return [
            qa_reply(best, store.changed.get(best.id), today(ctx), ctx.lang, ctx.prefix, others)
        ]
    # Confident somewhere the room may not look? Say where to ask rather than open a question.
    current = store.qa_index.search(
        question, limit=1, accept=may_read(ctx, store, check_label=False)
    )
    if current.confident:
        ctx.events.append("question.withheld")
        return [
            render.plain(
                tr(
                    ctx.lang,
                    "Er is een antwoord, maar met een TLP-label dat hier niet gedeeld mag worden. "
                    "Stel je vraag in je gemeentekamer.",
                    "There is an answer, but its TLP label does not allow sharing it here. "
                    "Ask in your municipality room.",
                )
            )
        ]
    return await open_question(ctx, question, result.hits)


async def open_question(
    ctx: CommandContext, question: str, nearest_hits: list[Hit]
) -> list[Outgoing]:
    session = session_of(ctx)
    binding = ctx.room.binding
    # An open question carries the asking room's default label; a direct chat's is GREEN
    # (a person's question is not for public rooms).
    label = binding.tlp_default if binding else "GREEN"
    row = await open_questions.add(
        session,
        asker=ctx.sender,
        room_id=ctx.room.room_id,
        event_id=ctx.message.event_id,
        question=question,
        label=label,
        organisation=binding.organisation if binding else None,
        incident=binding.incident if binding else None,
        nearest=[
            {"id": h.id, "question": h.question, "score": round(h.score, 2)} for h in nearest_hits
        ],
        asked_at=ctx.message.timestamp,
    )
    await audit.add(
        session,
        ctx.sender,
        "question.opened",
        ctx.room.room_id,
        subject=question_code(row.id),
        detail={"tlp": label},
    )
    ctx.events.append("question.open")
    code = question_code(row.id)
    notices = await curator_notices(ctx, row)
    if notices:
        told = tr(
            ctx.lang,
            f"Daar heb ik geen zeker antwoord op, dus ik gok niet. Je vraag staat bij de redactie als {code}; "
            "het antwoord komt hier als reactie op je bericht.",
            f"I have no confident answer to that, so I won't guess. Your question went to the curators as {code}; "
            "the answer will arrive here as a reply to your message.",
        )
    else:
        # Kept for `!vragen` once a curator room exists; the asker must not think
        # someone is already reading it.
        log.warning("open question %s: no curator room may see it", code)
        told = tr(
            ctx.lang,
            f"Daar heb ik geen zeker antwoord op, dus ik gok niet. Je vraag is bewaard als {code}, "
            "maar er is nog geen redactiekamer die hem kan zien; vraag de beheerder er een te koppelen.",
            f"I have no confident answer to that, so I won't guess. Your question is kept as {code}, "
            "but no curator room can see it yet; ask the administrator to bind one.",
        )
    return [render.plain(told), *notices]


async def curator_targets(ctx: CommandContext) -> list[tlp.RoomAccess]:
    """The rooms that receive open questions, each with what it may see."""
    session = session_of(ctx)
    configured = ctx.settings.curator_room
    if configured:
        bound = await rooms.binding(session, RoomId(configured))
        room = await rooms.get(session, RoomId(configured))
        public = bool(room.public) if room else False
        if bound is not None and bound.active:
            return [tlp.RoomAccess(configured, True, bound.clearance, bound.organisation, public)]
        # Named by the operator in the configuration (an admin's act): cleared to GREEN.
        return [tlp.RoomAccess(configured, True, "GREEN", None, public)]
    return [
        tlp.RoomAccess(room_id, True, view.clearance, view.organisation, public)
        for room_id, view, public in await rooms.role_views(session, "curator")
    ]


def describe_open(
    ctx: CommandContext, row: OpenQuestion, access: tlp.RoomAccess, store: Store
) -> tuple[str, str]:
    """The open question as posted in one curator room, with the nearest Q&As *it* may see."""
    code = question_code(row.id)
    where = f"{row.room_id}" + (f" ({row.organisation})" if row.organisation else "")
    head = tr(
        ctx.lang,
        f"Open vraag {code} (TLP:{row.tlp}) van {row.asker} in {where}, {local_time(row.asked_at)}:",
        f"Open question {code} (TLP:{row.tlp}) from {row.asker} in {where}, {local_time(row.asked_at)}:",
    )
    quoted = render.shorten(row.question, 500)
    text = [head, f"“{quoted}”"]
    html = [f"<p><b>{render.escape(head)}</b><br>“{render.escape(quoted)}”</p>"]
    # The nearest Q&As were found with the asker's view, which may be wider than this
    # room's: each is checked again, with its label as the store has it now.
    nearest: list[tuple[str, str]] = []
    for near in row.nearest:
        item = store.qa(str(near.get("id"))) if isinstance(near, dict) else None
        if item is not None and item_visible(access, item.tlp, item.owner):
            nearest.append((item.id, item.question))
    if nearest:
        title = tr(ctx.lang, "Dichtstbijzijnde Q&As:", "Nearest Q&As:")
        lines, listed = link_list(ctx.prefix, nearest[:3])
        text += [title, *lines]
        html.append(f"<p>{render.escape(title)}</p>{listed}")
    how = tr(
        ctx.lang,
        f"Beantwoorden: {ctx.prefix}antwoord {code} <tekst> [--publish]",
        f"Answer with: {ctx.prefix}answer {code} <text> [--publish]",
    )
    text.append(how)
    html.append(f"<p>{render.escape(how)}</p>")
    return "\n".join(text), "".join(html)


async def curator_notices(ctx: CommandContext, row: OpenQuestion) -> list[Outgoing]:
    notices: list[Outgoing] = []
    store = await ctx.settings.knowledge.store(session_of(ctx))
    for access in await curator_targets(ctx):
        if access.room_id == row.room_id or not open_questions.visible_to(access, row):
            continue
        text, html = describe_open(ctx, row, access, store)
        # m.text: curators are not sitting waiting for it.
        notices.append(Reply(text=text, html=html, room_id=RoomId(access.room_id), notify=True))
    return notices


async def ask_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    question = " ".join([parsed.raw_args, *parsed.body_lines]).strip()
    return await answer_question(ctx, question)


async def on_plain_question(ctx: CommandContext) -> list[Outgoing]:
    body = strip_reply_fallback(ctx.message.body)
    # A mention of the bot at the start is an address, not part of the question.
    if ctx.settings.bot_user_id:
        localpart = ctx.settings.bot_user_id.split(":", 1)[0].lstrip("@")
        body = re.sub(rf"^\s*@?{re.escape(localpart)}(:\S+)?[:,]?\s*", "", body, flags=re.I)
    return await answer_question(ctx, body)


def is_curator_room(ctx: CommandContext) -> bool:
    return ctx.room.role == "curator" or (
        ctx.settings.curator_room is not None and ctx.room.room_id == ctx.settings.curator_room
    )


def curators_only(ctx: CommandContext) -> str | None:
    if ctx.is_admin or is_curator_room(ctx):
        return None
    return tr(
        ctx.lang,
        "dit commando werkt alleen in een redactiekamer.",
        "this command only works in a curator room.",
    )


async def questions_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    rows = await open_questions.open_for(session, ctx.room.access)
    if not rows:
        return [render.plain(tr(ctx.lang, "Geen open vragen.", "No open questions."))]
    banner = f"TLP:{tlp.highest([row.tlp for row in rows])}"
    title = tr(
        ctx.lang,
        f"{banner} — Open vragen ({len(rows)})",
        f"{banner} — Open questions ({len(rows)})",
    )
    lines, listed = render.bullets([open_question_line(row) for row in rows])
    return [
        Reply(text="\n".join([title, *lines]), html=f"<p><b>{render.escape(title)}</b></p>{listed}")
    ]


async def answer_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    usage = tr(
        ctx.lang,
        f"Gebruik: {ctx.prefix}antwoord <vraagnummer> <tekst> [--publish]",
        f"Usage: {ctx.prefix}answer <question-id> <text> [--publish]",
    )
    words = parsed.raw_args.split(maxsplit=1)
    if not words or (match := _QUESTION_ID.match(words[0])) is None:
        return [render.plain(usage)]
    # A `vraag:` line is the curator's phrasing of the question for `--publish`,
    # not part of the answer.
    body: list[str] = []
    phrasing: str | None = None
    for line in parsed.body_lines:
        if found := _PHRASING_LINE.match(line):
            phrasing = found.group(1).strip() or None
        else:
            body.append(line)
    rest = " ".join([words[1] if len(words) > 1 else "", *body]).strip()
    publish = bool(re.search(r"(^|\s)--publish(\s|$)", rest))
    rest = re.sub(r"(^|\s)--publish(?=\s|$)", " ", rest).strip()
    if not rest:
        return [render.plain(usage)]
    session = session_of(ctx)
    number = int(match.group(1))
    row = await open_questions.get(session, number)
    code = question_code(number)
    if row is None or (not open_questions.visible_to(ctx.room.access, row) and not ctx.is_admin):
        return [
            render.plain(
                tr(ctx.lang, f"Vraag {code} bestaat niet.", f"Question {code} does not exist.")
            )
        ]
    if row.status != "open":
        return [
            render.plain(
                tr(
                    ctx.lang,
                    f"Vraag {code} is al beantwoord door {row.answered_by}.",
                    f"Question {code} was already answered by {row.answered_by}.",
                )
            )
        ]
    published: str | None = None
    if publish:
        item_or_refusal = await _publishable(ctx, row, rest, phrasing)
        if isinstance(item_or_refusal, str):
            return [render.plain(item_or_refusal)]
        item = item_or_refusal
        published = item.id
        await knowledge_items.upsert(session, [as_new_content(item)], ctx.sender)
    open_questions.answer(row, rest, ctx.sender, ctx.now, published)
    await audit.add(
        session,
        ctx.sender,
        "question.answered",
        ctx.room.room_id,
        subject=code,
        detail={"published_as": published},
    )
    head = tr(
        ctx.lang,
        f"Antwoord van de redactie op je vraag {code}:",
        f"The curators' answer to your question {code}:",
    )
    asker = UserId(row.asker)
    back = Reply(
        text=f"{asker}: {head}\n{rest}",
        html=f'<a href="https://matrix.to/#/{render.escape(asker)}">{render.escape(asker)}</a>: '
        f"{render.escape(head)}{to_html(rest)}",
        room_id=RoomId(row.room_id),
        reply_to=EventId(row.event_id),
        notify=True,
        mentions=(asker,),
    )
    confirm = tr(
        ctx.lang,
        f"Antwoord op {code} verstuurd naar {asker}.",
        f"Answer to {code} sent to {asker}.",
    )
    if published:
        stored = await knowledge_items.get(session, published)
        question = str(stored.data.get("question", "")) if stored else ""
        confirm += tr(
            ctx.lang,
            f" Toegevoegd als Q&A {published} met de vraag “{render.shorten(question, 120)}”"
            f" (anders: {ctx.prefix}qa edit {published} met vraag:).",
            f" Added as Q&A {published} with the question “{render.shorten(question, 120)}”"
            f" (to change: {ctx.prefix}qa edit {published} with question:).",
        )
    return [back, render.plain(confirm)]


# Contact data and Matrix ids in a question: none of it belongs in a published Q&A.
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MATRIX_ID = re.compile(r"[@!#+$][\w.=/+-]+:[\w.-]+(?::\d+)?")
_MENTION = re.compile(r"(?<!\w)@[\w.-]+")
_PHONE = re.compile(r"(?<![\w+(])[+(]?\d[\d \t\-./()]{6,}\d(?!\w)")
_PHRASING_LINE = re.compile(r"^\s*(?:vraag|question)\s*:(.*)$", re.IGNORECASE)


def _scrub_phone(match: re.Match[str]) -> str:
    # Nine digits or more is a telephone number; a date (31-12-2027) has eight.
    return "…" if sum(ch.isdigit() for ch in match.group(0)) >= 9 else match.group(0)


def public_phrasing(question: str) -> str:
    """The asker's question without Matrix ids, mentions, e-mail, links or phone numbers."""
    text = _URL.sub("…", question)
    text = _EMAIL.sub("…", text)
    text = _MATRIX_ID.sub("…", text)
    text = _MENTION.sub("…", text)
    text = _PHONE.sub(_scrub_phone, text)
    return " ".join(text.split())


async def _publishable(
    ctx: CommandContext, row: OpenQuestion, answer: str, phrasing: str | None
) -> QA | str:
    """The Q&A `--publish` adds: the curator's answer under the curator's phrasing of the
    question, else the asker's question cleaned of contact data; or why it cannot be."""
    question = phrasing or public_phrasing(row.question)
    if len(terms(question)) < 2:
        return tr(
            ctx.lang,
            "Niet verstuurd en niet gepubliceerd: geef de vraag voor de Q&A op een eigen regel, "
            "bijvoorbeeld “vraag: Wie betaalt het leefgeld?”.",
            "Not sent and not published: give the Q&A's question on a line of its own, "
            "e.g. “question: Who pays the living allowance?”.",
        )
    binding = ctx.room.binding
    # AMBER+STRICT stays with the asking organisation: the Q&A reaches who the question did.
    owner = (
        row.organisation
        if row.tlp == "AMBER+STRICT"
        else (binding.organisation if binding and binding.organisation else "")
    )
    try:
        return QA(
            id=await knowledge_items.next_id(session_of(ctx), "vraag"),
            question=render.shorten(question, 500),
            answer=answer,
            # No shared topic: ranking groups items by topic, and published answers
            # have nothing in common but how they arrived (the tag says that).
            tags=["open-vraag"],
            owner=owner or "",
            updated=today(ctx),
            tlp=row.tlp,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "Q&A"
        return tr(
            ctx.lang,
            f"Niet verstuurd en niet gepubliceerd: {where}: {first['msg']}",
            f"Not sent and not published: {where}: {first['msg']}",
        )


ASK = Command(
    name_nl="vraag",
    name_en="ask",
    summary={
        "nl": "beantwoordt een vraag uit de kennisbank",
        "en": "answers a question from the knowledge store",
    },
    usage={"nl": "{prefix}vraag <vraag>", "en": "{prefix}ask <question>"},
    example={
        "nl": "{prefix}vraag Wie betaalt de kosten van opvang in een gastgezin?",
        "en": "{prefix}ask Who pays for shelter with a host family?",
    },
    handler=ask_command,
    raw_arguments=True,
)

QUESTIONS = Command(
    name_nl="vragen",
    name_en="questions",
    summary={"nl": "toont de open vragen", "en": "lists the open questions"},
    usage={"nl": "{prefix}vragen", "en": "{prefix}questions"},
    example={"nl": "{prefix}vragen", "en": "{prefix}questions"},
    handler=questions_command,
    permission=curators_only,
)

ANSWER = Command(
    name_nl="antwoord",
    name_en="answer",
    summary={
        "nl": "beantwoordt een open vraag; de vrager krijgt het antwoord",
        "en": "answers an open question; the asker receives it",
    },
    usage={
        "nl": "{prefix}antwoord <vraagnummer> <tekst> [--publish]",
        "en": "{prefix}answer <question-id> <text> [--publish]",
    },
    example={
        "nl": "{prefix}antwoord V3 Ja, de gemeente vergoedt dat tot 1 juli. --publish",
        "en": "{prefix}answer V3 Yes, the municipality pays until 1 July. --publish",
    },
    handler=answer_command,
    permission=curators_only,
    raw_arguments=True,
)
