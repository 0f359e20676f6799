"""Taking back an `!actie klaar`: deleting the closing message, or editing it.

An action closed by mistake (the wrong code, a task not done after all) must come back:
there is no command to open an action again, and deleting or correcting a message is how
Matrix takes it back. Deleting the closing message left the action closed without a word;
an edit into `!actie klaar A-2` closed A-2 as well and left A-1 closed. The action now
remembers the message that closed it (`RecordItem.done_event_id`): deleting that message
opens what it closed; an edit of it first opens what it closed (`open_for_edit`), is then
handled as the message it now is (which may close the same action again), and what stays
open is said (`opened_by_edit`).
"""

from __future__ import annotations

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.errors import UserError
from commands.i18n import t
from commands.message import Outgoing
from commands.record import tell_owner_reopened
from storage import event_log
from storage import records as record_repo
from storage.models import RecordItem


def _codes(items: list[RecordItem]) -> str:
    return ", ".join(item.code for item in items)


def _open(ctx: CommandContext, item: RecordItem) -> None:
    item.done_at = None
    item.done_by = None
    item.updated_at = ctx.now


async def on_redaction(ctx: CommandContext) -> list[Outgoing] | None:
    """Deleting a closing message opens the actions it closed (and still closes). Only
    from its sender or a member with the room's redact power, in its room (as a report's
    retraction); None when the deleted message closed nothing."""
    target = ctx.message.relation.redacts
    if target is None:
        return None
    session = session_of(ctx)
    closed = [i for i in await record_repo.closed_by(session, target) if i.done_at is not None]
    if not closed:
        return None
    message = await event_log.seen(session, target)
    if message is None or message.room_id != ctx.room.room_id:
        return []  # another room's message: nothing done, nothing said about it
    if ctx.sender != message.sender and not ctx.room.may_redact_others(ctx.sender):
        raise UserError("record.reopen_not_allowed", code=_codes(closed))
    told: list[Outgoing] = []
    for item in closed:
        _open(ctx, item)
        item.done_event_id = None
        await ctx.audit(session, "action.reopened", subject=item.code, detail={"why": "redacted"})
        told += await tell_owner_reopened(ctx, item)  # it was told the action was done
    return [render.plain(t(ctx.lang, "record.reopened_redacted", codes=_codes(closed))), *told]


async def open_for_edit(ctx: CommandContext) -> None:
    """Before an edit of a closing message is handled as the message it now is: the
    actions it closed are open again, marked (`done_event_id` kept) so that
    `opened_by_edit` can say which of them the new words did not close again. Only an
    edit by the message's sender in its room counts (as every edit)."""
    original = ctx.message.relation.replaces
    if original is None:
        return
    session = session_of(ctx)
    closed = [i for i in await record_repo.closed_by(session, original) if i.done_at is not None]
    if not closed:
        return
    message = await event_log.seen(session, original)
    if message is None or (message.room_id, message.sender) != (ctx.room.room_id, ctx.sender):
        return
    for item in closed:
        _open(ctx, item)


async def opened_by_edit(ctx: CommandContext) -> list[Outgoing]:
    """After the edit was handled: the actions its message closed before and its new
    words did not close again stay open, and the sender is told."""
    original = ctx.message.relation.replaces
    if original is None:
        return []
    session = session_of(ctx)
    opened = [i for i in await record_repo.closed_by(session, original) if i.done_at is None]
    if not opened:
        return []
    for item in opened:
        item.done_event_id = None
        await ctx.audit(session, "action.reopened", subject=item.code, detail={"why": "edited"})
    return [render.plain(t(ctx.lang, "record.reopened_edited", codes=_codes(opened)))]
