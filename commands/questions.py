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
        return not check_label or tlp.may_see(access, doc.label, "", item.owner or None)

    return accept


def question_code(question_id: int) -> str:
    return f"V{question_id}"


def open_question_line(row: OpenQuestion, with_asker: bool = True) -> str:
    """One open question on one line: id, when, who, what.

    `with_asker=False` (pictures outside curator rooms): the organisation only,
    never the asker's Matrix id.
    """
    if with_asker:
        who = f"{row.organisation} ({row.asker})" if row.organisation else row.asker
    else:
        who = row.organisation or "-"
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
        unbound=binding is None,
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


def describe_open(ctx: CommandContext, row: OpenQuestion) -> tuple[str, str]:
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
    nearest = [n for n in row.nearest if isinstance(n, dict)]
    if nearest:
        title = tr(ctx.lang, "Dichtstbijzijnde Q&As:", "Nearest Q&As:")
        lines, listed = link_list(
            ctx.prefix, [(str(n["id"]), str(n["question"])) for n in nearest[:3]]
        )
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
    for access in await curator_targets(ctx):
        if access.room_id == row.room_id or not open_questions.visible_to(access, row):
            continue
        text, html = describe_open(ctx, row)
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
    rest = " ".join([words[1] if len(words) > 1 else "", *parsed.body_lines]).strip()
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
        published = await knowledge_items.next_id(session, "vraag")
        item = QA(
            id=published,
            question=render.shorten(row.question, 500),
            answer=rest,
            # No shared topic: ranking groups items by topic, and published answers
            # have nothing in common but how they arrived (the tag says that).
            tags=["open-vraag"],
            owner=ctx.room.binding.organisation
            if ctx.room.binding and ctx.room.binding.organisation
            else "",
            updated=today(ctx),
            tlp=row.tlp,
        )
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
        f"Antwoord op {code} verstuurd naar {asker}."
        + (f" Toegevoegd als Q&A {published}." if published else ""),
        f"Answer to {code} sent to {asker}." + (f" Added as Q&A {published}." if published else ""),
    )
    return [back, render.plain(confirm)]


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
