"""What a redaction leaves behind: a mark on the redacted event, and what a later edit
of a marked event does (nothing, but say so).

The bot keeps no words of a message it only read, so an edit of a message that made
nothing is read as the new message it now is (a corrected `!melding`, an update to
offer). Once the message was redacted that would bring back, under new words, what the
sender withdrew: an edit of a redacted message makes no offer, report or question; the
sender is told the original was withdrawn (nothing a person sends is silently dropped).
"""

from __future__ import annotations

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.i18n import t
from commands.message import Outgoing
from storage import event_log, pending_encrypted, redactions
from storage.ids import EventId, RoomId, UserId


async def mark(ctx: CommandContext) -> None:
    """Mark the redacted event, when the bot saw it in this room and the redaction comes
    from its sender or from a member with the room's `redact` power (as for reports)."""
    target = ctx.message.relation.redacts
    if target is None:
        return
    session = session_of(ctx)
    seen = await event_log.seen(session, target)
    if seen is None:
        await _drop_waiting(ctx, target)
        return
    if seen.room_id != ctx.room.room_id:
        return
    if ctx.sender != seen.sender and not ctx.room.may_redact_others(ctx.sender):
        return
    await redactions.mark(
        session, target, ctx.room.room_id, ctx.sender, ctx.message.event_id, ctx.message.timestamp
    )


async def edit_of_redacted(ctx: CommandContext, original: str) -> list[Outgoing] | None:
    """The reply to an edit of `original` when that was redacted (another bot's notice
    gets none: bots talk in notices, and two must never loop); None when it was not."""
    if await redactions.redacted(session_of(ctx), original) is None:
        return None
    if ctx.message.msgtype == "m.notice":
        return []
    return [render.plain(t(ctx.lang, "edit_of_redacted"))]


def edit_of_deleted_original(ctx: CommandContext) -> list[Outgoing] | None:
    """The reply to an edit whose original the same sync batch shows deleted by its
    sender or by a member with the room's `redact` power (`Message.original_redacted_by`:
    deleted while the bot was down, that deletion handled after this edit); None when it
    was not. The edit changes nothing: the deletion retracts what the original made."""
    redactor = ctx.message.original_redacted_by
    if redactor is None:
        return None
    if redactor != ctx.sender and not ctx.room.may_redact_others(redactor):
        return None  # a deletion the bot does not follow: the edit counts
    if ctx.message.msgtype == "m.notice":
        return []
    return [render.plain(t(ctx.lang, "edit_of_redacted"))]


async def _drop_waiting(ctx: CommandContext, target: str) -> None:
    """The redacted event still waits for its room key (bot/undecryptable.py keeps its
    ciphertext): it goes, and is logged as handled, so the key's arrival no longer
    brings back a report its sender deleted (a RED report in the wrong room, taken back
    at once, was recorded and shown once the key came). Same rule as for a seen event:
    its sender or a member with the room's `redact` power, in its room."""
    session = session_of(ctx)
    waiting = await pending_encrypted.get(session, target)
    if waiting is None or waiting.room_id != ctx.room.room_id:
        return
    if ctx.sender != waiting.sender and not ctx.room.may_redact_others(ctx.sender):
        return
    await pending_encrypted.remove(session, target)
    room, sender = RoomId(waiting.room_id), UserId(waiting.sender)
    at = ctx.message.timestamp
    await event_log.record(session, EventId(target), room, sender, "redacted", at)
    await redactions.mark(session, target, room, ctx.sender, ctx.message.event_id, at)
