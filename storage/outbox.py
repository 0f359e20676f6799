"""Replies and other homeserver actions waiting to be sent.

A row is written in the same transaction as the effect that caused it, and its
transaction id is derived from the source event, so a crash between "stored"
and "sent" leads to one resend with the same id, never to a second reply.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import Connection, String, Table, bindparam, event, func, insert, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import manager_of_class

from storage.ids import RoomId
from storage.models import OutboxMessage, PendingOffer, utcnow
from storage.rooms import pending_upgrades
from storage.sqlite_driver import COMMIT_OPTION
from storage.tlp import RoomAccess, shared_part

OutboxKind = Literal["message", "redact", "join", "leave", "file"]

TXN_PREFIX = "kp1."

_TABLE = cast(Table, OutboxMessage.__table__)
_MANAGER = manager_of_class(OutboxMessage)
# Built once, on the table (Core): every reply is queued with it.
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
# Marking rows sent after every batch (the Core table: an ORM update by primary key
# would want the key under its column name).
_MARK_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"), _TABLE.c.sent_at.is_(None))
    .values(sent_at=bindparam("now"), result_event_id=bindparam("event_id"))
)


@dataclass(frozen=True)
class RowLabel:
    """What a row shows, as the sender checks it against the room's binding just before
    the send (`tlp.may_still_see`): the highest label, the highest that may be other
    rooms' posts, the organisation AMBER+STRICT content belongs to (`may_still_see`
    in storage/tlp.py), and whether it is for curator rooms only (who asked a question:
    the room must still be one)."""

    tlp: str = "CLEAR"
    shared: str = "CLEAR"
    organisation: str | None = None
    curators: bool = False

    @classmethod
    def built_for(cls, access: RoomAccess, label: str, curators: bool = False) -> RowLabel:
        """A row showing content up to `label`, built for a room with `access` now."""
        return cls(label, shared_part(access, label), access.organisation, curators)


NOTHING_LABELLED = RowLabel()


async def current_label(session: AsyncSession, row_id: int) -> RowLabel | None:
    """The label a row carries in the table now (None: no row, or none stored)."""
    found = (
        await session.execute(
            select(
                _TABLE.c.tlp, _TABLE.c.tlp_shared, _TABLE.c.tlp_org, _TABLE.c.curators_only
            ).where(_TABLE.c.id == row_id)
        )
    ).first()
    if found is None or found.tlp is None:
        return None
    shared = found.tlp_shared or found.tlp
    return RowLabel(found.tlp, shared, found.tlp_org, bool(found.curators_only))


# When the transaction that queues a row began: its reads (the picture a row shows, the
# label of each item in it) are as of then or later. A raise committed after that moment
# may not have reached the row (storage/relabel.py: `late_raises`), so a row's
# `created_at` is its transaction's beginning, not the moment of its insert.
_BEGAN = "knooppunt.began_at"


def _began(session: Session, transaction: Any, connection: Any) -> None:
    session.info[_BEGAN] = utcnow()


event.listen(Session, "after_begin", _began)


def queued_at(session: AsyncSession | Session) -> datetime:
    """The moment the session's transaction began (now when it has not begun)."""
    began = session.info.get(_BEGAN)
    return began if isinstance(began, datetime) else utcnow()


def txn_id_for(source: str, index: int = 0) -> str:
    """A stable transaction id for the `index`-th action caused by `source`."""
    digest = hashlib.sha256(f"{source}\x00{index}".encode()).hexdigest()[:40]
    return f"{TXN_PREFIX}{digest}"


async def queued(session: AsyncSession, txn_id: str) -> bool:
    """Whether a row with this transaction id was ever queued (sent or not)."""
    found = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.txn_id == txn_id))
    return found is not None


async def add(
    session: AsyncSession,
    room_id: RoomId,
    kind: OutboxKind,
    content: dict[str, Any],
    txn_id: str,
    source_event_id: str | None = None,
    *,
    known_new: bool = False,
    last: bool = False,
    label: RowLabel = NOTHING_LABELLED,
) -> OutboxMessage | None:
    """Queue an action; returns None when that transaction id is already queued.

    `known_new` skips the look-up on the hot path, where the caller has just
    claimed the source event in the same transaction (the unique constraint
    still guards it). `last`: the transaction's last statement, committed next (on
    SQLite in the same round trip to its thread: storage/sqlite_driver.py). `label`:
    what the row shows (a reply, a file), checked again just before it is sent.
    """
    if not known_new:
        existing = await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.txn_id == txn_id)
        )
        if existing is not None:
            return None
    values = row_values(session, room_id, kind, content, txn_id, source_event_id, label)
    options = {COMMIT_OPTION: True} if last else {}
    row_id = (await session.execute(_INSERT, values, execution_options=options)).scalar_one()
    # A detached copy: the sender may use it after this transaction has ended.
    return detached_row(row_id, values)


def row_values(
    session: AsyncSession | Session,
    room_id: RoomId,
    kind: OutboxKind,
    content: dict[str, Any],
    txn_id: str,
    source_event_id: str | None,
    label: RowLabel,
) -> dict[str, Any]:
    """A new row's column values (queued at the moment its transaction began)."""
    return {
        "txn_id": txn_id,
        "room_id": room_id,
        "kind": kind,
        "content": content,
        "source_event_id": source_event_id,
        "created_at": queued_at(session),
        "attempts": 0,
        "last_error": None,
        "sent_at": None,
        "failed_at": None,
        "result_event_id": None,
        "tlp": label.tlp,
        "tlp_shared": label.shared,
        "tlp_org": label.organisation,
        "curators_only": label.curators,
    }


def add_on(connection: Connection, values: dict[str, Any], *, last: bool = False) -> OutboxMessage:
    """`add` of a row known to be new, on the session's connection, in a greenlet the
    caller is already in (`AsyncSession.run_sync`): with the event's other statements
    in one trip. `values`: `row_values`'."""
    options = {COMMIT_OPTION: True} if last else {}
    row_id = connection.execute(_INSERT, values, execution_options=options).scalar_one()
    return detached_row(row_id, values)


def detached_row(row_id: int, values: Mapping[str, Any]) -> OutboxMessage:
    """A transient OutboxMessage with these column values, as a row read back would have
    them: its attributes go straight into the instance's dict, not through the ORM's
    constructor, which sets each one through its instrumented attribute (about 60 µs of
    the 3–4 ms of CPU the bot spends per handled event at 10/s). Never added to a
    session: the sender only reads it, and reads the table again for anything else."""
    row = _MANAGER.new_instance()
    row.__dict__.update(values, id=row_id)
    return row


async def pending(session: AsyncSession, limit: int = 50) -> Sequence[OutboxMessage]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return rows.all()


async def waiting_for_invite(
    session: AsyncSession, limit: int = 500
) -> list[tuple[OutboxMessage, str]]:
    """The waiting rows queued to a room whose upgrade the bot could not follow yet (it
    is not invited to the new room), each with the room that replaced its room, oldest
    first: `knooppunt outbox` and the health page show them (session 18: they waited
    for ever, only logged)."""
    rows = list(await pending(session, limit))
    upgrades = await pending_upgrades(session, {row.room_id for row in rows})
    return [(row, upgrades[row.room_id]) for row in rows if row.room_id in upgrades]


async def waiting_for_admin_chat(session: AsyncSession) -> int:
    """The waiting notices for an admin who has no direct chat with the bot (their room
    id is the admin's user id, bot/sender.py `tell_admins`): they go once the admin opens
    one. `knooppunt outbox` lists them and the health page counts them."""
    count = await session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.room_id.startswith("@"),
        )
    )
    return int(count or 0)


PENDING_READ_LIMIT = 500  # rows `pending_by_room` reads at most


async def pending_by_room(
    session: AsyncSession, per_room: int = 20, limit: int = PENDING_READ_LIMIT
) -> Sequence[OutboxMessage]:
    """The oldest waiting rows of every room (at most `per_room` each), oldest first.

    One busy room's backlog must not hide another room's only reply: the
    sender serves rooms in turn, so it needs the head of every room's queue.
    """
    waiting = (
        select(
            OutboxMessage.id,
            func.row_number()
            .over(partition_by=OutboxMessage.room_id, order_by=OutboxMessage.id)
            .label("place"),
        )
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
        .subquery()
    )
    rows = await session.scalars(
        select(OutboxMessage)
        .join(waiting, waiting.c.id == OutboxMessage.id)
        .where(waiting.c.place <= per_room)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return rows.all()


async def mark_sent(session: AsyncSession, row_id: int, result_event_id: str | None) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.sent_at.is_(None))
        .values(sent_at=utcnow(), result_event_id=result_event_id)
    )


async def mark_sent_many(session: AsyncSession, marks: Mapping[int, str | None]) -> None:
    """Mark many rows sent in one statement (executemany): row id -> result event id."""
    if not marks:
        return
    now = utcnow()
    rows = [
        {"row_id": row_id, "event_id": event_id, "now": now} for row_id, event_id in marks.items()
    ]
    # One row (the usual case at a steady pace) as a plain execute: less overhead.
    await session.execute(_MARK_SENT, rows[0] if len(rows) == 1 else rows)


async def mark_sent_by_txn(session: AsyncSession, txn_id: str, result_event_id: str) -> bool:
    """Mark sent from the bot's own echo in a sync; True when a pending row matched."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.txn_id == txn_id, OutboxMessage.sent_at.is_(None))
        .values(sent_at=utcnow(), result_event_id=result_event_id)
    )
    return bool(getattr(result, "rowcount", 0))


# How much later than the event a row may have been queued and still be its source: the
# bot's clock and the homeserver's may differ a little.
ECHO_CLOCK_SLACK_MS = 60_000


async def mark_sent_by_relation(
    session: AsyncSession,
    room_id: str,
    relates_to: dict[str, Any],
    result_event_id: str,
    sent_ts_ms: int,
    skip: Collection[str] = (),
) -> int | None:
    """Mark sent from an echo of the bot's own reply that shows no transaction id: it
    was sent by an earlier device of the bot (a new login after a crash between a send
    and its record), and the new device sees neither that device's transaction id nor,
    in an encrypted room, its content. Its `m.relates_to` is in the clear (nio copies it
    out of the ciphertext): the oldest waiting message row of the room with the same
    relation, queued before the event, is the one it was (rows of a room are sent in
    order). `skip`: transaction ids this process is sending or sent. The row's id, or
    None when none matched."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.room_id == room_id,
            OutboxMessage.kind == "message",
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
        )
        .order_by(OutboxMessage.id)
        .limit(200)
    )
    for row in rows:
        if row.txn_id in skip or (row.content or {}).get("m.relates_to") != relates_to:
            continue
        if row.created_at.timestamp() * 1000 > sent_ts_ms + ECHO_CLOCK_SLACK_MS:
            break  # queued after the event: not its source, nor any later row
        row.sent_at = utcnow()
        row.result_event_id = result_event_id
        await session.flush()
        return row.id
    return None


async def record_attempt(
    session: AsyncSession, row_id: int, error: str, give_up: bool, now: datetime | None = None
) -> None:
    values: dict[str, Any] = {
        "attempts": OutboxMessage.attempts + 1,
        "last_error": error[:2000],
    }
    if give_up:
        values["failed_at"] = now or utcnow()
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))


# The key in a reply's content naming the kept question it delivers (bot/sender.py,
# commands/held_answers.py): a voided delivery keeps the answer again, a retracted
# answer takes the delivered copy back.
KEPT_QUESTION = "nl.knooppunt.kept_question"


async def kept_deliveries(session: AsyncSession, question_id: int) -> list[OutboxMessage]:
    """Every row (each part of each try) that delivered the kept answer of question
    `question_id`, oldest first. Rare (an answer deleted, a kept answer in parts): the
    content is read as text, then checked."""
    found = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.kind == "message",
            sql_cast(OutboxMessage.content, String).like(f"%{KEPT_QUESTION}%"),
        )
        .order_by(OutboxMessage.id)
    )
    return [row for row in found if (row.content or {}).get(KEPT_QUESTION) == question_id]


async def by_source(session: AsyncSession, source_event_id: str) -> Sequence[OutboxMessage]:
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.source_event_id == source_event_id)
        .order_by(OutboxMessage.id)
    )
    return rows.all()


async def answered_by(session: AsyncSession, room_id: str, event_id: str) -> str | None:
    """The event the bot's message `event_id` (as sent, in `room_id`) answered, if any."""
    found = await session.scalar(
        select(OutboxMessage.source_event_id)
        .where(OutboxMessage.room_id == room_id, OutboxMessage.result_event_id == event_id)
        .limit(1)
    )
    return str(found) if found is not None else None


async def reaction_matters(session: AsyncSession, room_id: str, event_id: str) -> bool:
    """Whether a reaction to `event_id` in `room_id` may be acted on: it is a message the
    bot sent there, or a free-text message the bot offered to record (its author's 👍
    records it, commands/free_text.py)."""
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.room_id == room_id, OutboxMessage.result_event_id == event_id)
        .limit(1)
    )
    if found is not None:
        return True
    offered = await session.scalar(
        select(PendingOffer.id).where(
            PendingOffer.room_id == room_id, PendingOffer.message_event_id == event_id
        )
    )
    return offered is not None


async def replied_to(session: AsyncSession, room_id: str, event_id: str) -> bool:
    """Whether the bot answered `event_id` in `room_id` (it acted on that message)."""
    found = await session.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.room_id == room_id, OutboxMessage.source_event_id == event_id)
        .limit(1)
    )
    return found is not None


async def messages_after(
    session: AsyncSession, room_id: str, after_id: int
) -> Sequence[OutboxMessage]:
    """The messages queued for `room_id` after the row `after_id`, oldest first."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.room_id == room_id,
            OutboxMessage.id > after_id,
            OutboxMessage.kind == "message",
        )
        .order_by(OutboxMessage.id)
    )
    return rows.all()


# How many of an event's first outbox rows `thread_of` looks at: its reply to the
# event's own room comes first (a report's confirmation before its alerts).
THREAD_REPLIES = 16


async def thread_of(session: AsyncSession, room_id: str, source_event_id: str) -> str | None:
    """The thread the bot answered `source_event_id` in (the root its first reply in
    `room_id` names), or None: an edit has no thread relation of its own, the message
    it edits does, and the bot's reply to that message kept it.

    Read by the replies' transaction ids (`txn_id_for(source_event_id, index)`, unique
    and indexed; its room's first reply is among the event's first THREAD_REPLIES): the
    outbox keeps every row it sent, and before migration 0029 `source_event_id` had no
    index, so selecting by it read every row of the room, for every edit and redaction
    (20,000 rows: 13 ms)."""
    txn_ids = [txn_id_for(source_event_id, index) for index in range(THREAD_REPLIES)]
    # The room is compared here, not in SQL: given it, SQLite's planner takes the room's
    # index (every row of the room) over the transaction ids'.
    rows = await session.execute(
        select(OutboxMessage.room_id, OutboxMessage.content)
        .where(OutboxMessage.txn_id.in_(txn_ids), OutboxMessage.kind == "message")
        .order_by(OutboxMessage.id)
    )
    content = next((row.content for row in rows if row.room_id == room_id), None)
    return thread_root(content.get("m.relates_to") if isinstance(content, dict) else None)


def thread_root(relates: object) -> str | None:
    """The thread a row's `m.relates_to` puts it in (its root event), or None."""
    if isinstance(relates, dict) and relates.get("rel_type") == "m.thread":
        root = relates.get("event_id")
        return root if isinstance(root, str) else None
    return None


async def forget_sent_words(session: AsyncSession, source_event_id: str, room_id: str) -> None:
    """Empty the stored content of the bot's sent messages in `room_id` that answered
    `source_event_id`: they quoted a member's words, which the member withdrew (the
    events themselves are redacted on the homeserver). The row stays (its event id is
    what the redaction names); a row not sent yet keeps its content: it is still to go,
    and is redacted once sent."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.source_event_id == source_event_id,
            OutboxMessage.room_id == room_id,
            OutboxMessage.kind == "message",
            OutboxMessage.sent_at.is_not(None),
        )
        .values(content={"withdrawn": True})
    )


async def replace_content(session: AsyncSession, row_id: int, content: dict[str, Any]) -> None:
    """The stored copy of a row once sent (`storage.portal_links.without_tokens`)."""
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id).values(content=content)
    )


async def move_to_room(
    session: AsyncSession, row_id: int, room_id: RoomId, content: dict[str, Any] | None = None
) -> None:
    """A row queued to the configured curator room's alias goes to the room the alias
    names, once it resolves, and a row queued to an upgraded room to the room that
    replaced it (bot/sender.py: `_to_curator_room`, `_follow_owed`; `content`: its
    content there, when it changes)."""
    values: dict[str, Any] = {"room_id": room_id}
    if content is not None:
        values["content"] = content
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
