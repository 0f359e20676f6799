"""Answers kept for an asker who left their direct chat before the curators answered.

The answer went into the empty chat, which nobody reads any more, and the curator was
told "verstuurd naar @anna" (note13): a lost reply. Now, before an answer goes to a
direct chat, the bot asks the live room state whether its asker is still in it
(`CommandSettings.members`). When they left, nothing is sent there: the question is
marked "held" with its answer (as `open_questions.answer` keeps it), and the curator
is told the asker left and that the answer waits for them. When the asker writes to
the bot again in a private direct chat (the same one, or a new one), the kept answer
is delivered there first. Who sees it does not change: a private direct chat has no
audience but its one person, which is why a direct chat's own question is answered
there under its label (commands/questions._answer_labels); a public one gets nothing.
A kept Q&A is shown only where the one rule lets the room see its label. Where the
room state is unknown (no probe, or nio does not know the room), the answer goes as
before: an answer to an asker who is there must not wait on a guess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.i18n import t
from commands.knowledge_view import expired_note, item_visible, qa_reply
from commands.message import Outgoing, Reply
from knowledge.markdown import to_html
from storage import audit, open_questions, outbox, rooms, tlp
from storage.ids import EventId, RoomId, UserId
from storage.models import OpenQuestion, OutboxMessage
from storage.timezone import AMSTERDAM

HELD = open_questions.HELD
# The audit row that names the questions an `!antwoord` kept (subject: the command's
# event): a deleted command finds its kept answers by it (commands/answer_retraction.py).
KEPT_ACTION = "question.answer_kept"
# A text answer kept longer is not delivered: a crisis moves on, and a week-old answer
# ("go to the barracks") misleads. A Q&A is checked current when delivered anyway.
KEPT_FOR = timedelta(days=7)


async def asker_left(ctx: CommandContext, question: OpenQuestion) -> bool:
    """Whether the question was asked in a direct chat its asker has left since (known
    from the live room state; unknown counts as still there)."""
    probe = ctx.settings.members
    if probe is None:
        return False
    room = await rooms.get(session_of(ctx), RoomId(question.room_id))
    if room is None or not room.is_direct:
        return False
    return await probe(question.room_id, question.asker) is False


async def keep_for_absent(
    ctx: CommandContext, out: list[Outgoing], served: Sequence[OpenQuestion]
) -> tuple[list[Outgoing], list[OpenQuestion], list[str]]:
    """The answers just made for `served` (marked answered, their replies in `out`):
    those whose asker left their direct chat are kept instead of sent. Returns the
    replies still to send, the questions really answered, and the curator's lines."""
    present: list[OpenQuestion] = []
    lines: list[str] = []
    dropped: set[tuple[str, str]] = set()
    for question in served:
        if not await asker_left(ctx, question):
            present.append(question)
            continue
        question.status = HELD
        dropped.add((question.room_id, question.event_id))
        lines.append(
            t(ctx.lang, "held.asker_left", asker=UserId(question.asker), code=f"V{question.id}")
        )
    kept = [
        reply
        for reply in out
        if not (isinstance(reply, Reply) and (reply.room_id, reply.reply_to) in dropped)
    ]
    held = [q for q in served if q.status == HELD]
    if held:
        await ctx.audit(
            session_of(ctx),
            KEPT_ACTION,
            subject=ctx.message.event_id,
            detail={
                "kept": [[q.id, q.answered_at.isoformat() if q.answered_at else None] for q in held]
            },
        )
    return kept, present, lines


async def kept_by(
    ctx: CommandContext, command: str
) -> list[tuple[OpenQuestion, list[OutboxMessage]]]:
    """The answers `command` (an `!antwoord`) kept that still stand as it gave them:
    each question still kept (no rows), or answered by the replies that delivered it
    since (every part of an answer in parts, also parts a resumed delivery sent)."""
    session = session_of(ctx)
    found: list[tuple[OpenQuestion, list[OutboxMessage]]] = []
    for record in await audit.for_subject(session, command):
        if record.action != KEPT_ACTION:
            continue
        for question_id, at in record.detail.get("kept", []):
            question = await open_questions.get(session, int(question_id))
            if question is None or question.answered_at is None or at is None:
                continue
            if question.answered_at != datetime.fromisoformat(at):
                continue  # reopened and answered anew since
            if question.status == HELD:
                found.append((question, []))
            elif question.status == "answered":
                rows = await outbox.kept_deliveries(session, question.id)
                delivered = [row for row in rows if row.failed_at is None]
                if delivered:
                    found.append((question, delivered))
    return found


async def deliver(ctx: CommandContext) -> list[Outgoing]:
    """The kept answers of the writer of a message in a private direct chat, each as a
    notifying reply to this message; each question marked answered, and kept again
    should the sender void the reply (`Reply.kept_question`: the chat has a third
    member by the time it goes, bot/sender.py)."""
    if ctx.room.public or not ctx.room.is_direct or ctx.session is None:
        return []  # (no database: a console without one keeps nothing)
    session = session_of(ctx)
    rows = await session.scalars(
        select(OpenQuestion)
        .where(OpenQuestion.asker == ctx.sender, OpenQuestion.status == HELD)
        .order_by(OpenQuestion.id)
    )
    out: list[Outgoing] = []
    for question in rows:
        lapsed = "held.lapsed" if _lapsed(ctx, question) else await _qa_gone(ctx, question)
        if lapsed is not None:
            # Told once, kept no more: it stayed "held" for ever, its asker told nothing.
            question.status = open_questions.LAPSED
            out.append(_lapsed_notice(ctx, question, lapsed))
            continue
        reply = await _kept_reply(ctx, question)
        if reply is not None:
            question.status = "answered"
            out.append(reply)
    return out


def _lapsed(ctx: CommandContext, question: OpenQuestion) -> bool:
    """A text answer kept longer than `KEPT_FOR` (a Q&A is checked current instead)."""
    if (question.answer or "").startswith("qa:") or question.answered_at is None:
        return False
    return ctx.now - question.answered_at > KEPT_FOR


async def _qa_gone(ctx: CommandContext, question: OpenQuestion) -> str | None:
    """The notice's key when the kept answer is a Q&A item retired or expired since (it
    is never delivered then: `_kept_reply` checks it current), else None. One that the
    room may not see stays kept: a later chat may."""
    answer = question.answer or ""
    if not answer.startswith("qa:"):
        return None
    store = await ctx.settings.knowledge.store(session_of(ctx))
    item = store.qa(answer.removeprefix("qa:"))
    today = ctx.now.astimezone(AMSTERDAM).date()
    if item is None or expired_note(item, today, ctx.lang) is not None:
        return "held.qa_gone"
    return None


def _lapsed_notice(ctx: CommandContext, question: OpenQuestion, key: str) -> Reply:
    """It names only the asker's own question's code, in the asker's own chat."""
    text = t(ctx.lang, key, code=f"V{question.id}")
    return Reply(
        text=text,
        html=render.escape(text),
        room_id=ctx.room.room_id,
        reply_to=EventId(ctx.message.event_id),
    )


async def _kept_reply(ctx: CommandContext, question: OpenQuestion) -> Reply | None:
    """The kept answer as this room may have it, or None (it stays kept)."""
    answer = question.answer or ""
    head = t(ctx.lang, "held.delivered_head", code=f"V{question.id}")
    if answer.startswith("qa:"):
        store = await ctx.settings.knowledge.store(session_of(ctx))
        item = store.qa(answer.removeprefix("qa:"))
        today = ctx.now.astimezone(AMSTERDAM).date()
        if item is None or expired_note(item, today, ctx.lang) is not None:
            return None
        if not item_visible(ctx.room.access, item.tlp, item.owner):
            return None
        full = qa_reply(item, store.changed.get(item.id), today, ctx.lang, ctx.prefix)
        return _to_writer(
            ctx,
            question,
            f"{head}\n{full.text}",
            f"<p>{render.escape(head)}</p>{full.html}",
            item.tlp,
        )
    # A text answer: the question's label, or a higher one the curator marked, judged as
    # this private chat's own words (its one person asked them).
    label = tlp.highest([question.tlp, tlp.text_marking(answer) or "CLEAR"])
    if tlp.why_not(ctx.room.access, label, ctx.room.room_id, question.organisation):
        return None
    return _to_writer(
        ctx, question, f"{head}\n{answer}", f"{render.escape(head)}{to_html(answer)}", label
    )


def _to_writer(
    ctx: CommandContext, question: OpenQuestion, text: str, html: str, label: str
) -> Reply:
    asker = ctx.sender
    return Reply(
        text=f"{asker}: {text}",
        html=f'<a href="https://matrix.to/#/{render.escape(asker)}">{render.escape(asker)}</a>: '
        f"{html}",
        room_id=ctx.room.room_id,
        reply_to=EventId(ctx.message.event_id),
        notify=True,
        mentions=(UserId(asker),),
        tlp=label,
        kept_question=question.id,
    )
