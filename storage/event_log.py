"""The record of handled events: what makes processing exactly-once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.ids import EventId, RoomId, UserId
from storage.models import ProcessedEvent, utcnow
from storage.sqlite_driver import COMMIT_OPTION, DEFER_OPTION

# Built once, on the table (Core): every handled event runs it.
_INSERT = insert(cast(Table, ProcessedEvent.__table__))


async def is_processed(session: AsyncSession, event_id: EventId) -> bool:
    return await session.get(ProcessedEvent, event_id) is not None


async def record(
    session: AsyncSession,
    event_id: EventId,
    room_id: RoomId,
    sender: UserId,
    effect: str,
    origin_ts: datetime,
    *,
    last: bool = False,
    defer: bool = False,
) -> None:
    """Add the event to the log; the primary key refuses a second copy.

    `last`: the transaction's last statement, committed next (on SQLite in the same
    round trip to its thread: storage/sqlite_driver.py). `defer`: on SQLite, sent with
    the transaction's next statement (or its commit), whose error a second copy then
    raises; only where no later statement's error is caught."""
    values = entry(event_id, room_id, sender, effect, origin_ts)
    await session.execute(_INSERT, values, execution_options=statement_options(last, defer))


def entry(
    event_id: EventId, room_id: RoomId, sender: UserId, effect: str, origin_ts: datetime
) -> dict[str, Any]:
    """The log entry's column values, handled now."""
    return {
        "event_id": event_id,
        "room_id": room_id,
        "sender": sender,
        "effect": effect,
        "origin_ts": origin_ts,
        "processed_at": utcnow(),
    }


def statement_options(last: bool, defer: bool) -> dict[str, bool]:
    """The execution options of a statement that is its transaction's last (committed
    with it) or deferred to the next hop (storage/sqlite_driver.py)."""
    return {COMMIT_OPTION: True} if last else {DEFER_OPTION: True} if defer else {}


def record_on(
    connection: Connection, values: dict[str, Any], *, last: bool = False, defer: bool = False
) -> None:
    """`record` on the session's connection, in a greenlet the caller is already in
    (`AsyncSession.run_sync`): the log entry with other statements in one trip, not one
    greenlet and one ORM execution each. `values`: `entry`'s."""
    connection.execute(_INSERT, values, execution_options=statement_options(last, defer))


async def forget(session: AsyncSession, event_id: str) -> None:
    """Take `event_id` out of the log, to handle it after all: only for a deletion that
    was refused for now and counts at last (bot/held_redactions.py)."""
    await session.execute(delete(ProcessedEvent).where(ProcessedEvent.event_id == event_id))


async def seen(session: AsyncSession, event_id: str) -> ProcessedEvent | None:
    """The handled event with this id (its room and sender), if the bot handled it."""
    return await session.get(ProcessedEvent, event_id)


# The effect of a handled reaction starts with this (bot/handling.py): a 👀 on a
# colleague's message is no message written past an offer (`wrote_since`).
REACTION_EFFECT = "reaction-"
# The effect of a handled edit starts with this (bot/handling.py): an edit that names an
# edit is no edit of a message (commands/reports.py: _edit_without_entry).
EDIT_EFFECT = "edit-"


async def wrote_since(
    session: AsyncSession, room_id: str, sender: str, since: datetime, besides: str
) -> bool:
    """Whether `sender` had an event handled in the room after the one that made the
    offer (`besides`, the offered message, or its edit: the event of the offer's time
    `since`), else after `since`. Handling times on both sides: the message's own time
    is the homeserver's, and a backlog read after a restart handles an earlier message
    after a later one's time (review7: a "Goedemorgen" before the offered update,
    handled with it, counted as talking past the offer; and so did the edit that
    corrected the update and made the offer anew). A reaction is no message: it does
    not count (its effect starts with REACTION_EFFECT)."""
    mine = (ProcessedEvent.sender == sender, ProcessedEvent.room_id == room_id)
    made = await session.scalar(
        select(func.max(ProcessedEvent.processed_at)).where(
            *mine, or_(ProcessedEvent.event_id == besides, ProcessedEvent.origin_ts == since)
        )
    )
    found = await session.scalar(
        select(ProcessedEvent.event_id)
        .where(
            *mine,
            ProcessedEvent.processed_at > (made if made is not None else since),
            ProcessedEvent.event_id != besides,
            ProcessedEvent.effect.not_like(f"{REACTION_EFFECT}%"),
        )
        .limit(1)
    )
    return found is not None
