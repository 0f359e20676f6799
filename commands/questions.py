"""Questions from municipalities: `!vraag`, plain questions, and the curators' side.

The bot never guesses. A confident match is answered with its source and date;
otherwise the question becomes an open question in the curator room(s), and a
curator's `!antwoord` goes back to the asker as a reply that notifies them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from commands import exercise, held_answers, objects, render
from commands.answer_remedy import remedy
from commands.birth_dates import MONTH, without_birth_dates
from commands.common import local_time, session_of
from commands.context import CommandContext
from commands.dutch_time import read_date
from commands.grammar import ParsedCommand, strip_reply_fallback
from commands.i18n import t
from commands.knowledge_view import (
    as_bound,
    expired_note,
    item_visible,
    link_list,
    qa_reply,
    section_reply,
)
from commands.message import Outgoing, Reply, for_curators
from commands.registry import Command
from knowledge import linking
from knowledge.markdown import to_html
from knowledge.model import QA, safe_url
from knowledge.problems import complaint
from knowledge.search import Document, Hit, Index
from knowledge.service import Reader, Store, add_phrasing, as_new_content
from knowledge.text import terms
from storage import exercise as exercise_store
from storage import knowledge_items, open_questions, rooms, tlp
from storage.ids import EventId, RoomId, UserId
from storage.models import OpenQuestion
from storage.timezone import AMSTERDAM
from storage.vocabulary import INVISIBLE

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
        return not check_label or item_visible(access, doc.label, item.owner)

    return accept


def reader_of(ctx: CommandContext, store: Store) -> Reader:
    """This room as a reader of the store: what it may not see (by TLP) is out of its
    search altogether. The room's access is the key: it alone decides what it sees."""
    access = ctx.room.access

    def may_see(doc: Document) -> bool:
        item = store.by_id.get(doc.id.split("#", 1)[0])
        return item is not None and item_visible(access, doc.label, item.owner)

    return Reader(access, may_see)


async def search_view(ctx: CommandContext, store: Store) -> Reader:
    """`reader_of`, with its indexes built off the event loop (the first search of a
    view at a new store version builds them; at 10,000 Q&As that takes a while)."""
    reader = reader_of(ctx, store)
    await asyncio.to_thread(store.indexes_for, reader)
    return reader


def may_curate(ctx: CommandContext, label: str, owner: str | None) -> bool:
    """Curation reads first: what a room may not see does not exist for it (admins excepted)."""
    return ctx.is_admin or item_visible(ctx.room.access, label, owner)


def owns(ctx: CommandContext, owner: str | None) -> bool:
    """Lowering a label or handing an item over: its owner's curator room, or an admin."""
    if ctx.is_admin:
        return True
    organisation = ctx.room.binding.organisation if ctx.room.binding else None
    return (
        is_curator_room(ctx)
        and bool(organisation)
        and organisation == as_bound(organisation, owner)
    )


def marked_above(words: str, label: str) -> str | None:
    """The TLP marking written in `words` ("… TLP:AMBER") when it is above `label`."""
    marked = tlp.text_marking(INVISIBLE.sub("", words))
    return marked if marked is not None and tlp.RANK[marked] > tlp.RANK[label] else None


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


def audience_of(ctx: CommandContext) -> str:
    """Who asks, as a group: municipality rooms and direct chats are "gemeenten"
    (municipality staff ask there), any other bound room its role."""
    binding = ctx.room.binding
    if binding is None or binding.role in (None, "municipality"):
        return "gemeenten"
    return str(binding.role)


def hit_title(store: Store, hit_id: str, fallback: str) -> str:
    """How a hit is named in a list: a Q&A by its question, a section with its document."""
    if "#" in hit_id:
        document, section = store.guidance_document(hit_id), store.section(hit_id)
        if document is not None and section is not None:
            return f"{document.title}: {section.title}"
    return fallback


def hit_label(store: Store, hit_id: str) -> str:
    """The label of a hit as the store has it now: a Q&A's, or a section's document's.
    A hit named in a reply (even by its title alone) is content of that label."""
    if "#" in hit_id:
        document = store.guidance_document(hit_id)
        return document.tlp if document is not None else "CLEAR"
    item = store.qa(hit_id)
    return item.tlp if item is not None else "CLEAR"


def hits_label(store: Store, hits: list[Hit]) -> str:
    """The highest label of the hits a reply shows, in full or by title."""
    return tlp.highest([hit_label(store, hit.id) for hit in hits])


def answer_reply(ctx: CommandContext, store: Store, hits: list[Hit]) -> Reply:
    """The best hit in full, opening with the question it answers; the next two as links.
    Its label (banner and `Reply.tlp`) is the highest of all three: a related item's
    title is its content too (an AMBER title under a GREEN banner went out as GREEN)."""
    best = hits[0]
    others = [(hit.id, hit_title(store, hit.id, hit.question)) for hit in hits[1:3]]
    label = hits_label(store, hits[:3])
    document, section = store.guidance_document(best.id), store.section(best.id)
    if "#" in best.id and document is not None and section is not None:
        return section_reply(
            document, section, ctx.lang, ctx.prefix, others, read_as=True, label=label
        )
    item = store.qa(best.id)
    assert item is not None
    changed = store.changed.get(item.id)
    return qa_reply(
        item, changed, today(ctx), ctx.lang, ctx.prefix, others, read_as=True, label=label
    )


# A line `tlp: rood` in a question: the asker's label for it, as a report's field is.
_LABEL_LINE = re.compile(r"^\s*tlp\s*:(.*)$", re.IGNORECASE)


def split_label_line(lines: list[str]) -> tuple[list[str], str | None]:
    """The question's lines without its `tlp:` line, and what that line says (the last
    one counts, as a repeated field does), or None without one."""
    rest: list[str] = []
    given: str | None = None
    for line in lines:
        found = _LABEL_LINE.match(INVISIBLE.sub("", line))
        if found is None or tlp.parse_label(found.group(1)) is None:
            # "TLP:AMBER Waar ligt de route?" is a question with a marking in it (read
            # by `question_label` from the text), not a label line to drop.
            rest.append(line)
        else:
            given = found.group(1).strip()
    return rest, given


def question_label(ctx: CommandContext, question: str, given: str | None) -> str | list[Outgoing]:
    """The label an open question is kept under, or the refusal.

    As for reports and records: the room's default (GREEN in a direct chat or an unbound
    room: a person's question is not for public rooms; CLEAR in a bound room that is
    public now), raised by a `tlp:` line or a
    marking in the text ("… TLP:RED") and never lowered by either; a marking above the
    `tlp:` line is the asker's call, so nothing is kept until the line says.
    """
    binding = None if ctx.room.is_direct else ctx.room.binding
    labels = [binding.tlp_default if binding else "GREEN"]
    if binding is not None and ctx.room.access.public:
        # Asked in a room anyone may read: its words are public already, and a public
        # room sees TLP:CLEAR only, so under the room's default no answer (which carries
        # the question's label) could ever go back to the asker.
        labels = ["CLEAR"]
    field = tlp.parse_label(given) if given is not None else None
    if field is not None:
        labels.append(field)
    marked = tlp.text_marking(INVISIBLE.sub("", question))
    if marked is not None:
        if field is not None and tlp.RANK[marked] > tlp.RANK[field]:
            text = t(ctx.lang, "report_parser.text_label_above_field", marked=marked, label=field)
            return [render.plain(text)]
        labels.append(marked)
    return tlp.highest(labels)


async def answer_question(
    ctx: CommandContext, question: str, given_label: str | None = None
) -> list[Outgoing]:
    question = question.strip()
    if not question:
        return [render.plain(t(ctx.lang, "questions.put_your_question_after", prefix=ctx.prefix))]
    if len(question) > MAX_QUESTION_CHARS:
        return [
            render.plain(
                t(
                    ctx.lang,
                    "questions.that_question_too_long",
                    MAX_QUESTION_CHARS=MAX_QUESTION_CHARS,
                )
            )
        ]
    if len(terms(question)) < 2 and not question.endswith("?"):
        # "hoi", "dank je": in a direct chat every message counts as a question, but
        # a greeting should not land on the curators' desk.
        return [render.plain(t(ctx.lang, "questions.ask_your_question_full"))]
    label = question_label(ctx, question, given_label)
    if not isinstance(label, str):
        return label
    session = session_of(ctx)
    # A question that names a kind of object and a municipality ('welke verpleeghuizen in
    # Gorinchem hebben geen noodstroom?') is answered from the object store.
    listed = await objects.answer_question(ctx, question)
    if listed is not None:
        ctx.events.append("question.answered")
        return [listed]
    store = await ctx.settings.knowledge.store(session)
    # Q&As and guidance sections compete in one ranking. What this room may not see does
    # not exist for it: out of the ranking and the confidence (so a hidden phrasing cannot
    # make a visible item look sure), and never named (no "there is an answer, but"): the
    # room gets what a store without it would give, an open question if nothing visible
    # is sure. Items that are not current score zero. Suggestions obey the same rule.
    reader = await search_view(ctx, store)
    result = store.ask(question, limit=3, reader=reader, current_on=today(ctx))
    if result.confident:
        ctx.events.append("question.answered")
        return [answer_reply(ctx, store, result.hits)]
    return await open_question(ctx, question, result.hits, store, label)


def with_suggestions(ctx: CommandContext, told: str, store: Store, hits: list[Hit]) -> Reply:
    """What the asker is told, plus the nearest two items as "Misschien bedoel je: …".

    `hits` come from a search filtered by what the asking room may see and what is
    current, so nothing here is beyond the room's view.
    """
    suggestions = [(hit.id, hit_title(store, hit.id, hit.question)) for hit in hits[:2]]
    if not suggestions:
        return render.plain(told)
    title = t(ctx.lang, "maybe_you_mean")
    lines, listed = link_list(ctx.prefix, suggestions, ctx.lang)
    text = "\n".join([told, title, *lines])
    html = f"<p>{render.escape(told)}</p><p>{render.escape(title)}</p>{listed}"
    # The suggested titles are content of their items' labels; the receipt names none.
    return Reply(text=text, html=html, tlp=hits_label(store, hits[:2]))


def visible_nearest(nearest: list[Any] | None, hidden: frozenset[str]) -> list[tuple[str, float]]:
    """An open question's nearest items (id, score) as found for its own asker, less
    what the room now asking may not see: a hidden item must not sway a link either
    way (its score would weigh in the nearness)."""
    pairs = [(str(n["id"]), float(n["score"])) for n in nearest or []]
    return [(item, score) for item, score in pairs if item not in hidden]


@dataclass(frozen=True)
class LinkingReader:
    """Open questions read as the asking room's search reads them: what it may not see
    plays no part (`hidden`: its items dropped from their nearest)."""

    index: Index
    hidden: frozenset[str]

    def __call__(self, row: OpenQuestion) -> linking.Asked:
        nearest = visible_nearest(row.nearest, self.hidden)
        return linking.asked(self.index.term_weights(row.question), nearest, row.question)


def linking_reader(ctx: CommandContext, store: Store) -> LinkingReader:
    reader = reader_of(ctx, store)
    hidden: frozenset[str] = frozenset().union(*store.hidden_from(reader))
    return LinkingReader(store.indexes_for(reader)[0], hidden)


def own_sides_agree(question: str, organisation: str | None, row: OpenQuestion) -> bool:
    """False when either question asks for its own side ("krijgen wij zandzakken?") and
    the two come from different organisations: two questions in the same words."""
    if row.organisation == organisation:
        return True
    return not (linking.speaks_for_own(question) or linking.speaks_for_own(row.question))


async def unlinked_by_edit(
    ctx: CommandContext, row: OpenQuestion, store: Store
) -> list[tuple[OpenQuestion, int]]:
    """After an edit replaced `row`'s words: the links made for its old words that its
    new words no longer bear (each question unlinked, with the code it was linked to).
    A linked question edited into another one is a question of its own again; so is a
    question linked to `row` that no longer asks what `row` now asks. Otherwise the
    answer to one would reach the other's asker."""
    session = session_of(ctx)
    read = linking_reader(ctx, store)
    pairs: list[tuple[OpenQuestion, OpenQuestion]] = []
    if row.linked_to is not None:
        primary = await open_questions.get(session, row.linked_to)
        if primary is not None:
            pairs.append((row, primary))
    else:
        pairs += [(other, row) for other in await open_questions.linked(session, row.id)]
    undone: list[tuple[OpenQuestion, int]] = []
    for linked, primary in pairs:
        same = linking.same_need(read(linked), read(primary))
        if not (same and own_sides_agree(linked.question, linked.organisation, primary)):
            linked.linked_to = None
            undone.append((linked, primary.id))
    return undone


async def find_duplicate(
    ctx: CommandContext,
    store: Store,
    question: str,
    nearest_hits: list[Hit],
    scope: tuple[str, str],
) -> OpenQuestion | None:
    """The open question this one repeats, if any: same incident or audience, same label
    (`scope`: label and audience), visible to the asking room, and the same need in
    its words or its nearest store items (knowledge/linking.py)."""
    label, audience = scope
    binding = ctx.room.binding
    candidates = await open_questions.link_candidates(
        session_of(ctx),
        ctx.room.access,
        label,
        binding.incident if binding else None,
        audience,
    )
    read = linking_reader(ctx, store)
    hits = [(h.id, h.score) for h in nearest_hits]
    mine = linking.asked(read.index.term_weights(question), hits, question)
    organisation = binding.organisation if binding else None
    best: tuple[float, OpenQuestion] | None = None
    for row in candidates:
        if row.unbound and row.room_id != ctx.room.room_id:
            # Asked in a direct chat (or an unbound room): one person's private words,
            # shown only to the curators. Linking would quote them to this asker.
            continue
        if not own_sides_agree(question, organisation, row):
            continue
        score = linking.score(mine, read(row))
        if score >= linking.SAME_NEED and (best is None or score > best[0]):
            best = (score, row)
    return best[1] if best else None


async def open_question(
    ctx: CommandContext, question: str, nearest_hits: list[Hit], store: Store, label: str
) -> list[Outgoing]:
    edited = await _edited_open_question(ctx)
    if edited is not None:
        return await _replace_words(ctx, edited, question, nearest_hits, store, label)
    row, primary = await _record_question(ctx, question, nearest_hits, store, label)
    ctx.events.append("question.open")
    code = question_code(row.id)
    if primary is not None:
        ctx.events.append("question.linked")
        told = t(
            ctx.lang,
            "linked_told",
            code=question_code(primary.id),
            # Named, as every reply names the highest label it shows: the code is the
            # only thing of the other question shown. Its asker's words are not quoted
            # to a different asker (names, health details: no cleaning finds them all).
            tlp=primary.tlp,
            own=code,
        )
        return [
            with_suggestions(ctx, told, store, nearest_hits),
            *await linked_notices(ctx, row, primary),
        ]
    notices = await curator_notices(ctx, row)
    if notices:
        told = t(ctx.lang, "questions.i_have_no_confident", code=code)
    elif await curator_targets(ctx):
        # There are curators, but the question's label keeps it from all of them (a
        # TLP:RED question never leaves its room): the asker must not wait for them.
        log.warning("open question %s: its label %s reaches no curator room", code, row.tlp)
        told = t(ctx.lang, "questions.label_keeps_it_here", code=code, label=row.tlp)
    else:
        # Kept for `!vragen` once a curator room exists; the asker must not think
        # someone is already reading it.
        log.warning("open question %s: no curator room may see it", code)
        told = t(ctx.lang, "questions.i_have_no_confident_2", code=code)
    return [with_suggestions(ctx, told, store, nearest_hits), *notices]


async def _edited_open_question(ctx: CommandContext) -> OpenQuestion | None:
    """The still open question this message's edit asks again, if any: asked by the
    message it edits (or an earlier edit of it), in this room, by this sender, not yet
    answered or withdrawn. An edit of it replaces its words: the curators must not
    get a second open question for one message."""
    original = ctx.message.relation.replaces
    if original is None:
        return None
    rows = await open_questions.asked_by(session_of(ctx), original)
    mine = [
        row
        for row in rows
        if row.status == "open"
        and row.withdrawn_at is None
        and await _asked_here(ctx, row)
        and row.asker == ctx.sender
    ]
    return mine[-1] if mine else None


async def _asked_here(ctx: CommandContext, row: OpenQuestion) -> bool:
    """Was `row` asked in this room? An upgrade moves a room's open questions to the new
    room (`rooms.carry_binding`), and an edit can still be made in the old one."""
    if row.room_id == ctx.room.room_id:
        return True
    return ctx.room.room_id in await rooms.earlier_rooms(session_of(ctx), row.room_id)


async def _replace_words(
    ctx: CommandContext,
    row: OpenQuestion,
    question: str,
    nearest_hits: list[Hit],
    store: Store,
    label: str,
) -> list[Outgoing]:
    """The open question takes the edit's words and nearest items; its label is the
    higher of the two (an edit never lowers what the curators already saw). The curators
    who may see it get a short notice with the new words; the previous ones are kept
    for a redaction of the edit (`storage.open_questions.replace_words`)."""
    session = session_of(ctx)
    code = question_code(row.id)
    nearest = [
        {"id": h.id, "question": h.question, "score": round(h.score, 2)} for h in nearest_hits
    ]
    words = (question, tlp.highest([row.tlp, label]), nearest)
    original = ctx.message.relation.replaces or row.event_id
    await open_questions.replace_words(session, row, ctx.message.event_id, original, words)
    ctx.events.append("question.edited")
    undone = await unlinked_by_edit(ctx, row, store)
    unlinked = {question_code(q.id): question_code(p) for q, p in undone}
    await ctx.audit(
        session,
        "question.edited",
        subject=code,
        detail={"tlp": row.tlp, **({"unlinked": unlinked} if unlinked else {})},
    )
    notices: list[Outgoing] = []
    for access in await curator_targets(ctx):
        if access.own(row.room_id) or not open_questions.visible_to(access, row):
            continue
        text, html, label = describe_open(ctx, row, access, store)
        head = t(ctx.lang, "questions.edited_curators", code=code)
        for own, primary in unlinked.items():
            head += " " + t(ctx.lang, "questions.edit_unlinked", own=own, code=primary)
        notices.append(
            Reply(
                text=f"{head}\n{text}",
                html=f"<p>{render.escape(head)}</p>{html}",
                room_id=RoomId(access.room_id),
                tlp=label,
                curators_only=True,  # it names who asked
            )
        )
    told = t(ctx.lang, "questions.edited_told", code=code)
    return [with_suggestions(ctx, told, store, nearest_hits), *notices]


async def _record_question(
    ctx: CommandContext, question: str, nearest_hits: list[Hit], store: Store, label: str
) -> tuple[OpenQuestion, OpenQuestion | None]:
    """Store (and audit) the open question under `label` (`question_label`); returns it
    and the earlier question it was linked to as a duplicate, if any."""
    session = session_of(ctx)
    # A direct chat counts as unbound even when an admin bound it (it sees CLEAR only,
    # see RoomAccess.for_binding): its questions go to the curators and nowhere else.
    binding = None if ctx.room.is_direct else ctx.room.binding
    audience = audience_of(ctx)
    duplicate = await find_duplicate(ctx, store, question, nearest_hits, (label, audience))
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
        audience=audience,
        linked_to=duplicate.id if duplicate else None,
        # Asked by an edit (read as the message it now is): redacting the message it
        # edits withdraws this question too.
        origin_event_id=ctx.message.relation.replaces,
    )
    # A replayed event finds the row it made the first time, with the link it got then.
    primary = await open_questions.get(session, row.linked_to) if row.linked_to else None
    await ctx.audit(
        session,
        "question.linked" if primary else "question.opened",
        subject=question_code(row.id),
        detail={"tlp": label, **({"linked_to": question_code(primary.id)} if primary else {})},
    )
    return row, primary


async def linked_notices(
    ctx: CommandContext, row: OpenQuestion, primary: OpenQuestion
) -> list[Outgoing]:
    """A short notice (no ping: nothing new to do) in each curator room that sees both."""
    notices: list[Outgoing] = []
    where = f"{row.room_id}" + (f" ({row.organisation})" if row.organisation else "")
    for access in await curator_targets(ctx):
        if access.own(row.room_id):
            continue
        if not (
            open_questions.visible_to(access, row) and open_questions.visible_to(access, primary)
        ):
            continue
        text = t(
            ctx.lang,
            "linked_notice",
            own=question_code(row.id),
            # The label its quoted words carry: every reply names the highest it shows,
            # which is what the outbox checks again just before the send.
            tlp=row.tlp,
            asker=row.asker,
            where=where,
            code=question_code(primary.id),
            question=render.shorten(row.question, 300),
            prefix=ctx.prefix,
        )
        room = RoomId(access.room_id)
        notices.append(
            Reply(text=text, html=render.text_to_html(text), room_id=room, curators_only=True)
        )
    return notices


async def room_access(session: AsyncSession, room_id: str) -> tlp.RoomAccess:
    """What a room other than the current one may see: its binding as stored now."""
    return await rooms.access_of(session, RoomId(room_id))


def phrasing_may_join(question: OpenQuestion, item: QA) -> bool:
    """May a question's words become a phrasing of `item`? Only when every room that may
    see the Q&A may also see the question: asked of a room cleared exactly to the Q&A's
    label (with its owner as organisation; public if the Q&A is CLEAR), the shared rule
    must let the question through. An AMBER question never becomes words of a GREEN Q&A.
    """
    probe = tlp.RoomAccess("", True, item.tlp, item.owner or None, public=item.tlp == "CLEAR")
    return tlp.may_see(probe, question.tlp, question.room_id, question.organisation)


async def curator_targets(ctx: CommandContext) -> list[tlp.RoomAccess]:
    """The rooms that receive open questions, each with what it may see."""
    session = session_of(ctx)
    configured = ctx.settings.curator_room
    if configured:
        bound = await rooms.binding(session, RoomId(configured))
        room = await rooms.get(session, RoomId(configured))
        public = bool(room.public) if room else False
        if bound is not None and bound.active:
            if not exercise.room_in_exercise(ctx) and await exercise_store.is_exercise(
                session, bound.incident
            ):
                return []  # a real question never goes into a room bound to an exercise
            direct = bool(room and room.is_direct)
            # With the rooms it replaced: its questions asked before an upgrade are its own.
            earlier = await rooms.earlier_rooms(session, configured)
            view = rooms.BindingView.of(bound, earlier=earlier)
            return [tlp.RoomAccess.for_binding(configured, view, public, direct)]
        # Named by the operator in the configuration (an admin's act): cleared to GREEN.
        return [tlp.RoomAccess.for_configured_curators(configured, public)]
    views = await rooms.role_views(session, "curator")
    # A real question never goes into a curator room bound to an exercise; an exercise
    # question goes to the exercise's own curator rooms, or else (marked OEFENING by the
    # dispatcher) to the real ones, who may play along.
    in_exercise = exercise.room_in_exercise(ctx)
    same = [v for v in views if v[1].exercise == in_exercise]
    if in_exercise and not same:
        same = [v for v in views if not v[1].exercise]
    return [
        tlp.RoomAccess.for_binding(room_id, view, public, direct)
        for room_id, view, public, direct in same
    ]


def describe_open(
    ctx: CommandContext, row: OpenQuestion, access: tlp.RoomAccess, store: Store
) -> tuple[str, str, str]:
    """The open question as posted in one curator room, with the nearest Q&As *it* may
    see: text, HTML and the highest label shown (the question's, or a nearest item's
    title above it: its head names the question's label only)."""
    code = question_code(row.id)
    where = f"{row.room_id}" + (f" ({row.organisation})" if row.organisation else "")
    head = t(
        ctx.lang,
        "questions.open_question_tlp_from",
        code=code,
        tlp=row.tlp,
        asker=row.asker,
        where=where,
        asked_at=local_time(row.asked_at),
    )
    quoted = render.shorten(row.question, 500)
    text = [head, f"“{quoted}”"]
    html = [f"<p><b>{render.escape(head)}</b><br>“{render.escape(quoted)}”</p>"]
    # The nearest items were found with the asker's view, which may be wider than this
    # room's: each is checked again, with its label as the store has it now.
    nearest: list[tuple[str, str]] = []
    labels = [row.tlp]
    for near in row.nearest:
        near_id = str(near.get("id")) if isinstance(near, dict) else ""
        item = store.by_id.get(near_id.split("#", 1)[0])
        if item is None or not item_visible(access, item.tlp, item.owner):
            continue
        if isinstance(item, QA):
            nearest.append((item.id, item.question))
        elif store.section(near_id) is not None:
            nearest.append((near_id, hit_title(store, near_id, near_id)))
        else:
            continue
        if len(nearest) <= 3:
            labels.append(item.tlp)
    if nearest:
        title = t(ctx.lang, "questions.nearest_q_as")
        lines, listed = link_list(ctx.prefix, nearest[:3], ctx.lang)
        text += [title, *lines]
        html.append(f"<p>{render.escape(title)}</p>{listed}")
    # What `qa=<id> --leer` would add, shown before the curator decides: the curator
    # confirms exactly this text (or gives a `vraag:` line of their own).
    preview = t(
        ctx.lang, "phrasing_preview", phrasing=render.shorten(public_phrasing(row.question), 300)
    )
    how = t(ctx.lang, "questions.answer_with_answer_text", prefix=ctx.prefix, code=code)
    text += [preview, how]
    html.append(f"<p>{render.escape(preview)}</p><p>{render.escape(how)}</p>")
    return "\n".join(text), "".join(html), tlp.highest(labels)


async def curator_notices(ctx: CommandContext, row: OpenQuestion) -> list[Outgoing]:
    notices: list[Outgoing] = []
    store = await ctx.settings.knowledge.store(session_of(ctx))
    for access in await curator_targets(ctx):
        if access.own(row.room_id) or not open_questions.visible_to(access, row):
            continue
        text, html, label = describe_open(ctx, row, access, store)
        # m.text: curators are not sitting waiting for it.
        room = RoomId(access.room_id)
        notices.append(
            Reply(text=text, html=html, room_id=room, notify=True, tlp=label, curators_only=True)
        )
    return notices


async def ask_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    lines, given = split_label_line([parsed.raw_args, *parsed.body_lines])
    question = " ".join(lines).strip()
    return await answer_question(ctx, question, given)


async def on_plain_question(ctx: CommandContext) -> list[Outgoing]:
    body = strip_reply_fallback(ctx.message.body)
    # A mention of the bot at the start is an address, not part of the question.
    if ctx.settings.bot_user_id:
        localpart = ctx.settings.bot_user_id.split(":", 1)[0].lstrip("@")
        body = re.sub(rf"^\s*@?{re.escape(localpart)}(:\S+)?[:,]?\s*", "", body, flags=re.I)
    lines, given = split_label_line(body.split("\n"))
    return await answer_question(ctx, "\n".join(lines), given)


def is_curator_room(ctx: CommandContext) -> bool:
    """The command's room is a curator room (`rooms.curator_room_rule`): its context
    holds a role only while the room's binding is active (`rooms.message_context`)."""
    return rooms.curator_room_rule(ctx.room.role, True, ctx.room.room_id, ctx.settings.curator_room)


def curators_only(ctx: CommandContext) -> str | None:
    if ctx.is_admin or is_curator_room(ctx):
        return None
    return t(ctx.lang, "questions.this_command_only_works")


async def questions_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    # The curators' queue holds the questions of the room's own mode only (an exercise's
    # curators see the exercise's; the others answer an exercise question by its code
    # from the curator post, which says OEFENING).
    mode = exercise.room_in_exercise(ctx)
    rows = await open_questions.open_for(session, ctx.room.access, exercise_mode=mode)
    kept = await _kept_listing(ctx, mode)
    if not rows:
        return [*kept] if kept else [render.plain(t(ctx.lang, "questions.no_open_questions"))]
    banner = f"TLP:{tlp.highest([row.tlp for row in rows])}"
    title = t(ctx.lang, "questions.open_questions", banner=banner, rows=len(rows))
    lines: list[str] = []
    for row in rows:
        line = open_question_line(row)
        # Linked questions carry the same label; checked anyway, per row.
        joined = [
            question_code(other.id)
            for other in await open_questions.linked(session, row.id)
            if open_questions.visible_to(ctx.room.access, other)
        ]
        if joined:
            line += f" ({t(ctx.lang, 'linked_count', codes=', '.join(joined))})"
        lines.append(line)
    text_lines, listed = render.bullets(lines)
    listing = Reply(
        text="\n".join([title, *text_lines]), html=f"<p><b>{render.escape(title)}</b></p>{listed}"
    )
    # It names who asked: in a curator room, for as long as the room is one (an admin's
    # list elsewhere was shown for the admin, whatever the room is).
    return [for_curators(listing) if is_curator_room(ctx) else listing, *kept]


async def _kept_listing(ctx: CommandContext, exercise_mode: bool) -> list[Outgoing]:
    """The answers kept for askers who left their direct chat (commands/held_answers.py),
    as a second list: answered, but not yet with the asker (or lapsed: not delivered)."""
    session, access = session_of(ctx), ctx.room.access
    rows = await open_questions.kept_for(session, access, exercise_mode)
    if not rows:
        return []
    total = len(rows)
    if total == open_questions.KEPT_LISTED:
        total = await open_questions.count_kept(session, access, exercise_mode)
    title = t(ctx.lang, "questions.kept_answers", rows=total)
    if total > len(rows):
        title += " " + t(ctx.lang, "questions.kept_newest", shown=len(rows))
    lines = []
    for row in rows:
        line = open_question_line(row)
        if row.answered_at is not None and ctx.now - row.answered_at > held_answers.KEPT_FOR:
            line += f" ({t(ctx.lang, 'questions.kept_lapsed')})"
        lines.append(line)
    text_lines, listed = render.bullets(lines)
    banner = f"TLP:{tlp.highest([row.tlp for row in rows])}"
    listing = Reply(
        text="\n".join([f"{banner} {title}", *text_lines]),
        html=f"<p><b>{render.escape(banner)} {render.escape(title)}</b></p>{listed}",
    )
    return [for_curators(listing) if is_curator_room(ctx) else listing]


# `!antwoord` body lines: the curator's phrasing, the source and the end date (the
# latter two for `--publish`, and shown to the asker).
_ANSWER_FIELD = re.compile(
    r"^\s*(vraag|question|bron|source|geldig tot|valid until)\s*:(.*)$", re.IGNORECASE
)
_QA_OPTION = re.compile(r"(?:^|\s)qa=(\S+)", re.IGNORECASE)
# The audit row of a phrasing learnt from a question (subject: its code).
LEARNT_ACTION = "question.phrasing_learnt"
_FLAG = re.compile(r"(?:^|\s)--(publish|publiceer|leer|learn)(?=\s|$)", re.IGNORECASE)


@dataclass
class AnswerRequest:
    code: int
    text: str
    phrasing: str | None = None
    source: str | None = None
    until_text: str | None = None
    qa_id: str | None = None
    publish: bool = False
    learn: bool = False


def read_answer(parsed: ParsedCommand) -> AnswerRequest | None:
    words = parsed.raw_args.split(maxsplit=1)
    if not words or (match := _QUESTION_ID.match(words[0])) is None:
        return None
    request = AnswerRequest(code=int(match.group(1)), text="")
    body: list[str] = []
    for line in parsed.body_lines:
        found = _ANSWER_FIELD.match(line)
        if found is None:
            body.append(line)
            continue
        key, value = found.group(1).lower(), found.group(2).strip() or None
        if key in ("vraag", "question"):
            request.phrasing = value
        elif key in ("bron", "source"):
            request.source = value
        else:
            request.until_text = value
    rest = " ".join([words[1] if len(words) > 1 else "", *body])
    for flag in _FLAG.findall(rest):
        if flag.lower() in ("publish", "publiceer"):
            request.publish = True
        else:
            request.learn = True
    rest = _FLAG.sub(" ", rest)
    if (qa := _QA_OPTION.search(rest)) is not None:
        request.qa_id = qa.group(1)
        rest = _QA_OPTION.sub(" ", rest)
    request.text = rest.strip()
    return request


def to_asker(row: OpenQuestion, text: str, html: str) -> Reply:
    """A reply to the asker's own message that notifies them (m.text with a mention)."""
    asker = UserId(row.asker)
    return Reply(
        text=f"{asker}: {text}",
        html=f'<a href="https://matrix.to/#/{render.escape(asker)}">{render.escape(asker)}</a>: '
        f"{html}",
        room_id=RoomId(row.room_id),
        reply_to=EventId(row.event_id),
        notify=True,
        mentions=(asker,),
        # What it says about the question (an answer, its words) goes as the question's
        # label, or the higher one its text marks.
        tlp=tlp.highest([row.tlp, tlp.text_marking(text) or "CLEAR"]),
    )


async def answer_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    replies = await _answer(ctx, parsed)
    if not is_curator_room(ctx):
        return replies
    # What the curator is told here names the askers ("verstuurd naar @anna:x"): for
    # as long as the room is a curator room. The answer itself goes to its asker's room.
    return [
        for_curators(r) if isinstance(r, Reply) and r.room_id in (None, ctx.room.room_id)
        and not r.notify else r
        for r in replies
    ]  # fmt: skip


async def _answer(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    usage = t(ctx.lang, "answer_usage", prefix=ctx.prefix)
    request = read_answer(parsed)
    if request is None:
        return [render.plain(usage)]
    learn_only = request.learn and not request.text and request.qa_id is None
    if not request.text and request.qa_id is None and not learn_only:
        return [render.plain(usage)]
    if request.qa_id is not None and (request.text or request.publish):
        # One answer at a time: a Q&A, or the curator's own text.
        return [render.plain(usage)]
    session = session_of(ctx)
    row = await open_questions.get(session, request.code)
    code = question_code(request.code)
    if row is None or (not open_questions.visible_to(ctx.room.access, row) and not ctx.is_admin):
        return [render.plain(t(ctx.lang, "questions.question_does_not_exist", code=code))]
    if row.withdrawn_at is not None:
        return [render.plain(await withdrawn_refusal(ctx, row))]
    if await exercise_store.is_exercise(session, row.incident):
        # An exercise's answer goes to its askers, marked, but never into the real store.
        ctx.concerns_exercise = True
        if request.publish or request.learn:
            return [render.plain(t(ctx.lang, "exercise.no_publish"))]
    elif exercise.room_in_exercise(ctx):
        # A real question is the real curators' to answer: from an exercise room its asker
        # would get an OEFENING answer, the question would be closed for the real curators,
        # and `--publish` would put exercise words into the real store.
        return [render.plain(t(ctx.lang, "exercise.real_question", code=code))]
    if learn_only:
        return await learn_after(ctx, row, request)
    if row.status != "open":
        return [
            render.plain(
                t(
                    ctx.lang,
                    "questions.question_was_already_answered",
                    code=code,
                    answered_by=row.answered_by,
                )
            )
        ]
    # A linked question answered by its own code: the curator judged it a question of
    # its own after all, so only it is answered (and it is unlinked when it is).
    group = (
        [row] if row.linked_to is not None else [row, *await open_questions.linked(session, row.id)]
    )
    if request.qa_id is not None:
        return await answer_with_qa(ctx, row, group, request)
    return await answer_with_text(ctx, row, group, request)


async def withdrawn_refusal(ctx: CommandContext, row: OpenQuestion) -> str:
    """`!antwoord` of a question its asker withdrew: nothing is sent (nor learned from its
    words); where another asker's linked question is still open, which one to answer."""
    text = t(ctx.lang, "questions.withdrawn_refused", code=question_code(row.id))
    other = await open_questions.get(session_of(ctx), row.linked_to) if row.linked_to else None
    if row.status == "withdrawn" and other is not None and other.status == "open":
        text += " " + t(
            ctx.lang,
            "questions.withdrawn_still_open",
            open=question_code(other.id),
            prefix=ctx.prefix,
        )
    return text


async def _qa_refusal_line(
    ctx: CommandContext, question: OpenQuestion, access: tlp.RoomAccess, label: str
) -> str:
    """A Q&A the asker's room may not see: who, and the answer that can still reach it."""
    room = await rooms.get(session_of(ctx), RoomId(question.room_id))
    reaches = _text_reaches(ctx, question, access, bool(room and room.is_direct), "")
    code = question_code(question.id)
    return t(
        ctx.lang,
        "qa_not_served",
        asker=question.asker,
        code=code,
        label=label,
        remedy=remedy(ctx.lang, ctx.prefix, code, access, question.tlp, reaches),
    )


async def answer_with_qa(
    ctx: CommandContext, row: OpenQuestion, group: list[OpenQuestion], request: AnswerRequest
) -> list[Outgoing]:
    """`!antwoord V12 qa=<id>`: every asker in the group whose room may see the Q&A gets it
    in full; who may not gets nothing of it, and the curator is told who that was."""
    assert request.qa_id is not None
    session = session_of(ctx)
    store = await ctx.settings.knowledge.store(session)
    item = store.qa(request.qa_id)
    if item is None or not may_curate(ctx, item.tlp, item.owner):
        return [render.plain(t(ctx.lang, "qa_unknown", id=request.qa_id))]
    note = expired_note(item, today(ctx), ctx.lang)
    if note is not None:
        return [render.plain(t(ctx.lang, "qa_expired", id=item.id, note=note, prefix=ctx.prefix))]
    served: list[OpenQuestion] = []
    refused: list[OpenQuestion] = []
    refusals: list[str] = []
    for question in group:
        access = await room_access(session, question.room_id)
        if (moved := await _mode_moved(session, question)) is not None:
            refusals.append(_not_served_line(ctx, question, access, *moved, None))
        elif not item_visible(access, item.tlp, item.owner):
            refusals.append(await _qa_refusal_line(ctx, question, access, item.tlp))
        else:
            served.append(question)
            continue
        refused.append(question)
    if not served:
        text = " ".join([t(ctx.lang, "qa_nobody_served", id=item.id, label=item.tlp), *refusals])
        return [render.plain(text)]
    out = _serve_askers(ctx, store, item, served)
    out, present, kept = await held_answers.keep_for_absent(ctx, out, served)
    await _answered(ctx, row, group, served, {"qa": item.id, **_held(served, present)})
    sent = t(
        ctx.lang,
        "qa_sent",
        id=item.id,
        askers=", ".join(sorted({q.asker for q in present})),
        codes=", ".join(question_code(q.id) for q in present),
    )
    confirm = [*([sent] if present else []), *refusals, *kept]
    if request.learn:
        confirm += await learn(ctx, served, item, request.phrasing)
    else:
        confirm += _learn_hint(ctx, served[0], item, request.phrasing)
    out.append(_quoting(render.plain("\n".join(confirm)), item, served))
    return out


def _quoting(reply: Reply, item: QA, questions: list[OpenQuestion]) -> Reply:
    """The curator's confirmation of an answer with a Q&A, or of what learning added: it
    names the Q&A and may quote the askers' words (a phrasing offered or added), so it
    carries their labels, as every reply carries the highest label it shows."""
    return replace(reply, tlp=tlp.highest([item.tlp, *(q.tlp for q in questions)]))


async def _answered(
    ctx: CommandContext,
    row: OpenQuestion,
    group: list[OpenQuestion],
    served: list[OpenQuestion],
    detail: dict[str, object],
) -> None:
    """After an answer: each question not served is a question of its own again (so it
    shows in `!vragen`, to be answered with what may go there), as is the one answered
    by its code; who got the answer and who did not is audited."""
    for question in group:
        if question is row or question not in served:
            question.linked_to = None
    await ctx.audit(
        session_of(ctx),
        "question.answered",
        subject=question_code(row.id),
        detail={
            **detail,
            "served": [question_code(q.id) for q in served],
            "refused": [question_code(q.id) for q in group if q not in served],
        },
    )


def _held(served: list[OpenQuestion], present: list[OpenQuestion]) -> dict[str, object]:
    """For the audit: the answered questions kept for an asker who left (none: nothing)."""
    held = [question_code(q.id) for q in served if q not in present]
    return {"held": held} if held else {}


def _serve_askers(
    ctx: CommandContext, store: Store, item: QA, served: list[OpenQuestion]
) -> list[Outgoing]:
    """The Q&A in full to each asker's room, and each question marked answered with it."""
    out: list[Outgoing] = []
    for question in served:
        head = t(ctx.lang, "qa_answer_head", code=question_code(question.id))
        full = qa_reply(item, store.changed.get(item.id), today(ctx), ctx.lang, ctx.prefix)
        reply = to_asker(
            question, f"{head}\n{full.text}", f"<p>{render.escape(head)}</p>{full.html}"
        )
        # It shows the Q&A and the asker's own code, as a reply in their own room: none of
        # the question's words. So it carries the Q&A's label, not the question's: the
        # Q&A the refusal of a text answer advises ("a Q&A of at most TLP:CLEAR",
        # commands/answer_remedy.py) must not be voided at the send for the question's.
        out.append(replace(reply, tlp=full.tlp or item.tlp))
        # Marked so that `--leer` can follow later: answered with this Q&A, not with text.
        open_questions.answer(question, f"qa:{item.id}", ctx.sender, ctx.now, item.id)
    return out


def _learn_hint(ctx: CommandContext, first: OpenQuestion, item: QA, given: str | None) -> list[str]:
    """Without `--leer`: offer to add the asker's phrasing to the Q&A, or say why its
    label keeps it out; nothing when the phrasing is too short to help."""
    phrasing = given or public_phrasing(first.question)
    if (marked := marked_above(phrasing, item.tlp)) is not None:
        return [t(ctx.lang, "learn_marked", label=marked, id=item.id, qa_label=item.tlp)]
    if not given and not phrasing_may_join(first, item):
        return [
            t(
                ctx.lang,
                "learn_label",
                code=question_code(first.id),
                label=first.tlp,
                id=item.id,
                qa_label=item.tlp,
            )
        ]
    if len(terms(phrasing)) >= 2:
        return [
            t(
                ctx.lang,
                "learn_offer_own" if given else "learn_offer",
                id=item.id,
                # Own words as `learn` takes them (500): the hint's command is sent as shown.
                phrasing=render.shorten(phrasing, 500 if given else 300),
                prefix=ctx.prefix,
                code=question_code(first.id),
            )
        ]
    return []


async def learn(
    ctx: CommandContext, questions: list[OpenQuestion], item: QA, phrasing: str | None
) -> list[str]:
    """Add the askers' questions (cleaned), or the curator's `vraag:` line, as phrasings
    of `item`, each only where the question's label may go with the Q&A."""
    lines: list[str] = []
    wanted: list[tuple[OpenQuestion, str]] = (
        [(questions[0], phrasing)]
        if phrasing
        else [(q, public_phrasing(q.question)) for q in questions]
    )
    for question, words in wanted:
        code = question_code(question.id)
        # The curator's own `vraag:` words are curation like `!qa edit`: they take the
        # Q&A's label. The asker's words keep the question's label, so they may only join
        # a Q&A that goes nowhere the question may not.
        if not phrasing and not phrasing_may_join(question, item):
            lines.append(
                t(
                    ctx.lang,
                    "learn_label",
                    code=code,
                    label=question.tlp,
                    id=item.id,
                    qa_label=item.tlp,
                )
            )
            continue
        if (marked := marked_above(words, item.tlp)) is not None:
            # Words marked above the Q&A ("… TLP:AMBER") would reach every room that sees
            # the Q&A: a marking is a label, whoever wrote it (as in `!qa add`).
            lines.append(t(ctx.lang, "learn_marked", label=marked, id=item.id, qa_label=item.tlp))
            continue
        words = render.shorten(words, 500)
        if len(terms(words)) < 2:
            lines.append(t(ctx.lang, "learn_too_short"))
            continue
        done = await add_phrasing(session_of(ctx), item.id, words, ctx.sender)
        if done is None:
            lines.append(t(ctx.lang, "qa_unknown", id=item.id))
        elif done.added:
            await _audit_learnt(ctx, item.id, code, words, done.version)
            lines.append(
                t(ctx.lang, "learn_added", id=item.id, version=done.version, phrasing=words)
            )
        else:
            lines.append(t(ctx.lang, "learn_known", id=item.id, phrasing=words))
    return lines


async def _audit_learnt(
    ctx: CommandContext, item_id: str, code: str, words: str, version: int
) -> None:
    """A phrasing learnt: audited under the Q&A, and under the question's code so that
    a retraction of its answer finds and removes it (commands/answer_retraction.py)."""
    session = session_of(ctx)
    detail: dict[str, object] = {"from": code, "version": version}
    await ctx.audit(session, "knowledge.phrasing_added", subject=item_id, detail=detail)
    await ctx.audit(session, LEARNT_ACTION, subject=code, detail={"qa": item_id, "phrasing": words})


async def learn_after(
    ctx: CommandContext, row: OpenQuestion, request: AnswerRequest
) -> list[Outgoing]:
    """`!antwoord V12 --leer` after `qa=<id>`: the curator confirms the phrasing shown."""
    code = question_code(row.id)
    qa_id = row.published_as
    if row.status != "answered" or qa_id is None or row.answer != f"qa:{qa_id}":
        return [render.plain(t(ctx.lang, "learn_needs_qa", code=code, prefix=ctx.prefix))]
    store = await ctx.settings.knowledge.store(session_of(ctx))
    item = store.qa(qa_id)
    if item is None or not may_curate(ctx, item.tlp, item.owner):
        return [render.plain(t(ctx.lang, "qa_unknown", id=qa_id))]
    return [
        _quoting(
            render.plain("\n".join(await learn(ctx, [row], item, request.phrasing))), item, [row]
        )
    ]


def publish_fields(
    ctx: CommandContext, request: AnswerRequest
) -> tuple[str | None, date | None] | str:
    """The source and end date of an answer (required: a source with `--publish`), or why not."""
    source = request.source
    if source is not None and safe_url(source) is None:
        return t(ctx.lang, "publish_bad_source")
    if request.publish and source is None:
        return t(ctx.lang, "publish_needs_source")
    until: date | None = None
    if request.until_text:
        try:
            until = read_date(request.until_text).date()
        except (ValueError, OverflowError):
            return t(ctx.lang, "publish_bad_date", value=render.shorten(request.until_text, 40))
        if until < today(ctx):
            return t(ctx.lang, "publish_expired", until=until.strftime("%d-%m-%Y"))
    return source, until


async def _mode_moved(session: AsyncSession, question: OpenQuestion) -> tuple[str, str] | None:
    """("", why) when the asker's room was rebound across real and exercise since the
    question: everything into the room is marked as its mode says now, so an answer
    would arrive in the wrong one (real and exercise never mix); else None."""
    now_exercise = await exercise_store.room_moved_mode(
        session, question.room_id, question.incident
    )
    if now_exercise is None:
        return None
    return "", "now_exercise" if now_exercise else "now_real"


def _answer_labels(
    question: OpenQuestion,
    marked: str | None,
    curator_room: str,
    curator_org: str | None,
    direct: bool,
) -> list[tuple[str, str, str | None]]:
    """The labels an answer to `question` carries, each with the room whose post it is
    and the organisation that owns it: the question's own (published, the answer takes
    it; AMBER+STRICT stays with the asking organisation) and a TLP marking the curator
    wrote (their organisation's). A direct chat's question (`direct`: its room is one
    now) has no audience but its asker: its label is judged as that chat's own post (it
    gets its answer while it is private, as a direct chat sees its own words; not once
    it is public). An unbound group room is no one person's chat: its members are
    whoever joined, and it sees CLEAR only, the curators' answer included."""
    labels: list[tuple[str, str, str | None]] = [
        (
            question.tlp,
            question.room_id if question.unbound and direct else curator_room,
            question.organisation,
        )
    ]
    if marked is not None:
        labels.append((marked, curator_room, curator_org))
    return labels


async def _split_by_label(
    ctx: CommandContext, answered: OpenQuestion, group: list[OpenQuestion], marked: str | None
) -> tuple[list[OpenQuestion], list[str]]:
    """The questions whose asker's room may read the answer now, and a line for the
    curator per question whose room may not: which asker, which room (by its
    organisation, never by content) and why (`tlp.why_not`).

    The answer is written in the curators' room: it goes to no asker whose room may not
    see its labels (`_answer_labels`) as things stand now. A room's view may have
    narrowed since the question was asked (a lowered clearance, a room made public).
    A linked asker's room must also be one that may see the question the curator
    answered (`answered`), as another room's post: its asker may have raised it by an
    edit since the two were linked (the answer takes the label of what it answers).
    """
    session = session_of(ctx)
    curator_org = ctx.room.binding.organisation if ctx.room.binding else None
    served: list[OpenQuestion] = []
    lines: list[str] = []
    for question in group:
        access = await room_access(session, question.room_id)
        room = await rooms.get(session, RoomId(question.room_id))
        direct = bool(room and room.is_direct)
        refusal = await _mode_moved(session, question) or next(
            (
                (label, why)
                for label, posted_in, org in [
                    *_answer_labels(question, marked, ctx.room.room_id, curator_org, direct),
                    *_answered_label(answered, question, ctx.room.room_id),
                ]
                if (why := tlp.why_not(access, label, posted_in, org)) is not None
            ),
            None,
        )
        if refusal is None:
            served.append(question)
        else:
            reaches = _text_reaches(ctx, question, access, direct, refusal[1])
            lines.append(_not_served_line(ctx, question, access, *refusal, reaches))
    return served, lines


def _text_reaches(
    ctx: CommandContext, question: OpenQuestion, access: tlp.RoomAccess, direct: bool, why: str
) -> bool | None:
    """Whether a text answer to `question` alone (by its own code, no marking) may reach
    its room now; None when nothing may (the room moved between real and exercise)."""
    if why in ("now_exercise", "now_real"):
        return None
    curator_org = ctx.room.binding.organisation if ctx.room.binding else None
    own = _answer_labels(question, None, ctx.room.room_id, curator_org, direct)
    return all(tlp.why_not(access, *label) is None for label in own)


def _answered_label(
    answered: OpenQuestion, question: OpenQuestion, curator_room: str
) -> list[tuple[str, str, str | None]]:
    """For a linked asker, the label of the question the curator answered, as a post
    that is not theirs; nothing for the answered question's own asker."""
    if question is answered:
        return []
    return [(answered.tlp, curator_room, answered.organisation)]


def _not_served_line(
    ctx: CommandContext,
    question: OpenQuestion,
    access: tlp.RoomAccess,
    label: str,
    why: str,
    text_reaches: bool | None,
) -> str:
    room = (
        t(ctx.lang, "questions.room_of", org=access.organisation)
        if access.organisation
        else t(ctx.lang, "questions.room_id", room=question.room_id)
    )
    code = question_code(question.id)
    return t(
        ctx.lang,
        "questions.marked_not_served",
        asker=question.asker,
        code=code,
        room=room,
        why=t(ctx.lang, f"questions.why_{why}", label=label, clearance=access.clearance),
        remedy=remedy(ctx.lang, ctx.prefix, code, access, question.tlp, text_reaches),
    )


async def answer_with_text(
    ctx: CommandContext, row: OpenQuestion, group: list[OpenQuestion], request: AnswerRequest
) -> list[Outgoing]:
    session = session_of(ctx)
    fields = publish_fields(ctx, request)
    if isinstance(fields, str):
        return [render.plain(fields)]
    source, until = fields
    rest = request.text
    marked = tlp.text_marking(INVISIBLE.sub("", f"{rest}\n{request.phrasing or ''}"))
    served, not_served = await _split_by_label(ctx, row, group, marked)
    if not served:
        if marked is None:
            text = t(ctx.lang, "questions.answer_not_sent")
        else:
            barred = ", ".join(question_code(q.id) for q in group)
            text = t(ctx.lang, "answer_marked_refused", label=marked, codes=barred)
        return [render.plain("\n".join([text, *not_served]))]
    published: str | None = None
    if request.publish:
        item_or_refusal = await _publishable(
            ctx, row, rest, request.phrasing, source, until, marked
        )
        if isinstance(item_or_refusal, str):
            return [render.plain(item_or_refusal)]
        item = item_or_refusal
        published = item.id
        await knowledge_items.upsert(session, [as_new_content(item)], ctx.sender)
    out = _send_answer(ctx, row, served, (rest, source, until), published)
    # An asker who left their direct chat: kept for them, and the curator told so.
    out, present, kept = await held_answers.keep_for_absent(ctx, out, served)
    await _answered(ctx, row, group, served, {"published_as": published, **_held(served, present)})
    codes = [question_code(q.id) for q in present]
    confirm = await _answer_sent(ctx, present[0] if present else None, codes[1:], published)
    lines = [line for line in (confirm, *not_served, *kept) if line]
    return [*out, render.plain("\n".join(lines))]


def _send_answer(
    ctx: CommandContext,
    answered: OpenQuestion,
    served: list[OpenQuestion],
    answer: tuple[str, str | None, date | None],
    published: str | None,
) -> list[Outgoing]:
    """The curator's answer (text, source, end date) to each served asker's room, each
    question marked answered; each carries the label of the question it answers too."""
    rest, source, until = answer
    # What the askers read: the answer, and where it comes from when the curator said so.
    shown = rest
    if source:
        shown += f"\n\n{t(ctx.lang, 'questions.source')}: {source}"
    if until:
        shown += f"\n{t(ctx.lang, 'questions.valid_until')}: {until.strftime('%d-%m-%Y')}"
    out: list[Outgoing] = []
    for question in served:
        open_questions.answer(question, rest, ctx.sender, ctx.now, published)
        head = t(ctx.lang, "questions.curators_answer_your_question", id=question_code(question.id))
        reply = to_asker(question, f"{head}\n{shown}", f"{render.escape(head)}{to_html(shown)}")
        out.append(replace(reply, tlp=tlp.highest([reply.tlp or "CLEAR", answered.tlp])))
    return out


async def _answer_sent(
    ctx: CommandContext, row: OpenQuestion | None, others: list[str], published: str | None
) -> str:
    """The curator's confirmation: who got the answer (`row`: none got it now), and the
    Q&A it became."""
    confirm = (
        t(ctx.lang, "questions.answer_sent", code=question_code(row.id), asker=UserId(row.asker))
        if row is not None
        else ""
    )
    if others:
        confirm += t(ctx.lang, "answer_also_to", codes=", ".join(others))
    if published:
        stored = await knowledge_items.get(session_of(ctx), published)
        title = str(stored.data.get("question", "")) if stored else ""
        confirm += t(
            ctx.lang,
            "questions.added_as_q_with",
            published=published,
            shorten=render.shorten(title, 120),
            prefix=ctx.prefix,
        )
    return confirm


# Contact data and Matrix ids in a question: none of it belongs in a published Q&A.
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Started only where a run of address characters starts: tried at every character of a
# long run without "@", each try read the rest of the run (quadratic: seconds at 20,000
# characters). A later start in a run reaches the same "@", so the matches are the same.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A Matrix id (group `id`) starts at a sigil; "+" is a sigil and an id character too, so
# on a run of "+" with no ":" after it every "+" read the rest of the run (quadratic:
# seconds at 20,000 characters). The other two branches step over what no id can start
# in, kept as it is (`_scrub_matrix_id`): characters that are no sigil, and the rest of a
# run whose id failed at its "+" (every later "+" in it reaches the same end, so fails too).
_MATRIX_ID = re.compile(r"(?P<id>[@!#+$][\w.=/+-]+:[\w.-]+(?::\d+)?)|[^@!#+$]+|\+[\w.=/+-]*")
_MENTION = re.compile(r"(?<!\w)@[\w.-]+")
_PHONE = re.compile(r"(?<![\w+(])[+(]?\d[\d \t\-./()]{6,}\d(?!\w)")
# Details of one resident that staff write when they ask about them: a bank account
# (IBAN), a postcode, a street with its house number, a date of birth.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", re.I)
# A postcode: four digits and two letters. Typed in capitals ("3311 AB") or joined
# ("3311ab") it is one; "2024 en", "4000 kg" in lowercase with a space are words.
_POSTCODE = re.compile(r"\b[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2}|\s[a-z]{2})\b")
_NOT_POSTCODE_LETTERS = frozenset(
    re.findall(
        r"\w+",
        "en in op te om of is an at as be by do go he if it me my no on or so to up us we de "
        "al nu na ze je er ik ca kg km cm mm ml cl dl kw mw gw kv hz db ha pk",
    )
)
# Started only where a run of word characters and dashes starts (`\b[\w-]*` was tried at
# every word of "a-a-a-…", each reading the rest of the run: 450 ms at 1,000 characters);
# leading dashes are given back by `_scrub_street`, so the outcome is as before.
_STREET_NUMBER = re.compile(
    r"(?<![\w-])[\w-]*(?:straat|weg|laan|plein|kade|singel|gracht|dijk|steeg|dreef|hof|pad|"
    r"park|erf|baan|wal|markt)\s+\d+(?:\s?[a-z]\b|-\d+)?",
    re.IGNORECASE,
)
_A_DATE = rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{1,2}}\s+{MONTH}\.?\s+\d{{4}})"
# `\s*(?::\s*)?`, not `\s*:?\s*`: the same words, but a run of spaces is no longer split
# between two `\s*` in every way before the date fails (cubic: minutes at 20,000 spaces).
_BIRTH_DATE = re.compile(
    r"\b(?:geboren|geb\.?|geboortedatum|born|date of birth|dob)\s*(?::\s*)?(?:op\s+|on\s+)?"
    + _A_DATE,
    re.IGNORECASE,
)
# The genealogical birth marks, "mevrouw Jansen * 12-03-1961", "(° 3-10-1944)": after a
# word or an opening bracket only, so that a bullet "*" starting a line keeps its date.
_BIRTH_MARK = re.compile(r"(?:(?<=[^\W\d_] )|(?<=[(\[])|(?<=[(\[] ))[*°]\s*" + _A_DATE, re.I)
# A street without a common suffix ("Lange Geer 12", "Achterom 7b"): one to three
# capitalised words and a house number, after the words that lead to an address
# ("van de", "aan", "op het", a comma or bracket) and before the sentence goes on
# ("?", ",", "mee", "in"): "Krijgt Papendrecht 12 zandzakken", "GRIP 2 afgekondigd"
# and "in Sporthal 2" stay.
_NAMED_ADDRESS = re.compile(
    r"(\b(?:van|aan|op|naar|woont|adres:?)(?:\s+(?:de|het))?\s+|[,(]\s*)"
    r"((?:[A-Z][\w'-]*\s+){0,2}([A-Z][\w'-]*))\s+\d{1,4}(?:\s?[a-zA-Z]\b|-\d+)?"
    r"(?=\s*(?:$|[,.;:?!)])|\s+(?:in|te|mee|bij|en|naar|om)\b)"
)
# Capitalised words before a number that name no street: places in a shelter, phases.
_NOT_STREETS = frozenset(
    re.findall(
        r"\w+",
        "fase grip niveau code hal sporthal zaal kamer gebouw locatie blok sector vak bus "
        "lijn route week dag versie bijlage artikel opvang uitgang ingang poort",
    )
)
_PHRASING_LINE = re.compile(r"^\s*(?:vraag|question)\s*:(.*)$", re.IGNORECASE)


def _scrub_street(match: re.Match[str]) -> str:
    found = match.group(0)
    return found[: len(found) - len(found.lstrip("-"))] + "…"


def _scrub_matrix_id(match: re.Match[str]) -> str:
    return "…" if match["id"] else match[0]


def _scrub_postcode(match: re.Match[str]) -> str:
    letters = match.group(0)[-2:]
    return match.group(0) if letters.lower() in _NOT_POSTCODE_LETTERS and letters.islower() else "…"


def _scrub_address(match: re.Match[str]) -> str:
    if match.group(3).lower() in _NOT_STREETS:
        return match.group(0)
    return f"{match.group(1)}…"


# A date and the hour after it ("12-03-2026 14:00", "12-03-2026 14.00"): ten digits
# or more that `_PHONE` took for a telephone number, and the crisis's own time went.
_DATE_AND_HOUR = re.compile(r"\d{1,2}([-/.])\d{1,2}\1\d{2,4}(?:\s+\d{1,2}(?:[.:]\d{2})?)?")


def _scrub_phone(match: re.Match[str]) -> str:
    # Nine digits or more is a telephone number; a date (31-12-2027) has eight.
    if _DATE_AND_HOUR.fullmatch(match.group(0)):
        return match.group(0)
    return "…" if sum(ch.isdigit() for ch in match.group(0)) >= 9 else match.group(0)


def public_phrasing(question: str, today: date | None = None) -> str:
    """The asker's question without Matrix ids, mentions, e-mail, links, phone numbers,
    bank accounts, postcodes, street addresses or dates of birth (also those without
    a keyword: commands/birth_dates.py; `today` decides which years are of birth)."""
    text = _URL.sub("…", question)
    text = _IBAN.sub("…", text)
    text = _BIRTH_DATE.sub("…", text)
    text = _BIRTH_MARK.sub("…", text)
    text = without_birth_dates(text, today)
    text = _STREET_NUMBER.sub(_scrub_street, text)
    text = _NAMED_ADDRESS.sub(_scrub_address, text)
    text = _POSTCODE.sub(_scrub_postcode, text)
    text = _EMAIL.sub("…", text)
    text = _MATRIX_ID.sub(_scrub_matrix_id, text)
    text = _MENTION.sub("…", text)
    text = _PHONE.sub(_scrub_phone, text)
    return " ".join(text.split())


async def _publishable(
    ctx: CommandContext,
    row: OpenQuestion,
    answer: str,
    phrasing: str | None,
    source: str | None = None,
    until: date | None = None,
    marked: str | None = None,
) -> QA | str:
    """The Q&A `--publish` adds: the curator's answer under the curator's phrasing of the
    question, else the asker's question cleaned of contact data; or why it cannot be."""
    question = phrasing or public_phrasing(row.question)
    if len(terms(question)) < 2:
        return t(ctx.lang, "questions.not_sent_not_published")
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
            # The question's label, raised (never lowered) by a marking in the answer.
            tlp=tlp.highest([row.tlp, *([marked] if marked else [])]),
            source_url=source,
            valid_until=until,
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "Q&A"
        value = complaint(first)  # a content rule in the room's language
        return t(ctx.lang, "questions.not_sent_not_published_2", where=where, value=value)


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
    reads_written=True,
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
        "nl": "{prefix}antwoord <vraagnummer> <tekst> [--publish, met regels bron: en geldig tot:] "
        "| {prefix}antwoord <vraagnummer> qa=<id> [--leer]",
        "en": "{prefix}answer <question-id> <text> [--publish, with lines source: and valid until:] "
        "| {prefix}answer <question-id> qa=<id> [--learn]",
    },
    example={
        "nl": "{prefix}antwoord V3 Ja, de gemeente vergoedt dat tot 1 juli. --publish\n"
        "bron: https://www.rijksoverheid.nl/opvang\ngeldig tot: 01-07-2027",
        "en": "{prefix}answer V3 Yes, the municipality pays until 1 July. --publish\n"
        "source: https://www.rijksoverheid.nl/opvang\nvalid until: 01-07-2027",
    },
    handler=answer_command,
    permission=curators_only,
    raw_arguments=True,
)
