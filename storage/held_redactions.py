"""Deletions refused for now (bot/held_redactions.py): kept in the `kv` table until they
count, one row per redaction (a handful at most, so no table of their own).

A row holds the redaction as the homeserver sent it, its room and sender, and the
sessions of the sender the bot did not trust when it refused it: the deletion counts
only once each of those is verified (a session signed out proves nothing). It is kept
for `HELD_FOR` at most (when it was held is in the row: `held_at`), and marked
`confirmed` in the transaction that records the person's 👍 on the refusal, so a
stop before it is carried out leaves it to be carried out at the next start."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue

PREFIX = "held-redaction:"
# How long a refused deletion waits to count. A deletion is meant now: carried out days
# later it takes back a report or an answer long after others acted on it, and a
# phished login's deletion would wait for any later verification. The person is told at
# once and needs minutes (verify the session, or 👍 the notice from a verified one).
HELD_FOR = timedelta(hours=24)
# The event log's effect of a refused redaction (bot/untrusted.py): logged so, it has
# not been handled anew yet.
REFUSED_EFFECTS = frozenset({"untrusted_redaction", "identity_pins_unreadable"})


@dataclass(frozen=True)
class Held:
    event_id: str
    room_id: str
    sender: str
    sessions: tuple[str, ...]  # untrusted when it was refused
    source: dict[str, Any]  # the redaction event as received
    held_at: datetime  # when it was refused
    confirmed: bool = False  # the person's 👍 is recorded: carried out, never lapsed

    def lapsed(self, now: datetime) -> bool:
        """Kept past `HELD_FOR` without a 👍: never carried out any more."""
        return not self.confirmed and now - self.held_at > HELD_FOR


def _key(event_id: str) -> str:
    # Event ids may be up to 255 characters; the key column holds 200.
    return PREFIX + hashlib.sha256(event_id.encode()).hexdigest()


async def hold(session: AsyncSession, held: Held) -> None:
    value = {
        "event_id": held.event_id,
        "room_id": held.room_id,
        "sender": held.sender,
        "sessions": list(held.sessions),
        "source": held.source,
        "held_at": held.held_at.isoformat(),
        "confirmed": held.confirmed,
    }
    await session.merge(KeyValue(key=_key(held.event_id), value=json.dumps(value)))


def _parsed(value: str, updated_at: datetime) -> Held | None:
    """A row; one held before rows named their time counts from its last write."""
    try:
        data = json.loads(value)
        at = data.get("held_at")
        held_at = datetime.fromisoformat(at) if isinstance(at, str) else updated_at
        return Held(
            event_id=str(data["event_id"]),
            room_id=str(data["room_id"]),
            sender=str(data["sender"]),
            sessions=tuple(str(s) for s in data["sessions"]),
            source=dict(data["source"]),
            held_at=held_at if held_at.tzinfo else held_at.replace(tzinfo=UTC),
            confirmed=data.get("confirmed") is True,
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


async def pending(session: AsyncSession, senders: Collection[str] | None = None) -> list[Held]:
    """The deletions held, of `senders` (all when None), oldest first."""
    rows = await session.execute(
        select(KeyValue.value, KeyValue.updated_at)
        .where(KeyValue.key.startswith(PREFIX, autoescape=True))
        .order_by(KeyValue.updated_at)
    )
    found = [held for value, at in rows if (held := _parsed(value, at)) is not None]
    return [held for held in found if senders is None or held.sender in senders]


async def get(session: AsyncSession, event_id: str) -> Held | None:
    row = await session.get(KeyValue, _key(event_id))
    return _parsed(row.value, row.updated_at) if row is not None else None


async def confirm(session: AsyncSession, held: Held) -> None:
    """The person's 👍 counts for it: in the transaction that records the 👍."""
    await hold(session, replace(held, confirmed=True))


async def drop(session: AsyncSession, event_id: str) -> None:
    await session.execute(delete(KeyValue).where(KeyValue.key == _key(event_id)))
