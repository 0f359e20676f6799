"""A question withdrawn by its asker: the asking message (or an edit that asked anew)
was redacted, or the message was edited into words that no longer ask it.

What a crisis coordinator expects: the asker's words leave the curators' desk and every
view of open questions, and a curator's later `!antwoord` reaches nobody who withdrew.
The asker's part is withdrawn and their words are erased; a question that other askers
were linked to stays open for them only (the oldest linked one becomes the question the
curators answer). The bot takes back the posts that quoted the withdrawn words (its post
in each curator room, and the "a similar question is already being handled" notice that
quoted them to a linked asker) and says, briefly, what happened. An answered question
keeps what was sent: only its words are erased.
"""

from __future__ import annotations

from commands import exercise, render
from commands.common import session_of
from commands.context import CommandContext
from commands.errors import UserError
from commands.i18n import t
from commands.message import Outgoing, Redaction, Reply
from commands.questions import curator_targets, question_code
from storage import open_questions, outbox
from storage.ids import EventId, RoomId
from storage.models import OpenQuestion


async def on_redaction(ctx: CommandContext) -> list[Outgoing] | None:
    """The questions the redacted message asked (itself or by an edit of it), withdrawn;
    None when it asked none (the redaction is about something else)."""
    target = ctx.message.relation.redacts
    if target is None:
        return None
    rows = await open_questions.asked_by(session_of(ctx), target)
    if not rows:
        return None
    return await _withdraw_asked(ctx, rows, target)


async def after_edit(ctx: CommandContext) -> list[Outgoing]:
    """An edit, read as the message it now is, that did not carry its message's open
    question on (no words of it replaced the question's: it asks nothing now, or
    something the bot answered) took the question back: withdrawn exactly as a
    redaction of the message withdraws it. Only the asker's own edit counts."""
    original = ctx.message.relation.replaces
    if original is None:
        return []
    rows = await open_questions.asked_by(session_of(ctx), original)
    if any(row.event_id == ctx.message.event_id for row in rows):
        return []  # the edit replaced the question's words (or asked anew)
    mine = [row for row in rows if row.asker == ctx.sender and row.room_id == ctx.room.room_id]
    if not any(row.status == "open" and row.withdrawn_at is None for row in mine):
        return []
    return await _withdraw_asked(ctx, mine, original)


async def _withdraw_asked(
    ctx: CommandContext, rows: list[OpenQuestion], target: str
) -> list[Outgoing]:
    """Withdraw the questions a message asked (`rows`, by `target` or its edits)."""
    out: list[Outgoing] = []
    for row in rows:
        # Only in the question's own room, and once: a redaction from another room (or
        # a second one of the same message) tells nothing and changes nothing.
        if row.room_id != ctx.room.room_id or row.withdrawn_at is not None:
            continue
        if ctx.sender != row.asker and not ctx.room.may_redact_others(ctx.sender):
            raise UserError("questions.withdraw_not_allowed", code=question_code(row.id))
        if row.status == open_questions.REPLACED:
            out += await _version_withdrawn(ctx, row, edit_redacted=row.event_id == target)
        else:
            out += await _withdraw(ctx, row)
    return out


async def _version_withdrawn(
    ctx: CommandContext, version: OpenQuestion, edit_redacted: bool
) -> list[Outgoing]:
    """A redaction reached the words an edit replaced (`version`, see
    `storage.open_questions.replace_words`). The curators' notice of that edit quoted
    its words: it is taken back. When the edit itself was redacted, the words from
    before it come back (to the question, or to the version a later edit kept), as a
    report goes back a revision; when the message was redacted, the question itself is
    withdrawn by `_withdraw` and this version's words are only erased."""
    session = session_of(ctx)
    question = await open_questions.get(session, version.linked_to or 0)
    seen_by = [
        access
        for access in await curator_targets(ctx)
        if question is not None and open_questions.visible_to(access, question)
    ]
    restored = None
    if edit_redacted and question is not None and question.status == "open":
        restored = await open_questions.next_version(session, version) or question
        words = (version.question, version.tlp, list(version.nearest))
        open_questions.set_words(restored, *words)
    open_questions.withdraw(version, ctx.now)
    out: list[Outgoing] = []
    code = question_code(question.id) if question is not None else ""
    for access in seen_by:
        room = RoomId(access.room_id)
        await outbox.forget_sent_words(session, version.event_id, room)
        out.append(Redaction(EventId(version.event_id), "question edit withdrawn", room_id=room))
        if restored is not None:
            text = t(ctx.lang, "questions.edit_withdrawn_curators", code=code, prefix=ctx.prefix)
            out.append(Reply(text=text, html=render.text_to_html(text), room_id=room))
    if restored is not None:
        await ctx.audit(session, "question.edit_withdrawn", subject=code, detail={})
        out.insert(0, render.plain(t(ctx.lang, "questions.edit_withdrawn_told", code=code)))
    return out


async def _withdraw(ctx: CommandContext, row: OpenQuestion) -> list[Outgoing]:
    session = session_of(ctx)
    code = question_code(row.id)
    await exercise.follow_mode_of(ctx, row.incident)
    was_open = row.status == "open"
    was_kept = row.status == open_questions.HELD
    # Who the curators saw it as (before its words go), to find the rooms that had it.
    seen_by = [a for a in await curator_targets(ctx) if open_questions.visible_to(a, row)]
    linked = await open_questions.linked(session, row.id) if was_open and not row.linked_to else []
    open_questions.withdraw(row, ctx.now)
    taken_over = open_questions.hand_over(row, linked)
    await ctx.audit(
        session,
        "question.withdrawn",
        subject=code,
        detail={
            "answered": not was_open,
            **({"kept_answer_dropped": True} if was_kept else {}),
            **({"taken_over_by": question_code(taken_over.id)} if taken_over else {}),
        },
    )
    if was_kept:
        # Its answer waited for them (they had left their chat): it is not delivered now.
        return [render.plain(t(ctx.lang, "questions.withdrawn_kept", code=code))]
    if not was_open:
        # Answered before: what was sent stays sent, and the curators are not disturbed.
        return [render.plain(t(ctx.lang, "questions.withdrawn_after_answer", code=code))]
    out: list[Outgoing] = [render.plain(t(ctx.lang, "questions.withdrawn_told", code=code))]
    still_open = taken_over.id if taken_over else row.linked_to
    for access in seen_by:
        if access.own(row.room_id):
            continue
        text = t(ctx.lang, "questions.withdrawn_curators", code=code)
        if still_open is not None:
            text += " " + t(
                ctx.lang,
                "questions.withdrawn_still_open",
                open=question_code(still_open),
                prefix=ctx.prefix,
            )
        room = RoomId(access.room_id)
        # The bot's post of the question in that room quoted the asker's words.
        await outbox.forget_sent_words(session, row.event_id, room)
        out.append(Redaction(EventId(row.event_id), "question withdrawn", room_id=room))
        out.append(Reply(text=text, html=render.text_to_html(text), room_id=room))
    for other in linked:
        out += await _tell_linked_asker(ctx, other)
    return out


async def _tell_linked_asker(ctx: CommandContext, other: OpenQuestion) -> list[Outgoing]:
    """A linked asker was told "a similar question is already with the curators", with
    the withdrawn words quoted: that notice is taken back, and they are told their own
    question stays with the curators."""
    room = RoomId(other.room_id)
    await outbox.forget_sent_words(session_of(ctx), other.event_id, room)
    text = t(ctx.lang, "questions.withdrawn_linked_told", own=question_code(other.id))
    return [
        Redaction(EventId(other.event_id), "linked question withdrawn", room_id=room),
        Reply(
            text=text,
            html=render.text_to_html(text),
            room_id=room,
            reply_to=EventId(other.event_id),
        ),
    ]
