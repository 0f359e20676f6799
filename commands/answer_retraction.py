"""A curator deletes (redacts) their `!antwoord` after it went: the answer is taken back.

A curator who sent a wrong answer has no other way to correct it: an edit of the
command is refused ("al beantwoord") and the askers' rooms are usually not theirs. On
main the deletion changed nothing and said nothing, so the asker kept the wrong answer
and the curator believed it gone. Now, as an asker's deletion of a question withdraws
it (commands/question_withdrawal.py), the bot takes back its answer in each asker's
room (found by the replies it queued for the deleted command), the question is open
again for a new answer, the asker is told, and so is the curator. A Q&A `--publish`
made stays in the store: the curator is told how to retire it. An answer kept for an
asker who left their direct chat (commands/held_answers.py) is dropped, so it is never
delivered later; one delivered since is taken back in the chat it went to. Every reply
of the answer goes (each part, each asker in one room): each redaction names its row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commands import exercise, held_answers, render
from commands.common import session_of
from commands.context import CommandContext
from commands.i18n import t
from commands.message import Outgoing, Redaction, Reply
from commands.questions import LEARNT_ACTION, is_curator_room, question_code
from knowledge.service import remove_phrasing
from storage import audit, open_questions, outbox
from storage.ids import EventId, RoomId
from storage.models import OpenQuestion


def _replied_to(content: dict[str, Any]) -> str | None:
    relates = content.get("m.relates_to")
    in_reply = relates.get("m.in_reply_to") if isinstance(relates, dict) else None
    found = in_reply.get("event_id") if isinstance(in_reply, dict) else None
    return found if isinstance(found, str) else None


async def _answered_by(ctx: CommandContext, command: str) -> list[tuple[OpenQuestion, list[int]]]:
    """The questions the deleted command answered, each with the outbox rows of its
    answer (every part, and every asker's reply where two asked in one room), still
    answered by it (not withdrawn, taken back or answered anew since: then a later reply
    to the question stands in its room; a redacted event may be redacted again)."""
    session = session_of(ctx)
    targets: dict[tuple[str, str], list[int]] = {}  # (room, question event) -> rows of ours
    for ours in await outbox.by_source(session, command):
        replied = _replied_to(ours.content or {})
        if ours.kind == "message" and ours.room_id != ctx.room.room_id and replied is not None:
            targets.setdefault((ours.room_id, replied), []).append(ours.id)
    found: list[tuple[OpenQuestion, list[int]]] = []
    for (room_id, event_id), rows in sorted(targets.items()):
        later = await outbox.messages_after(session, room_id, max(rows))
        if any(_replied_to(sent.content or {}) == event_id for sent in later):
            continue  # taken back or answered anew since
        for row in await open_questions.asked_by(session, event_id):
            if (row.room_id, row.event_id) == (room_id, event_id) and row.status == "answered":
                found.append((row, sorted(rows)))
    return sorted(found, key=lambda pair: pair[0].id)


@dataclass(frozen=True)
class _Taken:
    """A question whose answer is taken back: the redactions of its replies, and where
    its asker is told (None: the answer never reached them, a kept one)."""

    question: OpenQuestion
    redactions: list[Redaction]
    told: tuple[RoomId, EventId] | None


async def _taken_back(ctx: CommandContext, command: str) -> list[_Taken]:
    """What deleting `command` takes back: each answer it sent (every reply of it), and
    each it kept for an asker who left their chat (dropped, or its delivery redacted)."""
    reason = "answer withdrawn by the curators"
    taken = [
        _Taken(
            row,
            [Redaction(EventId(command), reason, RoomId(row.room_id), reply) for reply in replies],
            (RoomId(row.room_id), EventId(row.event_id)),
        )
        for row, replies in await _answered_by(ctx, command)
    ]
    for row, delivered in await held_answers.kept_by(ctx, command):
        if not delivered:
            taken.append(_Taken(row, [], None))
            continue
        gone = [
            Redaction(EventId(part.source_event_id or ""), reason, RoomId(part.room_id), part.id)
            for part in delivered
        ]
        last = delivered[-1]
        told = (RoomId(last.room_id), EventId(last.source_event_id or ""))
        taken.append(_Taken(row, gone, told))
    return sorted(taken, key=lambda one: one.question.id)


async def _unlearn(ctx: CommandContext, questions: list[OpenQuestion]) -> list[str]:
    """Remove the phrasings learnt from `questions` (`--leer`): the answer that linked
    their words to a Q&A is taken back, so the words must not keep getting that Q&A."""
    session = session_of(ctx)
    lines: list[str] = []
    for row in questions:
        code = question_code(row.id)
        for record in await audit.for_subject(session, code):
            item, words = record.detail.get("qa"), record.detail.get("phrasing")
            if record.action != LEARNT_ACTION or not isinstance(item, str):
                continue
            version = await remove_phrasing(session, item, str(words), ctx.sender)
            if version is None:
                continue  # removed already (or the Q&A retired)
            await ctx.audit(
                session, "knowledge.phrasing_removed", subject=item, detail={"from": code}
            )
            lines.append(
                t(
                    ctx.lang,
                    "questions.answer_retracted_unlearnt",
                    code=code,
                    id=item,
                    version=version,
                )
            )
    return lines


async def on_redaction(ctx: CommandContext) -> list[Outgoing] | None:
    """None when the redacted message answered no question (or the room is no curator
    room); else the answer taken back, and what the askers and the curator are told."""
    command = ctx.message.relation.redacts
    if command is None or not (ctx.is_admin or is_curator_room(ctx)):
        return None
    taken = await _taken_back(ctx, command)
    if not taken:
        return None
    questions = [one.question for one in taken]
    out: list[Outgoing] = []
    published: list[str] = []
    for one in taken:
        row = one.question
        await exercise.follow_mode_of(ctx, row.incident)
        if row.published_as and row.answer != f"qa:{row.published_as}":
            published.append(row.published_as)  # a Q&A `--publish` made of the answer
        out += one.redactions
        if row.withdrawn_at is not None:
            continue  # its asker withdrew it (words erased): taken back, not reopened
        open_questions.reopen(row)
        if one.told is None:
            continue
        told = t(ctx.lang, "questions.answer_retracted_told", code=question_code(row.id))
        room, reply_to = one.told
        out.append(
            Reply(text=told, html=render.text_to_html(told), room_id=room, reply_to=reply_to)
        )
    codes = ", ".join(question_code(row.id) for row in questions)
    await ctx.audit(session_of(ctx), "question.answer_retracted", subject=codes, detail={})
    gone = [question_code(row.id) for row in questions if row.withdrawn_at is not None]
    lines = [
        t(ctx.lang, "questions.answer_retracted_curators", codes=codes)
        if not gone
        else t(ctx.lang, "questions.answer_retracted_withdrawn", codes=codes, gone=", ".join(gone))
    ]
    lines += await _unlearn(ctx, questions)
    lines += [
        t(ctx.lang, "questions.answer_retracted_published", id=item, prefix=ctx.prefix)
        for item in sorted(set(published))
    ]
    return [*out, render.plain("\n".join(lines))]
