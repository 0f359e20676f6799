"""Labels raised while replies wait in the outbox.

A reply is labelled by what it shows when it is queued (`outbox.RowLabel`); the items it
shows can be raised before it goes: a reporter edits `tlp: amber` into `tlp: rood`, a
withdrawn edit brings back a RED revision, a curator raises a record or a Q&A. Before,
the row went out under its old label. Every raise of a stored item's label (a report, a
record, an open question, a Q&A or guidance document) is noted on its session as it is
assigned; the event's transaction then raises the label of every waiting row that may
show the item, before it queues its own replies (bot/handling.py). A row that was read
(or queued) before the raise committed and is still held by the sender is judged under
every raise committed since its transaction began (`late_raises`, the one mechanism for
rows in memory and for rows queued beside the raise). Which rows may show the item,
and their new label, is decided in storage/tlp.py (`raised_row`). A raise made by
another process (the command line's `knowledge import` while the bot runs) is not seen
here.
"""

from __future__ import annotations

import base64
import re
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, object_session

from storage import rooms as room_repo
from storage import tlp
from storage.ids import RoomId
from storage.models import (
    KnowledgeItem,
    OpenQuestion,
    OutboxMessage,
    RecordItem,
    SituationEntry,
    utcnow,
)

_RAISES = "knooppunt.tlp_raised"


@dataclass(frozen=True)
class Raise:
    """An item's label went up from `old` to `new` in this transaction; `code` is how
    replies name it (M-7, B-2, V3, a Q&A's id)."""

    room_id: str
    organisation: str | None
    old: str
    new: str
    code: str = ""

    def named_in(self, row: OutboxMessage) -> bool:
        """Whether the row's text (or its file) names the item by its code."""
        if not self.code:
            return True  # nothing to go by: the safe side
        content = row.content if isinstance(row.content, dict) else {}
        text = str((content.get("caption") or content).get("body", ""))
        if row.kind == "file":
            data = base64.b64decode(content.get("data_b64", "") or "")
            text += "\n" + data.decode("utf-8", errors="replace")
        return re.search(rf"(?<![\w-]){re.escape(self.code)}(?!\w)", text) is not None


def _noted(target: Any, value: Any, oldvalue: Any, initiator: Any) -> None:
    if not isinstance(value, str) or not isinstance(oldvalue, str):
        return  # a new item (nothing shown of it yet) or a value not loaded
    if value not in tlp.RANK or oldvalue not in tlp.RANK:
        return
    if tlp.RANK[value] <= tlp.RANK[oldvalue]:
        return
    session = object_session(target)
    if session is not None:
        session.info.setdefault(_RAISES, []).append(_raise_of(target, oldvalue, value))


def _raise_of(target: Any, old: str, new: str) -> Raise:
    """A room's post (a report, a record, an open question) is its room's; a Q&A or a
    guidance document is no room's post, and its owner is its organisation."""
    if isinstance(target, KnowledgeItem):
        data = target.data if isinstance(target.data, dict) else {}
        owner = data.get("owner")
        return Raise("", owner if isinstance(owner, str) else None, old, new, str(target.id))
    code = f"V{target.id}" if isinstance(target, OpenQuestion) else target.code
    return Raise(target.room_id, target.organisation, old, new, code)


for _model in (SituationEntry, RecordItem, OpenQuestion, KnowledgeItem):
    event.listen(_model.tlp, "set", _noted)


# The raises this process committed, with the moment each was committed. On PostgreSQL
# (READ COMMITTED) a transaction that queues a row (a scheduled picture, a reminder, a
# reply in another room) can run beside the one that raises an item: it read the item
# before the raise was committed and committed its row after the raise looked for
# waiting rows, so the raise never reached that row. SQLite's write lock serialises the
# two. The sender judges every row under the raises committed since its transaction
# began (`late_raises`): for a row the raise did reach, that changes nothing. The same
# covers a row the sender read from the table, or was handed, before the raise was
# committed and still holds in memory: its transaction began before the raise.
_KEPT = timedelta(hours=24)
_KEPT_COUNT = 10_000
_COMMITTED: deque[tuple[datetime, Raise]] = deque()
# The commit time of the newest raise let go (older than _KEPT, or beyond _KEPT_COUNT):
# a row queued before it may have missed raises that are no longer kept here.
_FORGOTTEN: list[datetime] = []
_APPLIED = "knooppunt.tlp_raised_applied"


def _bump(session: Session) -> None:
    now = utcnow()
    _COMMITTED.extend((now, item) for item in session.info.pop(_APPLIED, []))
    while _COMMITTED and (now - _COMMITTED[0][0] > _KEPT or len(_COMMITTED) > _KEPT_COUNT):
        forgotten, _ = _COMMITTED.popleft()
        _FORGOTTEN[:] = [forgotten]


def late_raises(queued_at: datetime) -> list[Raise]:
    """The raises committed since `queued_at` (a row's transaction began then): the ones
    that may have missed it. Mostly none, and then no work at all."""
    if not _COMMITTED or _COMMITTED[-1][0] < queued_at:
        return []
    return [item for committed, item in _COMMITTED if committed >= queued_at]


def all_kept_since(queued_at: datetime) -> bool:
    """Whether every raise committed since `queued_at` is still kept here: not so for a
    row that waited past a raise let go (a day, or ten thousand raises later); the
    sender then reads the row's label from the table, which every raise reached."""
    return not _FORGOTTEN or _FORGOTTEN[0] < queued_at


def raised_label(
    row: OutboxMessage, label: tuple[str, str, str | None], access: tlp.RoomAccess,
    raises: list[Raise],
) -> tuple[str, str, str | None]:  # fmt: skip
    """The row's label (highest, highest of other rooms' posts, strict organisation)
    after `raises`, for a room with `access`; storage/tlp.py decides (`raised_row`)."""
    now = label
    for item in raises:
        if label[0] == "CLEAR" and not item.named_in(row):
            # A row that showed nothing labelled (help, a greeting, a CLEAR answer)
            # could show a CLEAR item only by naming it: judged by its code, so a
            # raise from CLEAR does not void every waiting reply of every room that
            # sees CLEAR only (public rooms, direct chats).
            continue
        now = (
            tlp.raised_row(now, access.own(item.room_id), (item.old, item.new, item.organisation))
            or now
        )
    return now


async def apply_raises(session: AsyncSession) -> int:
    """Raise the waiting rows that may show an item raised in this transaction (see
    the module docstring): the number of rows raised. No query when nothing was raised."""
    raises: list[Raise] = session.info.pop(_RAISES, [])
    if not raises:
        return 0
    lowest = min(tlp.RANK[r.old] for r in raises)
    rows = (
        await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                OutboxMessage.kind.in_(("message", "file")),
                OutboxMessage.tlp.in_(tlp.LABELS[lowest:]),
            )
        )
    ).all()
    views: dict[str, tlp.RoomAccess] = {}
    raised = 0
    for row in rows:
        if row.room_id not in views:
            views[row.room_id] = await room_repo.access_of(session, RoomId(row.room_id))
        label = (row.tlp or "CLEAR", row.tlp_shared or row.tlp or "CLEAR", row.tlp_org)
        now = raised_label(row, label, views[row.room_id], raises)
        if now != label:
            raised += 1
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(tlp=now[0], tlp_shared=now[1], tlp_org=now[2])
            )
    # Once committed, the raises are kept for the rows the sender holds and for those of
    # transactions that ran beside this one (`late_raises`).
    session.info[_APPLIED] = raises
    event.listen(session.sync_session, "after_commit", _bump, once=True)
    return raised
