"""The exactly-once core: claim an event, run its command, queue its replies, commit."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from bot.sender import outgoing_row, reply_label, undelivered_parts
from commands.context import FETCHED, FetchFirst
from commands.dispatcher import Dispatcher, HandlerFailed, RoomView
from commands.message import Message, Outgoing, Reply
from storage import event_log, outbox, relabel, tlp
from storage import rooms as room_repo
from storage.engine import Database
from storage.event_log import EDIT_EFFECT, REACTION_EFFECT
from storage.ids import EventId, RoomId
from storage.models import OutboxMessage
from storage.outbox import NOTHING_LABELLED, RowLabel
from storage.rooms import BindingView

RoomViewFactory = Callable[[RoomId, bool, BindingView | None], RoomView]


# Fetches one event may need from the homeserver before it is handled (a 👍's target,
# a direct chat's members): a handler asks for each at most once per run, so every fetch
# adds an answer to FETCHED. An `!antwoord` to linked questions asks once per asker's
# direct chat, and a crisis question may have dozens of askers: a fixed limit of 8 left
# such an event unhandled. A fetch that adds no answer would loop: that is refused.
MAX_FETCHES = 1000


async def process_message(
    db: Database, dispatcher: Dispatcher, message: Message, room_view: RoomViewFactory
) -> tuple[list[Outgoing], list[OutboxMessage]] | None:
    """Claim the event, run the command, queue its replies, commit: one transaction.

    Returns None when the event was handled before (a replayed batch). A handler that
    needs the homeserver (commands.context.FetchFirst) does not wait for it inside the
    transaction: it is rolled back, the fetch runs with no transaction open, and the event
    is handled anew in a new transaction that checks everything again.
    """
    fetched: dict[object, object] = {}
    token = FETCHED.set(fetched)
    try:
        for _ in range(MAX_FETCHES):
            try:
                return await _process_once(db, dispatcher, message, room_view)
            except FetchFirst as needed:
                known = len(fetched)
                await needed.fetch()
                if len(fetched) <= known:
                    raise RuntimeError(
                        f"event {message.event_id}: a fetch kept no answer"
                    ) from needed
        raise RuntimeError(f"event {message.event_id}: more than {MAX_FETCHES} fetches")
    finally:
        FETCHED.reset(token)


async def _process_once(
    db: Database, dispatcher: Dispatcher, message: Message, room_view: RoomViewFactory
) -> tuple[list[Outgoing], list[OutboxMessage]] | None:
    now = datetime.now(UTC)
    try:
        async with db.transaction() as session:
            context = await room_repo.message_context(session, message.room_id, message.event_id)
            if context.already_processed:
                return None
            view = room_view(message.room_id, context.is_direct, context.binding)
            message = await _in_thread_of_original(session, message)
            replies = await dispatcher.handle(message, view, session, now)
            effect = _effect(message, "replied" if replies else "ignored")
            queued = await log_and_queue(
                session, message, replies, effect, view.access, dispatcher.settings.curator_room
            )
    except HandlerFailed as failed:
        # The handler's half-done work is rolled back; record the event and the apology.
        async with db.transaction() as session:
            queued = await log_and_queue(
                session,
                message,
                failed.replies,
                _effect(message, "failed"),
                view.access,
                dispatcher.settings.curator_room,
            )
        replies = failed.replies
    return replies, queued


async def _in_thread_of_original(session: AsyncSession, message: Message) -> Message:
    """An edit or a redaction as a message in the thread of the message it edits or
    redacts (neither has a thread relation of its own), so its answer goes in that
    thread: one look-up per edit or redaction."""
    relation = message.relation
    original = relation.replaces if message.kind == "edit" else relation.redacts
    if message.kind not in ("edit", "redaction") or original is None or relation.thread_root:
        return message
    root = await outbox.thread_of(session, message.room_id, original)
    if root is None:
        return message
    return dataclasses.replace(
        message, relation=dataclasses.replace(message.relation, thread_root=EventId(root))
    )


def _effect(message: Message, effect: str) -> str:
    """The log's effect for `message`. A reaction is logged as one: it is no message
    (event_log.wrote_since). An edit is logged as one: an edit that names it is an edit
    of an edit, which no client shows and which must not be read as a new message (it
    recorded a second report: commands/reports.py, _edit_without_entry)."""
    if message.kind == "reaction":
        return f"{REACTION_EFFECT}{effect}"
    if message.kind == "edit":
        return f"{EDIT_EFFECT}{effect}"
    return effect


async def log_and_queue(
    session: AsyncSession,
    message: Message,
    replies: list[Outgoing],
    effect: str,
    access: tlp.RoomAccess | None = None,
    curator_room: str | None = None,
) -> list[OutboxMessage]:
    """The event's log entry and its replies' outbox rows: the last statements of the
    event's transaction, committed next (the last of them commits it on SQLite, in
    the same round trip to the database's thread). Each row keeps the label of what it
    shows, for the check just before its send (`access`: the view of the event's room
    the command used; another room's is read, `curator_room` the configured one's id)."""
    if session.new or session.dirty or session.deleted:
        # The handler's own changes go before the last statement (a Core statement
        # does not flush them itself; the commit after it would, too late).
        await session.flush()
    # An item this event raised (an edit to `tlp: rood`): the rows still waiting that
    # may show it go under its new label; this event's own replies are queued after.
    await relabel.apply_raises(session)
    # A reply too large for one event goes in parts (bot/sender.py: reply_parts), each
    # labelled as the whole reply: a later part need not name the label (a late reply's
    # note stands above the banner the parts repeat), and is as much of what it shows.
    # A kept answer leaves out the parts an earlier delivery of it sent (undelivered_parts).
    parts: list[tuple[Outgoing, Outgoing]] = []
    for whole in replies:
        split: list[Outgoing] = [whole]
        if isinstance(whole, Reply) and whole.attachment is None:
            split = list(await undelivered_parts(session, whole))
        parts.extend((part, whole) for part in split)
    views: dict[str, tlp.RoomAccess] = {}
    rows = []
    for index, (reply, whole) in enumerate(parts):
        kind, target, content = outgoing_row(reply, message.room_id)
        label = await _label(session, whole, target, views, access, curator_room)
        txn_id = outbox.txn_id_for(message.event_id, index)
        rows.append(
            outbox.row_values(session, target, kind, content, txn_id, message.event_id, label)
        )
    entry = event_log.entry(
        message.event_id, message.room_id, message.sender, effect, message.timestamp
    )
    # The log entry and the rows in one greenlet, on the session's connection: no ORM
    # execution and no greenlet of their own per statement (the labels' reads above may
    # still need them). Nothing is left to flush: the handler's changes went above.
    return await session.run_sync(_write, entry, rows)


def _write(sync: Session, entry: dict[str, Any], rows: list[dict[str, Any]]) -> list[OutboxMessage]:
    """The event's log entry, then its replies' rows: the transaction's last statements
    (the last of them commits it on SQLite, in the same round trip to the database's
    thread; the log entry is sent with the first row, and a second copy's error raises
    there: nothing after it catches an error)."""
    connection = sync.connection()
    event_log.record_on(connection, entry, last=not rows, defer=bool(rows))
    return [
        outbox.add_on(connection, values, last=index == len(rows) - 1)
        for index, values in enumerate(rows)
    ]


async def _label(
    session: AsyncSession,
    reply: Outgoing,
    room_id: RoomId,
    views: dict[str, tlp.RoomAccess],
    own: tlp.RoomAccess | None,
    curator_room: str | None = None,
) -> RowLabel:
    """What a reply shows, for the room it goes to as that room is bound now (read once
    per other room; `own`: the view of the event's room its command used, if given)."""
    if not isinstance(reply, Reply):
        return NOTHING_LABELLED  # a redaction shows nothing
    label = reply_label(reply)
    if own is not None and room_id == own.room_id:
        # The command read its own room through this view: what the room could not see
        # even of its own (a public room: CLEAR only) the reply names, never shows ('M-1
        # vastgelegd · TLP:GREEN', 'deze kamer is openbaar, maar de melding is
        # TLP:AMBER'). Other rooms' rows keep the label they name (the safe side).
        return RowLabel.built_for(own, tlp.shown_part(own, label), reply.curators_only)
    if room_id not in views:
        views[room_id] = await room_repo.access_of(session, room_id, curator_room)
    return RowLabel.built_for(views[room_id], label, reply.curators_only)
