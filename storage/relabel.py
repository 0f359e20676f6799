"""Labels raised while replies wait in the outbox.

A reply is labelled by what it shows when it is queued (`outbox.RowLabel`); the items it
shows can be raised before it goes: a reporter edits `tlp: amber` into `tlp: rood`, a
withdrawn edit brings back a RED revision, a curator raises a record or a Q&A. Before,
the row went out under its old label. Every raise of a stored item's label (a report, a
record, an open question, a Q&A or guidance document) is noted on its session as it is
assigned; the event's transaction then raises the label of every waiting row that may
show the item, before it queues its own replies (bot/handling.py), and the sender reads
a row's label again when a raise was committed since the row was read
(`outbox.label_generation`). Which rows may show the item, and their new label, is
decided in storage/tlp.py (`raised_row`). A raise made by another process (the command
line's `knowledge import` while the bot runs) is not seen here.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, object_session

from storage import outbox, tlp
from storage import rooms as room_repo
from storage.ids import RoomId
from storage.models import (
    KnowledgeItem,
    OpenQuestion,
    OutboxMessage,
    RecordItem,
    SituationEntry,
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


def _bump(session: Session) -> None:
    outbox.labels_changed()


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
        now = label
        for item in raises:
            if label[0] == "CLEAR" and not item.named_in(row):
                # A row that showed nothing labelled (help, a greeting, a CLEAR answer)
                # could show a CLEAR item only by naming it: judged by its code, so a
                # raise from CLEAR does not void every waiting reply of every room that
                # sees CLEAR only (public rooms, direct chats).
                continue
            own = views[row.room_id].own(item.room_id)
            now = tlp.raised_row(now, own, (item.old, item.new, item.organisation)) or now
        if now != label:
            raised += 1
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(tlp=now[0], tlp_shared=now[1], tlp_org=now[2])
            )
    if raised:
        # The sender reads a row's label again once this is committed (not before: a
        # row read in between would still carry the old label and count as current).
        event.listen(session.sync_session, "after_commit", _bump, once=True)
    return raised
